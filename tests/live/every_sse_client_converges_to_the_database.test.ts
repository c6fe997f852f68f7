// Eight screens watch one club night over Server-Sent Events while guests book and cancel, a manager
// blocks and lifts blocks, and holds lapse (the hub's 2 s poll expires them). Three screens are open
// from the start; five join while the writes are in flight, so their snapshots race the events.
// When the writes are over, every screen must have received every version after its snapshot exactly
// once and in order, and the state it builds from snapshot + events, as the SDK does (pooled keys →
// remaining; exclusive units → busy windows), must be what public.availability says.
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, type Deferred, deferred, domainError, inTx, sql, type Tx } from '../support/db';
import { createVenue, guest, type UnitSpec, type Venue } from '../support/fixtures';
import { credentials, engine, functionsUrl, headersOf, pathWithQuery } from '../support/http';
import { closeStreams, idsOf, openSse, type SseStream, until } from '../support/sse';

const LANES = 5;
const ROUNDS = 3;
const db = sql(1);
const writers = sql(LANES);
const streams: SseStream[] = [];
afterAll(async () => {
  await closeStreams(streams);
  await closeAll();
});

const SLOTS = [
  { code: 'early', starts: '18:00', ends: '22:00' },
  { code: 'late', starts: '22:00', ends: '02:00' },
];
const UNITS: UnitSpec[] = [
  { code: 'floor', type: 'section', mode: 'pooled', booking: 'slot', capacity: 3, maxCovers: 4 },
  { code: 'bar', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 4, maxCovers: 2 },
  { code: 'booth-1', type: 'booth', mode: 'exclusive', booking: 'slot', maxCovers: 8 },
  { code: 'booth-2', type: 'booth', mode: 'exclusive', booking: 'slot', maxCovers: 8 },
  { code: 'mezzanine', type: 'section', mode: 'exclusive', booking: 'date', maxCovers: 20 },
  { code: 't1', type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 4 },
];

// --- the writes: engine functions as postgres (trusted server code), each in its own transaction ---

interface Log {
  outcomes: Record<string, number>;
  unexpected: string[];
  done: number;
  /** Resolved once `done` reaches `at` (when the late screens open). */
  milestones: { at: number; reached: Deferred<void> }[];
}

/** Runs one engine call in a READ COMMITTED transaction (re-run on 40001/40P01); a domain refusal
 *  (the unit is taken) is an expected outcome and yields undefined. */
async function op(log: Log, label: string, fn: string, args: Record<string, [unknown, string]>): Promise<any> {
  const o = await inTx(writers, 'read committed', (tx: Tx) => engine(tx, fn, args));
  log.done++;
  log.milestones.forEach((m) => log.done >= m.at && m.reached.resolve());
  if (!('error' in o)) {
    log.outcomes[`${label} ok`] = (log.outcomes[`${label} ok`] ?? 0) + 1;
    return o.value;
  }
  const refusal = domainError(o.error);
  if (refusal) log.outcomes[`${label} ${refusal.code}`] = (log.outcomes[`${label} ${refusal.code}`] ?? 0) + 1;
  else log.unexpected.push(`${label}: ${String(o.error)}`);
  return undefined;
}

