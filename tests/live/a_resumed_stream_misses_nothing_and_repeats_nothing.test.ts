// A screen loses its connection in the middle of a burst of bookings and reconnects with
// Last-Event-ID: the server replays from the outbox exactly the versions after the last one it got,
// without a snapshot, then carries on live; the two connections together hold versions 1..n once
// each, also when the resume joins while the hub is in the middle of a read for the other screens.
// And a stream ends on its own with `bye` after TABLEHOLD_SSE_MAX_SECONDS (2 s here, on the
// availability handler called in-process; the functions server keeps its 120 s default), from
// where the client resumes just the same.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { availability } from '../../functions/availability/routes.ts';
import { closeAll, deferred, type Sql, sql, type Tx } from '../support/db';
import { createVenue, guest, type Venue } from '../support/fixtures';
import { buildRequest, credentials, engine, functionsUrl, headersOf, inProcess, pathWithQuery } from '../support/http';
import { closeStreams, idsOf, lastId, openSse, readSse, type SseStream, until } from '../support/sse';

const db = sql(2);
const streams: SseStream[] = [];
// each test's streams end with it, so the hub has no other channel to read when the next one starts
afterEach(() => closeStreams(streams.splice(0)));
afterAll(async () => {
  delete process.env.TABLEHOLD_SSE_MAX_SECONDS;
  await closeAll();
});

