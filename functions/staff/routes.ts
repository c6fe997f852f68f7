// Staff operations (the engine checks the caller's staff role per venue):
// POST   /staff/v1/bookings/:id/{approve,reject,seat,complete,no-show}
// PATCH  /staff/v1/bookings/:id            modify (tables too)
// POST   /staff/v1/blocks                  block units;  DELETE /staff/v1/blocks/:id  unblock
// GET    /staff/v1/arrivals                today's arrivals, by seat type or unit
// GET    /staff/v1/tables                  table live status (the floor view)
// GET    /staff/v1/metrics                 operational metrics for a date range
// GET    /staff/v1/feed                    booking changes with who made them (JSON after a cursor, or SSE)
// POST   /staff/v1/api-keys                create an assistant API key; DELETE /staff/v1/api-keys/:id revoke it
import { z } from 'zod';
import { createFunction, type Route, route } from '../_shared/app.ts';
import { checkStreamCapacity, lastEventId, sseResponse, staffFeed, wantsStream } from '../_shared/live.ts';
import { rpc } from '../_shared/rpc.ts';
import { bookingIdParams, date, id, instant, partySize, queryInt, slotCode } from '../_shared/schemas.ts';

const reasonBody = z.object({ reason: z.string().trim().min(1).max(500).optional() });

/** POST /bookings/:id/<action>: one status change through the engine function of that name. */
const transition = (action: string, fn: string, summary: string, withReason = false): Route =>
  route({
    method: 'POST',
    path: `/bookings/:id/${action}`,
    summary,
    params: bookingIdParams,
    body: withReason ? reasonBody : z.object({}),
    idempotent: true,
    handle: async ({ tx, params, body }) => ({
      data: await rpc(tx, fn, { booking_id: [params.id, 'uuid'], ...(withReason ? { reason: [body.reason, 'text'] } : {}) }),
    }),
  });