/** Five lanes of writes, one per kind of unit, running side by side. */
function lanes(v: Venue, log: Log): Promise<void>[] {
  const at = { venue_id: [v.id, 'uuid'], date: [v.date, 'date'] } as Record<string, [unknown, string]>;
  const unit = (code: string): [unknown, string] => [[v.units[code]], 'uuid[]'];
  const who = (n: string): [unknown, string] => [guest(n), 'jsonb'];
  const booking = (kind: 'book' | 'hold', label: string, extra: Record<string, [unknown, string]>, party: number) =>
    op(log, `${kind} ${label}`, kind, { ...at, party_size: [party, 'int'], guest: who(label), ...extra });
  const cancel = (label: string, b?: { id: string }) => b && op(log, `cancel ${label}`, 'cancel', { booking_id: [b.id, 'uuid'] });
  const block = (label: string, extra: Record<string, [unknown, string]>) =>
    op(log, `block ${label}`, 'block', { venue_id: [v.id, 'uuid'], reason: ['maintenance', 'text'], ...extra });
  const unblock = (label: string, b?: { id: string }) => b && op(log, `unblock ${label}`, 'unblock', { block_id: [b.id, 'uuid'] });
  const rounds = async (lane: (round: number) => Promise<void>) => {
    for (let r = 0; r < ROUNDS; r++) await lane(r);
  };
  return [
    rounds(async () => {
      const early = await booking('book', 'floor', { unit_ids: unit('floor'), slot: ['early', 'text'] }, 4);
      await booking('hold', 'floor', { unit_ids: unit('floor'), slot: ['late', 'text'] }, 3); // lapses
      await booking('book', 'floor', { unit_ids: unit('floor'), slot: ['late', 'text'] }, 6); // two units
      await cancel('floor', early);
    }),
    rounds(async () => {
      await booking('hold', 'bar', { unit_ids: unit('bar') }, 2); // lapses
      const four = await booking('book', 'bar', { unit_ids: unit('bar') }, 4);
      await cancel('bar', four);
      await booking('book', 'bar', { unit_ids: unit('bar') }, 2);
    }),
    rounds(async () => {
      const early = await booking('book', 'booth', { unit_ids: unit('booth-1'), slot: ['early', 'text'] }, 6);
      await booking('hold', 'booth', { unit_ids: unit('booth-2'), slot: ['early', 'text'] }, 4); // lapses
      const late = await block('booths', { unit_ids: [[v.units['booth-1'], v.units['booth-2']], 'uuid[]'], date: [v.date, 'date'], slot: ['late', 'text'] });
      await unblock('booths', late);
      await cancel('booth', early);
    }),
    rounds(async () => {
      const closed = await block('mezzanine', { unit_ids: unit('mezzanine'), date: [v.date, 'date'] });
      await unblock('mezzanine', closed);
      await booking('hold', 'mezzanine', { unit_ids: unit('mezzanine') }, 12); // lapses
    }),
    rounds(async (r) => {
      const dinner = await booking('book', 'table', { unit_ids: unit('t1'), start: [v.at(r ? '19:15' : '19:00'), 'timestamptz'] }, 2);
      await booking('hold', 'table', { unit_ids: unit('t1'), start: [v.at('21:30'), 'timestamptz'] }, 2); // lapses
      const lunch = await block('table', { unit_ids: unit('t1'), start: [v.at('12:00'), 'timestamptz'], end: [v.at('13:00'), 'timestamptz'] });
      await unblock('table', lunch);
      await cancel('table', dinner);
    }),
  ];
}

// --- what a screen knows: the SDK's view of the channel ---

interface ScreenState {
  /** pooled: "<unit> <from>..<to>" → remaining */
  remaining: Record<string, number>;
  /** exclusive: "<unit> <from>..<to>" windows that are taken, sorted */
  busy: string[];
}

const windowKey = (v: Venue, unitId: string, from: string, to: string) => {
  const code = Object.entries(v.units).find(([, id]) => id === unitId)?.[0] ?? `unknown unit ${unitId}`;
  return `${code} ${new Date(from).toISOString()}..${new Date(to).toISOString()}`;
};

function stateOf(v: Venue, snapshot: any): ScreenState {
  const state: ScreenState = { remaining: {}, busy: [] };
  for (const u of snapshot.units) {
    if (u.capacity_mode === 'pooled') {
      for (const k of u.keys) state.remaining[windowKey(v, u.unit_id, k.starts_at, k.ends_at)] = k.remaining;
    } else {
      for (const b of u.busy) state.busy.push(windowKey(v, u.unit_id, b.starts_at, b.ends_at));
    }
  }
  state.busy.sort();
  return state;
}

/** Applies the events in order; an event that does not continue from the state the screen holds for
 *  its key (previous_state) is a break in the chain, reported in `breaks`. */
function replay(v: Venue, snapshot: any, events: any[]): ScreenState & { breaks: string[] } {
  const state = stateOf(v, snapshot);
  const busy = new Set(state.busy);
  const breaks: string[] = [];
  for (const e of events) {
    const key = windowKey(v, e.unit_id, e.starts_at, e.ends_at);
    if (e.capacity_mode === 'pooled') {
      const held = key in state.remaining ? (state.remaining[key] > 0 ? 'available' : 'unavailable') : 'not a key of the snapshot';
      if (held !== e.previous_state) breaks.push(`v${e.version} ${key}: the screen had ${held}, the event says ${e.previous_state}`);
      state.remaining[key] = e.remaining;
    } else {
      const held = busy.has(key) ? 'unavailable' : 'available';
      if (held !== e.previous_state) breaks.push(`v${e.version} ${key}: the screen had ${held}, the event says ${e.previous_state}`);
      if (e.new_state === 'unavailable') busy.add(key);
      else busy.delete(key);
    }
  }
  return { remaining: state.remaining, busy: [...busy].sort(), breaks };
}

