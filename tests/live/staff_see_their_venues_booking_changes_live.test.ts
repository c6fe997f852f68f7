// A host of the-vault keeps GET /staff/v1/feed open (Server-Sent Events) while a guest books a
// standing table, another guest asks for the mezzanine, the manager approves that request and the
// first guest cancels with their manage token. The host sees one `booking` event per change, in
// order, each with the status before and after and who made it; Last-Event-ID and the JSON form
// (`after`) return the same rows. A change that commits after a later-numbered one is not lost;
// each stream keeps its own ?date= filter; only staff of the venue may open the feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, deferred, session, type Sql, sql, type Tx } from '../support/db';
import { demoSeed } from '../support/demo';
import { createVenue } from '../support/fixtures';
import {
  type Credential, createUser, credentials, engine, freeSlot, functionsUrl, guest, headersOf, invoke, outcome, pathWithQuery,
} from '../support/http';
import { closeStreams, idsOf, lastId, openSse, type SseStream, until } from '../support/sse';

const db = sql(2);
const seed = await demoSeed(db);
const V = seed.vault;
const streams: SseStream[] = [];
const as = {} as Record<'host' | 'manager' | 'noraHost' | 'copperManager' | 'publishable' | 'nobody', Credential>;

beforeAll(async () => {
  const c = await credentials();
  Object.assign(as, {
    host: await c.user('host of the-vault', seed.users.vaultHost),
    manager: await c.user('manager of the-vault', seed.users.vaultManager),
    noraHost: await c.user("nora-kitchen's host", seed.users.noraHost),
    copperManager: await c.user("copper-bar's manager", seed.users.copperManager),
    publishable: c.publishable,
    nobody: c.nobody,
  });
});
afterAll(async () => {
  await closeStreams(streams);
  await closeAll();
});

const feedUrl = (query: Record<string, string | number | undefined> = {}) =>
  `${functionsUrl()}/functions/v1/${pathWithQuery('staff/v1/feed', { venue_id: V.id, ...query })}`;

async function feed(c: Credential, { lastEventId, venue = V.id, date }: { lastEventId?: string; venue?: string; date?: string } = {}): Promise<SseStream> {
  const s = await openSse(feedUrl({ venue_id: venue, date }), { headers: headersOf(c), lastEventId });
  streams.push(s);
  return s;
}

const created = (r: { status: number; body: any }) => {
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.data;
};
const ok = (r: { status: number; body: any }) => {
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data;
};

/** The staff events of the venue with feed sequence first..last, as postgres reads them. */
const outboxRows = async (first: number, last: number) =>
  (await db`select to_jsonb(e) as row from public.staff_events e where e.venue_id = ${V.id} and e.seq between ${first} and ${last} order by e.seq`)
    .map((r) => r.row);

