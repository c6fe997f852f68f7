// A randomized, concurrent workload against real venues, and the invariants it must leave intact.
// Shared by tests/engine/a_randomized_mixed_workload_keeps_every_invariant.test.ts (a small seeded
// run, asserted) and `npm run bench -- soak` (a large run, reported). Imports carry `.ts` because
// Deno (the bench) imports this file as well as vitest.
//
// Operations come from OPERATIONS, one entry per kind with its weight and a function that draws
// its arguments from the world. To add one (a Studio edit the engine must refuse or absorb, say),
// add an entry: its outcomes are tallied by kind, and the invariants are checked after every run.
import {
  actAsGuest, domainError, inTx, type Isolation, isRetryable, rpc, type Sql, type Tx,
} from './db.ts';
import {
  channelGaps, createVenue, exclusiveOverlaps, guest, inventoryMismatches, pooledOverCapacity, type UnitSpec, type Venue,
} from './fixtures.ts';

// deno-lint-ignore no-explicit-any
type Json = any;

export type Mode = 'slot' | 'date' | 'time';

export const SLOTS = [
  { code: 'early', starts: '18:00', ends: '22:00' },
  { code: 'late', starts: '21:00', ends: '02:00' }, // overlaps early
  { code: 'after', starts: '02:00', ends: '05:00' }, // next calendar day, same service date
];

