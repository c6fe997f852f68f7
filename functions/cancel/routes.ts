// POST /cancel/v1/:id  cancel a booking (its guest with the manage token, the customer, staff)
import { z } from 'zod';
import { createFunction, route } from '../_shared/app.ts';
import { rpc } from '../_shared/rpc.ts';
import { bookingIdParams, manageToken } from '../_shared/schemas.ts';

export const cancel = createFunction('cancel', [
  route({
    method: 'POST',
    path: '/:id',
    summary: 'Cancel a booking',
    params: bookingIdParams,
    body: z.object({ manage_token: manageToken.optional(), reason: z.string().trim().min(1).max(500).optional() }),
    idempotent: true,
    handle: async ({ tx, params, body }) => ({
      data: await rpc(tx, 'cancel', {
        booking_id: [params.id, 'uuid'], manage_token: [body.manage_token, 'text'], reason: [body.reason, 'text'],
      }),
    }),
  }),
]);
