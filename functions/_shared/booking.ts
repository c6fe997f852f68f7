// Booking requests shared by the hold and book functions: one body, one call into the engine.
import { z } from 'zod';
import type { RouteContext } from './app.ts';
import { rpc } from './rpc.ts';
import { bookingRequest } from './schemas.ts';

export type BookingBody = z.infer<typeof bookingRequest>;

/** Call public.hold or public.book with the request, the caller-scoped idempotency key and,
 *  for assistants' API keys, source 'assistant' unless given. */
export async function placeBooking(fn: 'hold' | 'book', ctx: RouteContext<unknown, unknown, BookingBody & { payment_ref?: string }>) {
  const b = ctx.body;
  const source = b.source ?? (ctx.caller.label.startsWith('api_key:') ? 'assistant' : undefined);
  const data = await rpc(ctx.tx, fn, {
    venue_id: [b.venue_id, 'uuid'], party_size: [b.party_size, 'int'], date: [b.date, 'date'], slot: [b.slot, 'text'],
    start: [b.start, 'timestamptz'], unit_ids: [b.unit_ids, 'uuid[]'], area_id: [b.area_id, 'uuid'],
    guest: [b.guest, 'jsonb'], client_id: [b.client_id, 'uuid'], source: [source, 'text'],
    idempotency_key: [ctx.idempotencyKey, 'text'], seen_version: [b.seen_version, 'bigint'],
    special_requests: [b.special_requests, 'text'], occasion: [b.occasion, 'text'], override: [b.override, 'boolean'],
    ...(fn === 'book' ? { payment_ref: [b.payment_ref, 'text'] } : {}),
  });
  return { status: 201, data };
}