export const UNITS: UnitSpec[] = [
  { code: 'floor', type: 'section', mode: 'pooled', booking: 'slot', capacity: 6, maxCovers: 4 },
  { code: 'balcony', type: 'section', mode: 'pooled', booking: 'slot', capacity: 3, maxCovers: 2 },
  { code: 'bar-seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 8, maxCovers: 2 },
  { code: 'booth-1', type: 'booth', mode: 'exclusive', booking: 'slot', minCovers: 2, maxCovers: 8 },
  { code: 'booth-2', type: 'booth', mode: 'exclusive', booking: 'slot', minCovers: 2, maxCovers: 8 },
  { code: 'mezzanine', type: 'section', mode: 'exclusive', booking: 'date', minCovers: 4, maxCovers: 20 },
  { code: 't1', type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 4 },
  { code: 't2', type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 4 },
  { code: 't3', type: 'table', mode: 'exclusive', booking: 'time', minCovers: 2, maxCovers: 6 },
];

const ISOLATIONS: Isolation[] = ['read committed', 'repeatable read', 'serializable'];

/** A club with every kind of inventory, holds that lapse after 2 seconds (other connections cannot
 *  see a frozen clock), and a 30-day horizon (so a unit edit publishes on 30 dates, not 180). */
export function workloadVenue(db: Sql): Promise<Venue> {
  return createVenue(db, {
    kind: 'club', holdTtl: '2 seconds', startGrid: '15 minutes', turn: '2 hours', buffer: '15 minutes',
    bookingHorizon: '30 days', slots: SLOTS, units: UNITS,
  });
}

/** mulberry32: a small seeded PRNG, one stream per client. */
export function dice(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Dice = ReturnType<typeof dice>;

/** What the clients know about one venue: the bookings and blocks they made there. */
export interface World {
  venue: Venue;
  bookings: { id: string; token: string; mode: Mode }[];
  blocks: string[];
}

export const worldOf = (venue: Venue): World => ({ venue, bookings: [], blocks: [] });

/** Who runs an operation: a guest through supabase-js .rpc() (role anon and its claims), trusted
 *  server code (postgres, no JWT), or a person editing rows in Supabase Studio (postgres, one
 *  statement at READ COMMITTED, no engine function in between). */
export type Actor = 'guest' | 'server' | 'studio';

/** One drawn operation: a call in a transaction, or a pause that lets real time pass. */
export interface Op {
  actor: Actor;
  call?: (tx: Tx) => Promise<Json>;
  remember?: (result: Json) => void;
  sleepMs?: number;
}

export interface Operation {
  weight: number;
  /** Draws one operation on the world, or undefined when there is nothing to act on yet (then
   *  `instead` is drawn). */
  draw(d: Dice, w: World): Op | undefined;
  instead?: string;
}

type Args = Record<string, Json>;

/** Bookings fall on the venue's test date and the day after: two channels. */
const secondDate = (v: Venue) => v.at('12:00', 1).slice(0, 10);

/** Where a party goes: a unit of the given (or a random) mode with its date, slot or start; tables
 *  are sometimes left to auto-assignment. */
function somewhere(d: Dice, v: Venue, mode: Mode = d.pick(['slot', 'date', 'time'] as const)): { args: Args; mode: Mode } {
  const day = d.int(0, 1);
  const date = day === 0 ? v.date : secondDate(v);
  const codes = UNITS.filter((u) => u.booking === mode).map((u) => u.code);
  const unit_ids = [v.units[d.pick(codes)]];
  if (mode === 'slot') return { mode, args: { unit_ids, date, slot: d.pick(SLOTS).code } };
  if (mode === 'date') return { mode, args: { unit_ids, date } };
  const start = new Date(Date.parse(v.at('18:00', day)) + d.int(0, 20) * 15 * 60_000).toISOString();
  return { mode, args: d.chance(0.4) ? { start } : { unit_ids, start } };
}

/** 70% of guest-facing operations come from guests, the rest from trusted server code. */
const guestOrServer = (d: Dice): Actor => (d.chance(0.7) ? 'guest' : 'server');

/** A known booking of the world and, for a guest, its manage token. */
function known(d: Dice, w: World, actor: Actor) {
  const b = d.pick(w.bookings);
  return { booking: b, token: actor === 'guest' ? b.token : undefined };
}

const place = (kind: 'hold' | 'book'): Operation => ({
  weight: kind === 'hold' ? 25 : 15,
  draw(d, w) {
    const actor = guestOrServer(d);
    const { args, mode } = somewhere(d, w.venue);
    const details = actor === 'guest' || d.chance(0.5) ? guest(d.int(1, 12)) : undefined; // a few returning guests
    const request = { venue_id: w.venue.id, party_size: d.int(1, 6), ...args, guest: details };
    return {
      actor,
      call: (tx) => rpc(tx, kind, request),
      remember: (b) => w.bookings.push({ id: b.id, token: b.manage_token, mode }),
    };
  },
});

const settle = (kind: 'confirm' | 'cancel', weight: number): Operation => ({
  weight,
  instead: 'hold',
  draw(d, w) {
    if (!w.bookings.length) return undefined;
    const actor = guestOrServer(d);
    const { booking, token } = known(d, w, actor);
    return { actor, call: (tx) => rpc(tx, kind, { booking_id: booking.id, manage_token: token }) };
  },
});

/** Studio: one UPDATE as postgres, as a person editing the row would make it. */
const studio = (weight: number, draw: (d: Dice, w: World) => ((tx: Tx) => Promise<Json>) | undefined, instead?: string): Operation => ({
  weight,
  instead,
  draw(d, w) {
    const call = draw(d, w);
    return call && { actor: 'studio', call };
  },
});

const POOLED = UNITS.filter((u) => u.mode === 'pooled');

/** The operations and their weights. 'wait' lets real time pass so holds (TTL 2 s) lapse. */
export const OPERATIONS: Record<string, Operation> = {
  hold: place('hold'),
  book: place('book'),
  confirm: settle('confirm', 15),
  cancel: settle('cancel', 8),
  modify: {
    weight: 10,
    instead: 'hold',
    draw(d, w) {
      if (!w.bookings.length) return undefined;
      const actor = guestOrServer(d);
      const { booking, token } = known(d, w, actor);
      const { args } = somewhere(d, w.venue, booking.mode);
      const change: Args = { party_size: d.chance(0.5) ? d.int(1, 6) : undefined, date: args.date, slot: args.slot, start: args.start };
      if (actor === 'server' && d.chance(0.5)) change.unit_ids = args.unit_ids; // staff may move it to other units
      return { actor, call: (tx) => rpc(tx, 'modify', { booking_id: booking.id, manage_token: token, ...change }) };
    },
  },
  block: {
    weight: 8,
    draw(d, w) {
      const v = w.venue;
      const { args } = somewhere(d, v);
      const block: Args = { venue_id: v.id, reason: 'private event', unit_ids: [v.units.t1, v.units.t2], ...args };
      if (args.start) block.end = new Date(Date.parse(args.start) + d.int(1, 3) * 3_600_000).toISOString();
      const pooled = POOLED.some((u) => v.units[u.code] === block.unit_ids[0]);
      if (pooled && d.chance(0.7)) block.quantity = d.int(1, 2); // else every unit still free
      return { actor: 'server', call: (tx) => rpc(tx, 'block', block), remember: (b) => w.blocks.push(b.id) };
    },
  },
  unblock: {
    weight: 6,
    instead: 'block',
    draw(d, w) {
      if (!w.blocks.length) return undefined;
      const id = d.pick(w.blocks);
      return { actor: 'server', call: (tx) => rpc(tx, 'unblock', { block_id: id }) };
    },
  },
  sweep: { weight: 3, draw: () => ({ actor: 'server', call: (tx) => rpc(tx, 'sweep_expired_holds') }) },
  read: {
    weight: 5,
    draw(d, w) {
      const date = d.pick([w.venue.date, secondDate(w.venue)]);
      return { actor: guestOrServer(d), call: (tx) => rpc(tx, 'availability', { venue_id: w.venue.id, date }) };
    },
  },
  wait: { weight: 5, draw: (d) => ({ actor: 'guest', sleepMs: d.int(500, 2500) }) },

  // --- Studio edits: rows changed directly as postgres. The engine refuses what would break a
  // promise (a TH*** SQLSTATE, tallied as a refusal) or carries the change through.
  'studio: cancel a booking': studio(3, (d, w) => {
    if (!w.bookings.length) return undefined;
    const { id } = d.pick(w.bookings);
    return (tx) => tx`update tablehold.bookings set status = 'cancelled' where id = ${id}`;
  }, 'hold'),
  // the engine refuses both while the booking holds inventory (DIRECT_EDIT_REFUSED); they tidy history otherwise
  'studio: delete a booking\'s allocation': studio(2, (d, w) => {
    if (!w.bookings.length) return undefined;
    const { id } = d.pick(w.bookings);
    return (tx) => tx`delete from tablehold.allocations where booking_id = ${id}`;
  }, 'hold'),
  'studio: move a booking\'s time': studio(2, (d, w) => {
    if (!w.bookings.length) return undefined;
    const { id } = d.pick(w.bookings);
    return (tx) => tx`update tablehold.bookings set during = tstzrange(lower(during) + interval '30 minutes', upper(during) + interval '30 minutes') where id = ${id}`;
  }, 'hold'),
  'studio: toggle out of service': studio(1, (d, w) => {
    const id = w.venue.units[d.pick(UNITS).code];
    return (tx) => tx`update tablehold.units set out_of_service = not out_of_service where id = ${id}`;
  }),
  'studio: change a section\'s capacity': studio(3, (d, w) => {
    const unit = d.pick(POOLED);
    const delta = d.pick([-2, -1, 1, 2]);
    // between 1 and three above the unit's starting capacity, so a long run does not drift away
    return (tx) => tx`
      update tablehold.units set capacity = least(greatest(capacity + ${delta}::int, 1), ${unit.capacity! + 3}::int)
      where id = ${w.venue.units[unit.code]}`;
  }),
};

/** Every operation at its own weight, but for `left out`. */
export function mixWithout(...leftOut: string[]): Record<string, number> {
  for (const kind of leftOut) if (!(kind in OPERATIONS)) throw new Error(`no operation ${kind}`);
  return Object.fromEntries(Object.entries(OPERATIONS).filter(([k]) => !leftOut.includes(k)).map(([k, op]) => [k, op.weight]));
}

function drawKind(d: Dice, mix: Record<string, number>): string {
  let roll = d.next() * Object.values(mix).reduce((a, b) => a + b, 0);
  for (const [kind, weight] of Object.entries(mix)) if ((roll -= weight) < 0) return kind;
  return 'wait';
}

/** What a run came to, by operation kind. */
export interface WorkloadLog {
  /** kind -> outcome -> count; outcomes: 'ok', a domain code (a refusal), 'gave up' (still
   *  40001/40P01 after every re-run), 'unexpected' (anything else). */
  outcomes: Record<string, Record<string, number>>;
  /** milliseconds per operation (re-runs included), by kind */
  latencies: Record<string, number[]>;
  /** re-runs after 40001/40P01, by isolation level */
  retries: Record<string, number>;
  /** Re-runs at READ COMMITTED, where the engine's lock order should make them impossible: reported,
   *  asserted by read_committed_operations_never_deadlock.test.ts. */
  readCommittedRetries: string[];
  unexpected: string[];
  operations: number;
  elapsedMs: number;
}

export interface WorkloadOptions {
  /** Connections for the clients: at least `clients` of them. */
  pool: Sql;
  worlds: World[];
  clients: number;
  operationsPerClient: number;
  /** Client i draws from dice(seed + i). */
  seed: number;
  /** Weights by kind (default: every operation's own weight). */
  mix?: Record<string, number>;
  /** Called every `every` operations with the count so far. */
  progress?: { every: number; report: (done: number) => void };
}

/** Runs `clients` concurrent clients, each doing `operationsPerClient` random operations on random
 *  worlds, each in one transaction at a random isolation level (Studio edits at READ COMMITTED),
 *  re-run on 40001/40P01. */
export async function runWorkload(o: WorkloadOptions): Promise<WorkloadLog> {
  const mix = o.mix ?? mixWithout();
  const log: WorkloadLog = {
    outcomes: {}, latencies: {}, retries: {}, readCommittedRetries: [], unexpected: [], operations: 0, elapsedMs: 0,
  };
  const t0 = performance.now();
  const client = async (i: number) => {
    const d = dice(o.seed + i);
    for (let n = 0; n < o.operationsPerClient; n++) {
      const w = d.pick(o.worlds);
      let kind = drawKind(d, mix);
      let op = OPERATIONS[kind].draw(d, w);
      for (let tries = 0; !op && tries < 3; tries++) {
        kind = OPERATIONS[kind].instead ?? 'wait';
        op = OPERATIONS[kind].draw(d, w);
      }
      if (!op) continue;
      const isolation: Isolation = op.actor === 'studio' ? 'read committed' : d.pick(ISOLATIONS);
      const started = performance.now();
      let result: string;
      if (op.sleepMs) {
        await new Promise((r) => setTimeout(r, op!.sleepMs));
        result = 'ok';
      } else {
        const call = op.call!;
        const outcome = await inTx(o.pool, isolation, async (tx) => {
          if (op!.actor === 'guest') await actAsGuest(tx);
          return call(tx);
        }, {
          onRetry: (e) => {
            if (isolation === 'read committed') log.readCommittedRetries.push(`${kind}: ${e.code} ${e.message}`);
          },
        });
        log.retries[isolation] = (log.retries[isolation] ?? 0) + outcome.retries;
        result = !('error' in outcome)
          ? 'ok'
          : (domainError(outcome.error)?.code ?? (isRetryable(outcome.error) ? 'gave up' : 'unexpected'));
        if (result === 'ok') op.remember?.(outcome.value);
        if (result === 'unexpected') {
          const e = outcome.error as Error & { code?: string; detail?: string };
          log.unexpected.push(`${kind} at ${isolation}: ${e.code} ${e.message} ${e.detail ?? ''}`);
        }
      }
      (log.outcomes[kind] ??= {})[result] = (log.outcomes[kind][result] ?? 0) + 1;
      (log.latencies[kind] ??= []).push(performance.now() - started);
      log.operations++;
      if (o.progress && log.operations % o.progress.every === 0) o.progress.report(log.operations);
    }
  };
  await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
  log.elapsedMs = performance.now() - t0;
  return log;
}

/** Sweeps, then reads everything the invariants compare, in one REPEATABLE READ transaction: one
 *  snapshot and one clock (now() is the transaction's start), so holds count the same everywhere. */
export async function finalState(db: Sql, venue: Venue) {
  const state = await inTx(db, 'repeatable read', async (tx) => {
    await rpc(tx, 'sweep_expired_holds');
    const dates = await tx`
      select distinct d::text as date from (
        select service_date as d from tablehold.channels where venue_id = ${venue.id}
        union all select unnest(array[${venue.date}::date, ${venue.date}::date + 1])) x order by 1`;
    return {
      overCapacity: await pooledOverCapacity(tx, venue.id),
      overlaps: await exclusiveOverlaps(tx, venue.id),
      gaps: await channelGaps(tx, venue.id),
      brokenChains: await tx`
        select * from (
          select e.version, e.unit_id, e.service_date::text, e.starts_at, e.previous_state,
                 lag(e.new_state, 1, 'available') over (
                   partition by e.unit_id, e.service_date, e.starts_at, e.ends_at order by e.version) as left_by_previous
          from public.availability_events e where e.venue_id = ${venue.id}) x
        where previous_state <> left_by_previous`,
      inventory: await inventoryMismatches(tx, venue.id),
      lastEvents: await tx`
        select distinct on (e.unit_id, e.service_date, e.starts_at, e.ends_at)
               e.unit_id, e.service_date::text as date, e.starts_at, e.ends_at, e.new_state, e.remaining, e.capacity_mode
        from public.availability_events e where e.venue_id = ${venue.id}
        order by e.unit_id, e.service_date, e.starts_at, e.ends_at, e.version desc`,
      snapshots: await Promise.all(dates.map((r) => rpc(tx, 'availability', { venue_id: venue.id, date: r.date }))),
    };
  });
  if (state.error) throw state.error;
  return state.value!;
}
export type FinalState = Awaited<ReturnType<typeof finalState>>;

/** Both sides of "the feed, replayed, equals the snapshot", keyed "unit date from..to": for pooled
 *  units the remaining count (the last event's, or the capacity when no event was ever written), for
 *  exclusive units the set of windows taken (the last event says 'unavailable'; the snapshot lists it
 *  as busy, an out-of-service unit its whole day). With every event continuing from the one before (brokenChains empty), the last event
 *  per key is what replaying the channel from version 1 leaves. */
export function replay(venue: Venue, { lastEvents, snapshots }: FinalState) {
  const code = Object.fromEntries(Object.entries(venue.units).map(([c, id]) => [id, c]));
  const iso = (t: string | Date) => new Date(t).toISOString();
  const keyName = (unitId: string, date: string, from: string | Date, to: string | Date) =>
    `${code[unitId]} ${date} ${iso(from)}..${iso(to)}`;
  const feed = { remaining: {} as Record<string, number | string>, busy: [] as string[] };
  const snapshot = { remaining: {} as Record<string, number | string>, busy: [] as string[] };
  for (const day of snapshots) {
    for (const unit of day.units) {
      if (unit.capacity_mode === 'pooled') {
        for (const k of unit.keys) {
          const name = keyName(unit.unit_id, day.service_date, k.starts_at, k.ends_at);
          snapshot.remaining[name] = k.remaining;
          feed.remaining[name] = unit.capacity; // until an event says otherwise
        }
      } else {
        for (const b of unit.busy) snapshot.busy.push(keyName(unit.unit_id, day.service_date, b.starts_at, b.ends_at));
      }
    }
  }
  for (const e of lastEvents) {
    const name = keyName(e.unit_id, e.date, e.starts_at, e.ends_at);
    if (e.capacity_mode === 'pooled') {
      feed.remaining[name] = e.remaining;
      snapshot.remaining[name] ??= 'not a key of the snapshot';
    } else if (e.new_state === 'unavailable') {
      feed.busy.push(name);
    }
  }
  // a set of windows: an out-of-service unit's day window can also be a booking's (the snapshot lists both)
  feed.busy = [...new Set(feed.busy)].sort();
  snapshot.busy = [...new Set(snapshot.busy)].sort();
  return { feed, snapshot };
}

/** Keys on which the replayed feed and the snapshot disagree, as "key: feed says x, snapshot says y". */
export function replayDifferences(r: ReturnType<typeof replay>): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(r.feed.remaining), ...Object.keys(r.snapshot.remaining)])) {
    if (r.feed.remaining[key] !== r.snapshot.remaining[key]) {
      out.push(`${key}: feed says ${r.feed.remaining[key]} remaining, snapshot says ${r.snapshot.remaining[key]}`);
    }
  }
  const feedBusy = new Set(r.feed.busy), snapshotBusy = new Set(r.snapshot.busy);
  for (const key of feedBusy) if (!snapshotBusy.has(key)) out.push(`${key}: taken on the feed, free in the snapshot`);
  for (const key of snapshotBusy) if (!feedBusy.has(key)) out.push(`${key}: free on the feed, taken in the snapshot`);
  return out;
}
