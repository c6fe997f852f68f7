// GET /availability/v1            the snapshot of a venue's service date (ETag = channel version)
// GET /availability/v1/times      a table venue's start times for a party
// GET /availability/v1/suggest    the best tables for a party at a start time
import { z } from 'zod';
import { createFunction, route } from '../_shared/app.ts';
import { availabilityFeed, lastEventId, sseResponse, wantsStream } from '../_shared/live.ts';
import { rpc } from '../_shared/rpc.ts';
import { date, id, instant, queryInt, slotCode } from '../_shared/schemas.ts';

export const snapshotQuery = z.object({
  venue_id: id,
  date,
  slot: slotCode.optional(),
  party_size: queryInt(1, 500).optional(),
  start: instant.optional(),
});

interface Snapshot {
  version: number;
  venue_id: string;
  service_date: string;
}

export const availability = createFunction('availability', [
  route({
    method: 'GET',
    path: '/',
    summary: 'Availability snapshot',
    description: 'Every unit of a venue on a service date with its state and remaining count, and the channel `version`. '
      + 'The ETag is the version: send it back in If-None-Match for a 304 while nothing changed. Staff see full states. '
      + 'With `Accept: text/event-stream` it is a Server-Sent Events stream: a `snapshot` event, then an `availability` '
      + 'event per change (id = version), `: ping` heartbeats, and `bye` before the wall-clock limit; reconnect with '
      + '`Last-Event-ID` to replay exactly what was missed.',
    query: snapshotQuery,
    handle: async ({ tx, query: q, headers }) => {
      // holds whose time is up are expired first, so the version and events are current
      await rpc(tx, 'refresh_channel', { venue_id: [q.venue_id, 'uuid'], date: [q.date, 'date'] });
      const feed = availabilityFeed(q.venue_id, q.date);
      const resume = lastEventId(headers);
      if (wantsStream(headers) && resume !== undefined) {
        return { data: null, stream: () => sseResponse(feed, resume) }; // replay what was missed, then live
      }
      const snapshot = await rpc<Snapshot>(tx, 'availability', {
        venue_id: [q.venue_id, 'uuid'], date: [q.date, 'date'], slot: [q.slot, 'text'],
        party_size: [q.party_size, 'int'], start: [q.start, 'timestamptz'],
      });
      if (wantsStream(headers)) {
        return { data: null, stream: () => sseResponse(feed, snapshot.version, { event: 'snapshot', id: snapshot.version, data: snapshot }) };
      }
      return { data: snapshot, etag: `"${snapshot.version}"` };
    },
  }),
  route({
    method: 'GET',
    path: '/times',
    summary: 'Start times for a party',
    query: z.object({ venue_id: id, date, party_size: queryInt(1, 500) }),
    handle: async ({ tx, query: q }) => ({
      data: await rpc(tx, 'available_times', { venue_id: [q.venue_id, 'uuid'], date: [q.date, 'date'], party_size: [q.party_size, 'int'] }),
    }),
  }),
  route({
    method: 'GET',
    path: '/suggest',
    summary: 'Best tables for a party',
    query: z.object({ venue_id: id, start: instant, party_size: queryInt(1, 500), area_id: id.optional(), limit: queryInt(1, 50).optional() }),
    handle: async ({ tx, query: q }) => ({
      data: await rpc(tx, 'suggest_tables', {
        venue_id: [q.venue_id, 'uuid'], start: [q.start, 'timestamptz'], party_size: [q.party_size, 'int'],
        area_id: [q.area_id, 'uuid'], limit: [q.limit, 'int'],
      }),
    }),
  }),
]);