export const staff = createFunction('staff', [
  transition('approve', 'approve', 'Approve a pending request (manager)'),
  transition('reject', 'reject', 'Reject a pending request (manager)', true),
  transition('seat', 'seat', 'Seat the guests (host)'),
  transition('complete', 'complete', 'The guests have left (host)'),
  transition('no-show', 'no_show', 'The guests never came (host)'),
  route({
    method: 'PATCH',
    path: '/bookings/:id',
    summary: 'Modify a booking (host): time, slot, party size, tables',
    params: bookingIdParams,
    body: z.object({
      party_size: partySize.optional(), date: date.optional(), slot: slotCode.optional(), start: instant.optional(),
      unit_ids: z.array(id).min(1).max(8).optional(), override: z.boolean().optional(),
    }),
    idempotent: true,
    handle: async ({ tx, params, body: b }) => ({
      data: await rpc(tx, 'modify', {
        booking_id: [params.id, 'uuid'], party_size: [b.party_size, 'int'], date: [b.date, 'date'], slot: [b.slot, 'text'],
        start: [b.start, 'timestamptz'], unit_ids: [b.unit_ids, 'uuid[]'], override: [b.override, 'boolean'],
      }),
    }),
  }),
  route({
    method: 'POST',
    path: '/blocks',
    summary: 'Block units (manager)',
    body: z.object({
      venue_id: id, unit_ids: z.array(id).min(1).max(50), reason: z.string().trim().min(1).max(500),
      date: date.optional(), slot: slotCode.optional(), start: instant.optional(), end: instant.optional(),
      quantity: z.number().int().min(1).max(10000).optional(),
    }),
    idempotent: true,
    handle: async ({ tx, body: b }) => ({
      status: 201,
      data: await rpc(tx, 'block', {
        venue_id: [b.venue_id, 'uuid'], unit_ids: [b.unit_ids, 'uuid[]'], reason: [b.reason, 'text'], date: [b.date, 'date'],
        slot: [b.slot, 'text'], start: [b.start, 'timestamptz'], end: [b.end, 'timestamptz'], quantity: [b.quantity, 'int'],
      }),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/blocks/:id',
    summary: 'Lift a block (manager)',
    params: bookingIdParams,
    handle: async ({ tx, params }) => ({ data: await rpc(tx, 'unblock', { block_id: [params.id, 'uuid'] }) }),
  }),
  route({
    method: 'GET',
    path: '/arrivals',
    summary: 'Arrivals for a service date (host)',
    query: z.object({
      venue_id: id, date: date.optional(),
      unit_type: z.enum(['table', 'booth', 'section', 'seat_option']).optional(),
      unit_code: z.string().regex(/^[a-z0-9_-]{1,64}$/).optional(),
    }),
    handle: async ({ tx, query: q }) => ({
      data: await rpc(tx, 'arrivals', {
        venue_id: [q.venue_id, 'uuid'], date: [q.date, 'date'], unit_type: [q.unit_type, 'text'], unit_code: [q.unit_code, 'text'],
      }),
    }),
  }),
  route({
    method: 'GET',
    path: '/tables',
    summary: 'Table live status (host)',
    query: z.object({ venue_id: id, at: instant.optional() }),
    handle: async ({ tx, query: q }) => ({
      data: await rpc(tx, 'table_live_status', { venue_id: [q.venue_id, 'uuid'], at: [q.at, 'timestamptz'] }),
    }),
  }),
  route({
    method: 'GET',
    path: '/metrics',
    summary: 'Operational metrics (manager)',
    query: z.object({ venue_id: id, from: date, to: date }),
    handle: async ({ tx, query: q }) => ({
      data: await rpc(tx, 'venue_metrics', { venue_id: [q.venue_id, 'uuid'], from: [q.from, 'date'], to: [q.to, 'date'] }),
    }),
  }),
  route({
    method: 'GET',
    path: '/feed',
    summary: 'Booking changes, live (host)',
    description: 'The venue\'s booking changes (new, status changes, moves) with who made them, after the `after` cursor (`seq`). '
      + 'With `Accept: text/event-stream`: a Server-Sent Events stream of `booking` events (id = cursor) from now on, '
      + 'or from `Last-Event-ID`, with heartbeats and a `bye` before the wall-clock limit.',
    query: z.object({ venue_id: id, date: date.optional(), after: queryInt(0, Number.MAX_SAFE_INTEGER).optional() }),
    handle: async ({ tx, query: q, headers, caller }) => {
      if (wantsStream(headers)) checkStreamCapacity(caller); // 429 / 503 before any work (live.ts)
      // authorises the caller (staff of the venue) and reads the rows after the cursor
      const resume = lastEventId(headers) ?? q.after;
      const rows = await rpc<{ seq: number }[]>(tx, 'staff_feed', {
        venue_id: [q.venue_id, 'uuid'], after: [resume ?? 0, 'bigint'], date: [q.date, 'date'],
      });
      if (!wantsStream(headers)) return { data: rows };
      const [latest] = await tx`select coalesce(max(seq), 0)::bigint as seq from public.staff_events where venue_id = ${q.venue_id}`;
      return { data: null, stream: () => sseResponse(staffFeed(q.venue_id, q.date), resume ?? Number(latest.seq), undefined, caller) };
    },
  }),
  route({
    method: 'POST',
    path: '/api-keys',
    summary: 'Create an assistant API key (manager); the key is shown once',
    body: z.object({ venue_id: id, name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(['read', 'book', 'manage'])).min(1).max(3) }),
    handle: async ({ tx, body: b }) => ({
      status: 201,
      data: await rpc(tx, 'api_key_create', { venue_id: [b.venue_id, 'uuid'], name: [b.name, 'text'], scopes: [b.scopes, 'text[]'] }),
    }),
  }),
  route({
    method: 'DELETE',
    path: '/api-keys/:id',
    summary: 'Revoke an API key (manager)',
    params: z.object({ id }),
    handle: async ({ tx, params }) => ({ data: await rpc(tx, 'api_key_revoke', { api_key_id: [params.id, 'uuid'] }) }),
  }),
]);