describe('staff see their venue\'s booking changes live', () => {
  it('the host sees each change once, in order, with the statuses and who made it; Last-Event-ID and ?after= give the same rows', async () => {
    const standingSpot = await freeSlot(db, V.standing);
    const mezzanineSpot = await freeSlot(db, V.mezzanine);
    const host = await feed(as.host);
    expect([host.status, host.headers.get('content-type')], host.text).toEqual([200, 'text/event-stream; charset=utf-8']);
    const ada = guest('ada');
    const table = created(await invoke(as.publishable, 'POST', 'book/v1', {
      body: { venue_id: V.id, party_size: 2, ...standingSpot, unit_ids: [V.standing], guest: ada },
    }));
    const request = created(await invoke(as.publishable, 'POST', 'book/v1', {
      body: { venue_id: V.id, party_size: 12, ...mezzanineSpot, unit_ids: [V.mezzanine], guest: guest('max') },
    }));
    expect([table.status, request.status]).toEqual(['confirmed', 'pending_approval']);
    ok(await invoke(as.manager, 'POST', `staff/v1/bookings/${request.id}/approve`, { body: {} }));
    ok(await invoke(as.publishable, 'POST', `cancel/v1/${table.id}`, { body: { manage_token: table.manage_token, reason: 'plans changed' } }));

    const ours = (s: SseStream) => s.data('booking').filter((e) => e.booking_id === table.id || e.booking_id === request.id);
    await host.waitFor('the cancellation', (s) => ours(s).some((e) => e.status === 'cancelled'));
    const seen = ours(host);
    const summary = seen.map((e) => [e.reference, e.previous_status, e.status, e.units, e.actor_role, e.actor_user_id]);
    expect(summary, 'one event per change, in the order they happened').toEqual([
      [table.reference, null, 'confirmed', ['standing-tables'], 'guest', null],
      [request.reference, null, 'pending_approval', ['mezzanine'], 'guest', null],
      [request.reference, 'pending_approval', 'confirmed', ['mezzanine'], 'manager', seed.users.vaultManager],
      [table.reference, 'confirmed', 'cancelled', ['standing-tables'], 'guest', null],
    ]);
    expect(seen[0], 'the new booking, as the host needs it').toMatchObject({
      venue_id: V.id, service_date: standingSpot.date, booking_id: table.id, kind: 'booking', party_size: 2,
      guest_name: ada.name, api_key_id: null,
    });
    expect([new Date(seen[0].starts_at).getTime(), new Date(seen[0].ends_at).getTime()], 'over the booking\'s window')
      .toEqual([new Date(table.starts_at).getTime(), new Date(table.ends_at).getTime()]);
    expect(seen.at(-1).reason, 'the cancel carries the guest\'s reason').toBe('plans changed');

    // the stream is the outbox: every row between its first and last sequence, each once, in order
    const ids = idsOf(host, 'booking');
    const [first, last] = [ids[0], ids.at(-1)!];
    expect(host.data('booking'), 'the stream has every row of the venue from its first sequence to its last').toEqual(await outboxRows(first, last));
    expect(host.data('booking').map((e) => e.seq), 'each event\'s id is the row\'s feed sequence').toEqual(ids);

    const resumed = await feed(as.host, { lastEventId: String(first) });
    await resumed.waitFor(`id ${last}`, (s) => (lastId(s) ?? 0) >= last);
    expect(resumed.data('booking').filter((e) => e.seq <= last), 'Last-Event-ID replays exactly what came after it')
      .toEqual(await outboxRows(first + 1, last));

    const json = ok(await invoke(as.host, 'GET', 'staff/v1/feed', { query: { venue_id: V.id, after: first - 1 } }));
    expect(json.filter((e: { seq: number }) => e.seq <= last), 'the JSON form after a cursor returns the same rows').toEqual(host.data('booking'));
  });

  it('a change that commits after a later-numbered one still reaches the stream, and ids only ever rise', async () => {
    const host = await feed(as.host);
    expect(host.status, host.text).toBe(200);
    const one = await freeSlot(db, V.standing);
    const two = await freeSlot(db, V.standing, { skip: [{ date: one.date, slot: 'early' }, { date: one.date, slot: 'late' }] });
    const book = (tx: Sql | Tx, spot: typeof one, label: string) => engine<{ id: string }>(tx, 'book', {
      venue_id: [V.id, 'uuid'], party_size: [2, 'int'], date: [spot.date, 'date'], slot: [spot.slot, 'text'],
      unit_ids: [[V.standing], 'uuid[]'], guest: [guest(label), 'jsonb'],
    });
    const has = (booking: string) => (s: SseStream) => s.data('booking').some((e) => e.booking_id === booking);
    // Session A books one night and runs its commit-time trigger (its staff line is written, pending
    // and uncommitted), then waits; session B books another night meanwhile and the hub numbers B's
    // line. Whether B waits for A or commits first, and whether the stream shows B at once or holds
    // it back, A's change must reach the stream once A commits.
    const [a, b] = [await session(), await session()];
    const release = deferred();
    const aWrote = deferred<{ booking: string }>();
    const aDone = a.db.begin(async (tx) => {
      const booking = await book(tx, one, 'slow');
      await tx`set constraints all immediate`;
      aWrote.resolve({ booking: booking.id });
      await release.promise;
    });
    let slow: { booking: string };
    let quick: { id: string } | undefined;
    const bDone = aWrote.promise.then(() => book(b.db, two, 'quick')).then((booking) => (quick = booking));
    try {
      slow = await Promise.race([aWrote.promise, aDone.then(() => Promise.reject(new Error('session A ended before it wrote')))]);
      await until('B to commit or to wait for A', 10_000, async () =>
        quick !== undefined || (await db`select ${a.pid}::int = any (pg_blocking_pids(${b.pid}::int)) as waits`)[0].waits);
      // B committed first: a stream may show it now (and must still deliver A later) or hold it back until A commits
      if (quick) await host.waitFor('the quick booking', has(quick.id), 3_000).catch(() => {});
    } finally {
      release.resolve();
      await aDone;
    }
    await bDone;

    // the hub looks at the feed's head every 250 ms besides its notifications: 10 s is plenty
    await host.waitFor('both bookings', (s) => has(slow.booking)(s) && has(quick!.id)(s), 10_000);
    const slowSeqs = (await db`select seq::int from public.staff_events where booking_id = ${slow.booking} order by seq`).map((r) => r.seq);
    expect(slowSeqs, 'A\'s change is numbered once, after its commit').toHaveLength(1);
    expect(host.data('booking').filter((e) => e.booking_id === slow.booking).map((e) => e.seq), 'A\'s change, once').toEqual(slowSeqs);
    const ids = idsOf(host, 'booking');
    expect(ids, 'ids only ever rise, by one, so a Last-Event-ID resume is exact')
      .toEqual(Array.from({ length: ids.length }, (_, i) => ids[0] + i));
  });

  it('each stream keeps its own ?date= filter, whichever stream of the venue opened first', async () => {
    // a venue of its own, so no stream of the other tests shares its feed
    const venue = await createVenue(db, { kind: 'bar', units: [{ code: 'seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 2 }] });
    const host = await createUser(db, 'bar-host');
    await db`insert into tablehold.staff_members (user_id, venue_id, role) values (${host}, ${venue.id}, 'host')`;
    const asHost = await (await credentials()).user('host of the new bar', host);
    const [tonight, tomorrow] = [venue.date, venue.at('12:00', 1).slice(0, 10)];
    const onlyTonight = await feed(asHost, { venue: venue.id, date: tonight });
    const everything = await feed(asHost, { venue: venue.id });
    const onlyTomorrow = await feed(asHost, { venue: venue.id, date: tomorrow });
    expect([onlyTonight.status, everything.status, onlyTomorrow.status]).toEqual([200, 200, 200]);

    const book = (date: string) => engine<{ reference: string }>(db, 'book', {
      venue_id: [venue.id, 'uuid'], date: [date, 'date'], party_size: [2, 'int'], unit_ids: [[venue.units.seats], 'uuid[]'], guest: [guest('night'), 'jsonb'],
    });
    const first = await book(tonight);
    const second = await book(tomorrow);
    const references = (s: SseStream) => [...new Set(s.data('booking').map((e) => e.reference))];
    await everything.waitFor('both nights\' bookings on the undated stream', (s) => references(s).includes(second.reference), 10_000);
    await onlyTomorrow.waitFor('tomorrow\'s booking', (s) => references(s).includes(second.reference));
    await onlyTonight.waitFor('tonight\'s booking', (s) => references(s).includes(first.reference));
    expect({ onlyTonight: references(onlyTonight), everything: references(everything), onlyTomorrow: references(onlyTomorrow) }).toEqual({
      onlyTonight: [first.reference], everything: [first.reference, second.reference], onlyTomorrow: [second.reference],
    });
  });

  it('staff of other venues, guests and callers without credentials cannot open the feed', async () => {
    const refusals: Record<string, [number, string | undefined]> = {};
    for (const c of [as.noraHost, as.copperManager, as.publishable, as.nobody]) {
      const s = await feed(c);
      if (s.headers.get('content-type')?.startsWith('text/event-stream')) s.close(); // let in: the assertion says so
      await s.finished; // a refusal is JSON, read whole
      refusals[c.label] = [s.status, s.text ? JSON.parse(s.text).error?.code : `a ${s.headers.get('content-type')} body`];
    }
    refusals[`${as.noraHost.label} (JSON)`] = outcome(await invoke(as.noraHost, 'GET', 'staff/v1/feed', { query: { venue_id: V.id } }));
    expect(refusals).toEqual({
      "nora-kitchen's host": [403, 'FORBIDDEN'],
      "nora-kitchen's host (JSON)": [403, 'FORBIDDEN'],
      "copper-bar's manager": [403, 'FORBIDDEN'],
      'publishable key': [403, 'FORBIDDEN'],
      'no credentials': [403, 'FORBIDDEN'],
    });
  });
});
