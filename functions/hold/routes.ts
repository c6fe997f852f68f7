// POST /hold/v1              hold inventory for the venue's hold TTL
// POST /hold/v1/:id/confirm  confirm a hold (re-takes an expired one if its spot is still free)
import { z } from 'zod';
import { createFunction, route } from '../_shared/app.ts';
import { placeBooking } from '../_shared/booking.ts';
import { rpc } from '../_shared/rpc.ts';
import { bookingIdParams, bookingRequest, manageToken } from '../_shared/schemas.ts';

export const hold = createFunction('hold', [
  route({
    method: 'POST',
    path: '/',
    summary: 'Hold inventory',
    description: 'Takes the named units (or, for tables, the best free ones for `start`) for the venue\'s hold TTL. '
      + 'Returns the booking in status held with `hold_expires_at` and a `manage_token` (shown once).',
    body: bookingRequest,
    idempotent: true,
    venueOf: ({ body }) => body.venue_id,
    handle: (ctx) => placeBooking('hold', ctx),
  }),
  route({
    method: 'POST',
    path: '/:id/confirm',
    summary: 'Confirm a hold',
    params: bookingIdParams,
    body: z.object({ manage_token: manageToken.optional(), payment_ref: z.string().trim().min(1).max(200).optional() }),
    idempotent: true,
    venueOf: async ({ params }, sql) =>
      (await sql`select venue_id from tablehold.bookings where id = ${params.id}`)[0]?.venue_id as string | undefined,
    handle: async ({ tx, params, body }) => ({
      data: await rpc(tx, 'confirm', {
        booking_id: [params.id, 'uuid'], manage_token: [body.manage_token, 'text'], payment_ref: [body.payment_ref, 'text'],
      }),
    }),
  }),
]);