describe('every SSE client converges to the database', () => {
  it('eight screens, five of them joining mid-way, each see every version after their snapshot once, in order, and end in the state public.availability reports', async () => {
    const venue = await createVenue(db, { kind: 'club', holdTtl: '2 seconds', slots: SLOTS, units: UNITS });
    const { publishable } = await credentials();
    const url = `${functionsUrl()}/functions/v1/${pathWithQuery('availability/v1', { venue_id: venue.id, date: venue.date })}`;
    const open = async () => {
      const s = await openSse(url, { headers: headersOf(publishable) });
      streams.push(s);
      expect(s.status, s.text).toBe(200);
      await s.waitFor('a snapshot', (x) => x.events.length > 0);
      return s;
    };

    const early = await Promise.all([open(), open(), open()]);
    // five more screens open one by one while the writes run (at least 42 writes run: each round of the
    // lanes makes 14 to 21 calls, fewer when a refusal leaves nothing to cancel or lift)
    const log: Log = { outcomes: {}, unexpected: [], done: 0, milestones: [8, 16, 24, 32, 40].map((at) => ({ at, reached: deferred() })) };
    const late = Promise.all(log.milestones.map((m) => m.reached.promise.then(open)));
    try {
      await Promise.all(lanes(venue, log));
    } finally {
      log.milestones.forEach((m) => m.reached.resolve()); // never left waiting, whatever happened
    }
    const screens = [...early, ...(await late)];
    console.log(`live convergence outcomes: ${JSON.stringify(log.outcomes)}`);
    expect(log.unexpected, 'only refusals for taken inventory').toEqual([]);
    for (const kind of ['book', 'hold', 'cancel', 'block', 'unblock']) {
      expect(Object.keys(log.outcomes).some((k) => k.startsWith(`${kind} `) && k.endsWith(' ok')), `some ${kind} succeeded`).toBe(true);
    }

    // the lapsed holds are expired by the hub's poll (TTL 2 s + a 2 s poll), not by a minute-long sweeper
    await until('every lapsed hold expired by the hub', 15_000, async () => {
      const [{ held }] = await db`select count(*)::int as held from tablehold.bookings where venue_id = ${venue.id} and status = 'held'`;
      return held === 0;
    });
    const [{ version }] = await db`select version::int from tablehold.channels where venue_id = ${venue.id} and service_date = ${venue.date}`;
    await Promise.all(screens.map((s, i) =>
      s.waitFor(`screen ${i} reaching version ${version}`, (x) => Math.max(0, ...idsOf(x, 'availability'), ...idsOf(x, 'snapshot')) >= version)));

    console.log(`channel version ${version}; snapshots at ${screens.map((s) => s.events[0]?.id).join(', ')}`);
    const truth = stateOf(venue, await engine(db, 'availability', { venue_id: [venue.id, 'uuid'], date: [venue.date, 'date'] }));
    const expiredOnScreen = new Set<number>();
    screens.forEach((s, i) => {
      const [first, ...rest] = s.events;
      expect(first.event, `screen ${i} starts with the snapshot`).toBe('snapshot');
      const snapshot = JSON.parse(first.data);
      expect(Number(first.id), `screen ${i}: the snapshot's id is its version`).toBe(snapshot.version);
      expect(rest.map((e) => e.event), `screen ${i}: only availability events follow`).toEqual(rest.map(() => 'availability'));
      const ids = rest.map((e) => Number(e.id));
      const expected = Array.from({ length: version - snapshot.version }, (_, k) => snapshot.version + 1 + k);
      expect(ids, `screen ${i}: versions ${snapshot.version + 1}..${version}, each once, in order`).toEqual(expected);
      const events = rest.map((e) => JSON.parse(e.data));
      expect(events.map((e) => [e.version, e.channel]), `screen ${i}: each event's version is its id, on this channel`)
        .toEqual(ids.map((id) => [id, `${venue.id}:${venue.date}`]));
      const seen = replay(venue, snapshot, events);
      expect(seen.breaks, `screen ${i}: every event continues from the state the screen holds`).toEqual([]);
      expect({ remaining: seen.remaining, busy: seen.busy }, `screen ${i} (snapshot v${snapshot.version}) shows what the database says`)
        .toEqual(truth);
      events.filter((e) => e.reason === 'hold_expired').forEach((e) => expiredOnScreen.add(e.version));
      if (i >= early.length) expect(snapshot.version, `late screen ${i} joined after writes had committed`).toBeGreaterThan(0);
    });
    expect(expiredOnScreen.size, 'lapsed holds reached the screens as hold_expired events').toBeGreaterThan(0);
    expect(version, 'the writes made a busy channel').toBeGreaterThan(40);
  }, 180_000);
});
