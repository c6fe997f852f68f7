// POST  /book/v1      book directly (hold and confirm in one step)
// GET   /book/v1/:id  read a booking (its guest with the manage token, the customer, staff)
// PATCH /book/v1/:id  change time, slot or party size (its guest with the manage token, staff)
import { z } from 'zod';
import { createFunction, route } from '../_shared/app.ts';
import { placeBooking } from '../_shared/booking.ts';
import { rpc } from '../_shared/rpc.ts';
import { bookingIdParams, bookingRequest, date, instant, manageToken, partySize, slotCode } from '../_shared/schemas.ts';

export const book = createFunction('book', [
  route({
    method: 'POST',
    path: '/',
    summary: 'Book',
    description: 'Holds and confirms in one step. Ends confirmed, or pending_approval where a manager must approve.',
    body: bookingRequest.extend({ payment_ref: z.string().trim().min(1).max(200).optional() }),
    idempotent: true,
    venueOf: ({ body }) => body.venue_id,
    handle: (ctx) => placeBooking('book', ctx),
  }),
  route({
    method: 'GET',
    path: '/:id',
    summary: 'Read a booking',
    description: 'Guests present their manage token as the manage_token query parameter.',
    params: bookingIdParams,
    query: z.object({ manage_token: manageToken.optional() }),
    handle: async ({ tx, params, query }) => ({
      data: await rpc(tx, 'booking_get', { booking_id: [params.id, 'uuid'], manage_token: [query.manage_token, 'text'] }),
    }),
  }),
  route({
    method: 'PATCH',
    path: '/:id',
    summary: 'Change a booking',
    params: bookingIdParams,
    body: z.object({
      manage_token: manageToken.optional(), party_size: partySize.optional(), date: date.optional(),
      slot: slotCode.optional(), start: instant.optional(),
    }),
    idempotent: true,
    handle: async ({ tx, params, body: b }) => ({
      data: await rpc(tx, 'modify', {
        booking_id: [params.id, 'uuid'], manage_token: [b.manage_token, 'text'], party_size: [b.party_size, 'int'],
        date: [b.date, 'date'], slot: [b.slot, 'text'], start: [b.start, 'timestamptz'],
      }),
    }),
  }),
]);
