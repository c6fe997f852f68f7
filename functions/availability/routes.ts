// GET /availability/v1            the snapshot of a venue's service date (ETag: what the caller sees)
// GET /availability/v1/times      a table venue's start times for a party
// GET /availability/v1/suggest    the best tables for a party at a start time
import { z } from 'zod';
import { createFunction, route } from '../_shared/app.ts';
import { admitAvailabilityStream, availabilityFeed, lastEventId, sseResponse, wantsStream } from '../_shared/live.ts';
import { actAs, type Sql, type Tx } from '../_shared/db.ts';
import { rpc, rpcRow } from '../_shared/rpc.ts';
import { date, id, instant, queryInt, slotCode } from '../_shared/schemas.ts';

export const snapshotQuery = z.object({
  venue_id: id,
  date,
  slot: slotCode.optional(),
  party_size: queryInt(1, 500).optional(),
  start: instant.optional(),
});

/** The channel's version, after expiring its holds whose time is up (public.channel_version). */
const channelVersion = async (db: Tx | Sql, venueId: string, date: string) =>
  Number(await rpc<string>(db, 'channel_version', { venue_id: [venueId, 'uuid'], date: [date, 'date'] }));

type SnapshotQuery = z.infer<typeof snapshotQuery>;
const snapshotArgs = (q: SnapshotQuery) => ({
  venue_id: [q.venue_id, 'uuid'], date: [q.date, 'date'], slot: [q.slot, 'text'],
  party_size: [q.party_size, 'int'], start: [q.start, 'timestamptz'],
} as const);

/** Whether a stream can resume after `resume` with nothing missing (public.channel_resumable): no
 *  event after it was pruned by retention (README, "Retention") and it is no newer than the channel. */
const resumable = async (tx: Tx, venueId: string, date: string, resume: number) =>
  await rpc<boolean>(tx, 'channel_resumable', { venue_id: [venueId, 'uuid'], date: [date, 'date'], after: [resume, 'bigint'] });

export const availability = createFunction('availability', [
  route({
    method: 'GET',
    path: '/',
    summary: 'Availability snapshot',
    description: 'Every unit of a venue on a service date with its state and remaining count, and the channel `version`. '
      + 'The ETag changes with everything the caller sees (bookings, holds, the venue\'s units, prices and hours) and differs '
      + 'between the guest view and the staff view (`Vary: Authorization, apikey`): send it back in If-None-Match for a 304 '
      + 'while nothing changed. Staff see full states. '
      + 'With `Accept: text/event-stream` it is a Server-Sent Events stream: a `snapshot` event, then an `availability` '
      + 'event per change (id = version), `: ping` heartbeats, and `bye` before the wall-clock limit; reconnect with '
      + '`Last-Event-ID` to replay exactly what was missed (a fresh `snapshot` event instead when the events after it are no '
      + 'longer kept).',
    query: snapshotQuery,
    // The snapshot of a night is cached in the database by the first reader after each change
    // (tablehold.cached_night_snapshot), which only a READ COMMITTED transaction may do: at
    // SERIALIZABLE two readers filling the same night conflict and one is re-run. The route's one
    // engine write, expiring lapsed holds, takes the channel lock like the sweeper does.
    isolation: 'read committed',
    // If-None-Match: the ETag the caller would get now (public.availability_etag, holds whose time
    // is up expired first) is the whole answer when it is unchanged: a 304 before any snapshot is
    // sent, and for guests before any snapshot work (two version numbers). Asked as the caller, in a
    // short transaction of its own: whether it is the staff view or the guest view depends on who asks.
    currentEtag: ({ query: q, headers, caller }, sql) =>
      wantsStream(headers) ? Promise.resolve(undefined) : sql.begin(async (tx) => {
        // sent together (postgres.js pipelines a transaction's queries): one round trip, not two
        const [, etag] = await Promise.all([actAs(tx, caller), rpc<string>(tx, 'availability_etag', snapshotArgs(q))]);
        return etag;
      }) as Promise<string>,
    handle: async ({ tx, query: q, headers, caller }) => {
      // a stream only for a bookable date, within the stream caps, before any work (live.ts)
      if (wantsStream(headers)) await admitAvailabilityStream(tx, caller, q.venue_id, q.date);
      // holds whose time is up are expired first, so the version and events are current
      await channelVersion(tx, q.venue_id, q.date);
      const feed = availabilityFeed(q.venue_id, q.date);
      const resume = lastEventId(headers);
      // a resume replays what was missed; one from further back than what is kept starts again from a snapshot
      if (wantsStream(headers) && resume !== undefined && await resumable(tx, q.venue_id, q.date, resume)) {
        return { data: null, stream: () => sseResponse(feed, resume, undefined, caller) }; // replay what was missed, then live
      }
      // ~460 KB for a 200-unit night: the text the database keeps, passed through, never parsed here
      const answer = await rpcRow<{ version: string; snapshot: string; etag: string }>(tx, 'availability_text', snapshotArgs(q));
      const version = Number(answer.version);
      if (wantsStream(headers)) {
        const first = { event: 'snapshot', id: version, data: JSON.parse(answer.snapshot) };
        return { data: null, stream: () => sseResponse(feed, version, first, caller) };
      }
      return { data: null, dataJson: answer.snapshot, etag: answer.etag };
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