const newVenue = () =>
  createVenue(db, { kind: 'bar', units: [{ code: 'seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 40, maxCovers: 2 }] });

/** One booking of two seats (one unit): one event on the venue's channel. */
const bookTwo = (v: Venue, n: number, tx: Sql | Tx = db) =>
  engine(tx, 'book', {
    venue_id: [v.id, 'uuid'], date: [v.date, 'date'], party_size: [2, 'int'], unit_ids: [[v.units.seats], 'uuid[]'], guest: [guest(`resume-${n}`), 'jsonb'],
  });

const channelVersion = async (v: Venue): Promise<number> =>
  (await db`select version::int from tablehold.channels where venue_id = ${v.id} and service_date = ${v.date}`)[0]?.version ?? 0;

const reached = (version: number) => (s: SseStream) => (lastId(s) ?? -1) >= version;

/** A screen's stream of the venue's channel over HTTP, from the start or resuming after lastEventId. */
async function open(v: Venue, lastEventId?: string): Promise<SseStream> {
  const { publishable } = await credentials();
  const url = `${functionsUrl()}/functions/v1/${pathWithQuery('availability/v1', { venue_id: v.id, date: v.date })}`;
  const s = await openSse(url, { headers: headersOf(publishable), lastEventId });
  streams.push(s);
  expect(s.status, s.text).toBe(200);
  return s;
}

describe('a resumed stream misses nothing and repeats nothing', () => {
  it('a stream that resumes while the hub is reading for the others still gets every version after its Last-Event-ID', async () => {
    const venue = await newVenue();
    const watching = await open(venue);
    for (let n = 1; n <= 3; n++) await bookTwo(venue, n);
    await watching.waitFor('versions 1..3', reached(3));

    // Session L locks the outbox, so the hub's next read for the channel (from version 3, its 2 s poll) waits
    // (it runs first in this file: no other channel is being read); a client resumes from version 0 meanwhile;
    // L then books version 4 and commits, releasing the read.
    const lockHolder = sql(1);
    const [{ pid }] = await lockHolder`select pg_backend_pid() as pid`;
    const release = deferred();
    const session = lockHolder.begin(async (tx) => {
      await tx`lock table public.availability_events in access exclusive mode`;
      await release.promise;
      await bookTwo(venue, 4, tx);
    });
    let resumed!: SseStream;
    try {
      await until('a hub read waiting for the locked outbox', 10_000, async () => {
        const [{ waiting }] = await db`select count(*)::int as waiting from pg_stat_activity
          where ${pid}::int = any (pg_blocking_pids(pid)) and query like '%from public.availability_events e%'`;
        return waiting > 0;
      });
      resumed = await open(venue, '0');
    } finally {
      release.resolve();
      await session;
    }
    await resumed.waitFor('version 4', reached(4));
    expect(idsOf(resumed, 'availability'), 'the resume gets 1..4, although the read in flight started from 3').toEqual([1, 2, 3, 4]);
    expect(idsOf(watching, 'availability'), 'and the stream that was watching 1..4 once each').toEqual([1, 2, 3, 4]);
  });

  it('a screen dropped mid-burst resumes with Last-Event-ID at exactly the next version, with no snapshot, and carries on live', async () => {
    const venue = await newVenue();

    const first = await open(venue);
    await first.waitFor('the snapshot', (s) => s.events.length > 0);
    expect([first.events[0].event, first.events[0].id], 'a fresh channel starts at version 0').toEqual(['snapshot', '0']);
    expect(first.retry, 'the stream tells clients how soon to reconnect (a retry: line)').toBeGreaterThan(0);

    // a burst of 8 bookings; the screen goes away once it has 3 of them, while the rest still commit
    let n = 0;
    const burst = (async () => {
      for (let i = 0; i < 8; i++) await bookTwo(venue, ++n);
    })();
    await first.waitFor('three events', (s) => idsOf(s, 'availability').length >= 3);
    first.close();
    expect(await first.finished, 'the client aborted the stream').toBe('aborted');
    await burst;
    for (let i = 0; i < 3; i++) await bookTwo(venue, ++n); // made while nobody is connected
    const last = lastId(first)!;
    console.log(`dropped after version ${last} of the burst of 8`);
    const whileAway = await channelVersion(venue);
    expect(whileAway, 'every booking wrote one event').toBe(11);

    const second = await open(venue, String(last));
    await second.waitFor(`the replay up to version ${whileAway}`, reached(whileAway));
    for (let i = 0; i < 3; i++) await bookTwo(venue, ++n); // live again
    await second.waitFor('the live versions 12..14', reached(14));

    const before = idsOf(first, 'availability');
    const after = idsOf(second, 'availability');
    expect(before, 'the first connection got 1..last in order').toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(second.events.map((e) => e.event), 'no snapshot on a resume: only availability events').toEqual(after.map(() => 'availability'));
    expect(after[0], `the replay starts at last + 1 = ${last + 1}`).toBe(last + 1);
    expect([...before, ...after], 'together: versions 1..14, each exactly once').toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    const outbox = await db`select to_jsonb(e) as row from public.availability_events e where e.channel = ${`${venue.id}:${venue.date}`} order by e.version`;
    expect([...first.data('availability'), ...second.data('availability')], 'each event is the outbox row of its version')
      .toEqual(outbox.map((r) => r.row));
  });

  it('a stream says bye after TABLEHOLD_SSE_MAX_SECONDS with the id to resume from, ends, and the resume continues at the next version', async () => {
    const venue = await newVenue();
    await inProcess(sql(4));
    process.env.TABLEHOLD_SSE_MAX_SECONDS = '2';
    const { publishable } = await credentials();
    const request = (lastEventId?: string) =>
      buildRequest(publishable, 'GET', 'availability/v1', {
        query: { venue_id: venue.id, date: venue.date },
        headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      });

    const started = Date.now();
    const s = readSse(await availability.handler(request()));
    streams.push(s);
    expect([s.status, s.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    await s.waitFor('the snapshot', (x) => x.events.length > 0);
    await bookTwo(venue, 1);
    await s.waitFor('the live event', reached(1));
    await s.waitFor('the end of the stream', (x) => x.end !== undefined, 10_000);
    const lasted = Date.now() - started;

    expect(s.end, 'the server ended the stream').toBe('ended');
    expect(lasted, 'after the 2 s limit, not long after').toBeGreaterThanOrEqual(2_000);
    expect(lasted).toBeLessThan(10_000);
    expect(s.events.map((e) => [e.event, e.id]), 'snapshot, the change, then bye with the id to resume from')
      .toEqual([['snapshot', '0'], ['availability', '1'], ['bye', '1']]);
    expect(s.data('bye'), 'bye asks the client to reconnect').toEqual([{ reconnect: true }]);
    expect(s.retry, 'with a retry: line').toBeGreaterThan(0);
    expect(s.problems, 'a well-formed stream').toEqual([]);

    const resumed = readSse(await availability.handler(request('1')));
    streams.push(resumed);
    await bookTwo(venue, 2);
    await resumed.waitFor('version 2', reached(2));
    resumed.close();
    expect(resumed.events.slice(0, 1).map((e) => [e.event, e.id]), 'the resume from bye starts at the next version').toEqual([['availability', '2']]);
    expect(idsOf(resumed, 'snapshot'), 'and has no snapshot').toEqual([]);
  });
});
