// npm run bench -- statements
// What one booking costs the database, one at a time on an otherwise quiet cluster, counted as well as
// timed. Every call runs as supabase-js .rpc() runs it: one READ COMMITTED transaction on one pooled
// connection, role anon and its JWT claims set in it, then the call.
//   - statements executed (pg_stat_statements, nested ones included) and latency of one guest
//     booking on an idle venue, with 1000 live holds on the unit, and of seed 000's count-then-insert;
//   - a refused attempt on a sold-out key: its statements, what it locked or wrote (transaction ids
//     assigned, rows whose xmax it set, tuples counted in pg_stat_user_tables), and whether it waits
//     for an open transaction that has just booked the same venue-night;
//   - connection age: bookings/s on a connection that has made 30 000 bookings vs a fresh one;
//   - unit history: a booking of a unit with 50 000 past allocations vs a new unit;
//   - where one booking spends its time, per function.
// The pg_cron sweeper is paused throughout, so that nothing else runs statements meanwhile.
import { createVenue, guest, type UnitSpec, type Venue } from '../tests/support/fixtures.ts';
import { bulkBook } from './bulk.ts';
import { goal } from './goals.ts';
import { countStatements, profileFunctions, profileTable, type StatementCount } from './profile.ts';
import {
  actAsAnon, addDays, bookAsGuest, ms, percentiles, pool, progress, round, runWorkers, type SectionContext,
  type SectionResult, sleep, type Sql, sqlState, withSweeperPaused,
} from './support.ts';

const LIVE_HOLDS = 1000;
const AGE = 30_000;
const HISTORY = 50_000;
/** How long the refused attempt may wait on the open booking before that booking is rolled back. */
const WAIT_LIMIT_MS = 2000;

/** Pooled date units on `dates`, bookings spread over every (unit, date) key in turn. */
interface Spread {
  venue: Venue;
  dates: string[];
  units: string[];
}

async function spreadVenue(db: Sql, units: number, dates: number, capacity = 1000): Promise<Spread> {
  const specs: UnitSpec[] = Array.from({ length: units }, (_, i) => ({
    code: `floor-${i}`, type: 'section', mode: 'pooled', booking: 'date', capacity, maxCovers: 6,
  }));
  const venue = await createVenue(db, { kind: 'bar', holdTtl: '1 hour', units: specs });
  return { venue, dates: Array.from({ length: dates }, (_, i) => addDays(venue.date, i)), units: Object.values(venue.units) };
}

let guests = 0;

/** The n-th booking of a spread venue: unit n mod units, date (n / units) mod dates. */
function bookSpread(session: Sql, s: Spread, n: number): Promise<unknown> {
  const unit = s.units[n % s.units.length], date = s.dates[Math.floor(n / s.units.length) % s.dates.length];
  return session.begin((tx) => bookAsGuest(tx as unknown as Sql, s.venue.id, date, unit, guest(`statements-${guests++}`)));
}

function bookUnit(session: Sql, venue: Venue, date: string, unitId: string): Promise<unknown> {
  return session.begin((tx) => bookAsGuest(tx as unknown as Sql, venue.id, date, unitId, guest(`statements-${guests++}`)));
}

/** Seed 000's booking with the same connection setup: role anon and its claims, then the call. */
function countThenInsert(session: Sql, dates: string[], n: number): Promise<unknown> {
  return session.begin(async (tx) => {
    await actAsAnon(tx as unknown as Sql);
    await tx`select bench.count_then_insert(${1 + (n % 5)}::int, ${dates[Math.floor(n / 5) % dates.length]}::date, 2, 'Guest')`;
  });
}

/** A booking the engine refuses as sold out: resolves to its code (TH001/TH002), throws anything else. */
async function refused(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (e) {
    const state = sqlState(e);
    if (state === 'TH001' || state === 'TH002') return state;
    throw e;
  }
  throw new Error('a booking of a sold-out section went through');
}

/** Milliseconds of each call of `calls`, one after the other. */
async function timed(calls: (() => Promise<unknown>)[]): Promise<number[]> {
  const times: number[] = [];
  for (const call of calls) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  return times;
}

/** `runs` rounds of one call of each path, interleaved so that the machine's load weighs on all alike;
 *  after 5 warm-up rounds. Returns each path's latencies. */
async function interleaved(runs: number, paths: ((i: number) => Promise<unknown>)[]): Promise<number[][]> {
  const out: number[][] = paths.map(() => []);
  for (let i = -5; i < runs; i++) {
    const times = await timed(paths.map((p) => () => p(i + 5)));
    if (i >= 0) times.forEach((t, k) => out[k].push(t));
  }
  return out;
}

/** What one refused attempt locked or wrote: the transaction ids it was assigned (none, if it neither
 *  locked a row nor wrote one), per table the rows whose xmax it set (a row lock, an update or a delete,
 *  even rolled back) and the tuples it inserted, updated or deleted (pg_stat_user_tables counts those of
 *  rolled-back transactions too). */
async function footprint(admin: Sql, session: Sql, attempt: () => Promise<unknown>) {
  const written = async () => {
    await admin`select pg_stat_clear_snapshot()`;
    const rows = await admin`
      select relid::regclass::text as name, (n_tup_ins + n_tup_upd + n_tup_del)::bigint as n
      from pg_stat_user_tables where schemaname in ('tablehold', 'public')`;
    return new Map(rows.map((r) => [r.name as string, Number(r.n)]));
  };
  const nextXid = async () => BigInt((await admin`select pg_snapshot_xmax(pg_current_snapshot())::text as x`)[0].x);
  const flush = async () => {
    await session`select pg_stat_force_next_flush()`; // the session sends its counts as it goes idle
    await sleep(100);
  };
  await flush(); // what earlier attempts on this session counted
  const before = await written();
  const x0 = await nextXid();
  await attempt();
  await flush();
  const x1 = await nextXid();
  const after = await written();
  const tuples: Record<string, number> = {};
  for (const [name, n] of after) if (n > (before.get(name) ?? 0)) tuples[name] = n - (before.get(name) ?? 0);
  const rows: Record<string, number> = {};
  if (x1 > x0) {
    const [lo, hi] = [x0 % 2n ** 32n, x1 % 2n ** 32n];
    for (const name of after.keys()) {
      const [{ n }] = await admin.unsafe(
        `select count(*)::int as n from ${name} where xmax::text::bigint >= $1 and xmax::text::bigint < $2`, [String(lo), String(hi)]);
      if (n) rows[name] = n;
    }
  }
  return { xids: Number(x1 - x0), rowsLockedOrChanged: rows, tuplesWritten: tuples };
}

/** A refused attempt while another transaction, still open, has just booked another unit of the same
 *  venue-night (so it holds whatever locks a booking of that night takes). Did the refusal wait for it?
 *  After WAIT_LIMIT_MS the open booking is rolled back so the refusal can finish. */
async function refusalBesideOpenBooking(ctx: SectionContext, attempt: (s: Sql) => Promise<unknown>, book: (s: Sql) => Promise<unknown>) {
  const holder = pool(ctx.stack.dbUrl, 1), refuser = pool(ctx.stack.dbUrl, 1), watcher = pool(ctx.stack.adminUrl, 1);
  const [{ pid: holderPid }] = await holder`select pg_backend_pid() as pid`;
  const [{ pid: refuserPid }] = await refuser`select pg_backend_pid() as pid`;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let booked!: () => void;
  const hasBooked = new Promise<void>((r) => (booked = r));
  const rollback = new Error('rolled back on purpose');
  const holding = holder.begin(async (tx) => {
    await book(tx as unknown as Sql);
    booked();
    await released;
    throw rollback;
  }).catch((e) => {
    if (e !== rollback) throw e;
  });
  await hasBooked;
  const t0 = performance.now();
  let settled = false, blocked = false;
  const refusal = attempt(refuser).finally(() => (settled = true));
  while (!settled && performance.now() - t0 < WAIT_LIMIT_MS) {
    const [{ waits }] = await watcher`select ${holderPid}::int = any (pg_blocking_pids(${refuserPid}::int)) as waits`;
    blocked ||= waits;
    await sleep(5);
  }
  release();
  await holding;
  const outcome = await refusal;
  const elapsedMs = performance.now() - t0;
  await Promise.all([holder.end(), refuser.end(), watcher.end()]);
  return { blocked, elapsedMs: round(elapsedMs), outcome };
}

/** Bookings/s of `n` bookings on each connection, in four interleaved rounds. */
async function rate(n: number, connections: { name: string; session: Sql }[], call: (s: Sql, i: number) => Promise<unknown>) {
  const times: Record<string, number[]> = Object.fromEntries(connections.map((c) => [c.name, []]));
  let i = 0;
  for (let r = 0; r < 4; r++) {
    for (const c of connections) times[c.name].push(...await timed(Array.from({ length: Math.ceil(n / 4) }, () => () => call(c.session, i++))));
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, {
    bookingsPerS: round((t.length * 1000) / t.reduce((a, b) => a + b, 0)), latency: percentiles(t),
  }]));
}

const pid = async (s: Sql) => (await s`select pg_backend_pid() as pid`)[0].pid as number;

export function statements(ctx: SectionContext): Promise<SectionResult> {
  return withSweeperPaused(ctx.stack.adminUrl, () => measure(ctx));
}

async function measure(ctx: SectionContext): Promise<SectionResult> {
  const q = ctx.quick;
  const runs = q ? 50 : 200;
  const db = pool(ctx.stack.dbUrl, 1);
  const admin = pool(ctx.stack.adminUrl, 1);
  const count = (work: () => Promise<unknown>): Promise<StatementCount> => countStatements(ctx.stack.adminUrl, work);

  // one booking: an idle venue (5 units x 40 dates, one booking per key), 1000 live holds, seed 000
  progress(`statements: an idle venue, and ${LIVE_HOLDS} live holds on one unit`);
  const idle = await spreadVenue(db, 5, 40);
  const crowded = await spreadVenue(db, 1, 1, LIVE_HOLDS + 2 * runs + 100);
  const crowdedUnit = crowded.units[0], crowdedDate = crowded.dates[0];
  await bulkBook(db, crowded.venue.id, crowdedDate, `
    select u.id as unit_id, null::uuid as slot_id, tablehold.service_window(v, '${crowdedDate}') as during
    from tablehold.units u join tablehold.venues v on v.id = u.venue_id, generate_series(1, ${LIVE_HOLDS}) n
    where u.id = '${crowdedUnit}'`, { status: 'held' });
  await db`select bench.reset_seat_options(5, 1000, ${idle.dates}::date[])`;
  const [onIdle, amidHolds, seed000] = [pool(ctx.stack.dbUrl, 1), pool(ctx.stack.dbUrl, 1), pool(ctx.stack.dbUrl, 1)];
  let n = 0;
  const bookIdle = () => bookSpread(onIdle, idle, n++);
  const bookAmidHolds = () => bookUnit(amidHolds, crowded.venue, crowdedDate, crowdedUnit);
  let m = 0;
  const naive = () => countThenInsert(seed000, idle.dates, m++);
  progress('statements: counting statements (pg_stat_statements)');
  const idleCount = await count(bookIdle);
  const holdsCount = await count(bookAmidHolds);
  const seed000Count = await count(naive);
  progress(`statements: ${runs} bookings of each kind, interleaved`);
  const [idleTimes, holdsTimes, seed000Times] = await interleaved(runs, [bookIdle, bookAmidHolds, naive]);

  // a refused attempt on a sold-out key, beside a unit that still has room
  progress('statements: a refused attempt on a sold-out key');
  const soldOut = await createVenue(db, {
    kind: 'bar', holdTtl: '1 hour',
    units: [
      { code: 'sold', type: 'section', mode: 'pooled', booking: 'date', capacity: 2, maxCovers: 6 },
      { code: 'other', type: 'section', mode: 'pooled', booking: 'date', capacity: 100, maxCovers: 6 },
    ],
  });
  const refuser = pool(ctx.stack.dbUrl, 1);
  for (let i = 0; i < 2; i++) await bookUnit(db, soldOut, soldOut.date, soldOut.units.sold);
  const refuse = (s: Sql) => refused(bookUnit(s, soldOut, soldOut.date, soldOut.units.sold));
  const refusalCode = await refuse(refuser);
  const refusalCount = await count(() => refuse(refuser));
  const refusalTimes = await timed(Array.from({ length: q ? 20 : 100 }, () => () => refuse(refuser)));
  const written = await footprint(admin, refuser, () => refuse(refuser));
  const beside = await refusalBesideOpenBooking(ctx, refuse, (s) => bookAsGuest(s, soldOut.id, soldOut.date, soldOut.units.other, guest('open')));

  progress('statements: where one booking spends its time');
  const profileRuns = q ? 20 : 100;
  const costs = await profileFunctions(ctx.stack.adminUrl, profileRuns, async (session) => {
    for (let i = 0; i < profileRuns; i++) await bookSpread(session, idle, n++);
  });

  // connection age: one connection makes AGE bookings, then books beside a fresh connection
  const age = q ? 1000 : AGE;
  progress(`statements: connection age, ${age} bookings on one connection`);
  const aging = await spreadVenue(db, q ? 10 : 50, q ? 20 : 60);
  const aged = pool(ctx.stack.dbUrl, 1);
  const agedPid = await pid(aged);
  await runWorkers('aging one connection', 1, { total: age }, async (i) => {
    await bookSpread(aged, aging, i);
  });
  const fresh = pool(ctx.stack.dbUrl, 1);
  for (let i = 0; i < 10; i++) await bookSpread(fresh, aging, age + i);
  let k = age + 10;
  const ages = await rate(runs, [{ name: 'aged', session: aged }, { name: 'fresh', session: fresh }], (s) => bookSpread(s, aging, k++));
  const samePid = (await pid(aged)) === agedPid;

  // unit history: HISTORY completed bookings on one unit's past dates, written directly
  progress(`statements: a unit with ${HISTORY} past allocations`);
  const history = await spreadVenue(db, 2, 40);
  const [oldUnit, newUnit] = history.units;
  await admin.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`select bench.add_history(${oldUnit}::uuid, ${HISTORY}::int)`;
  });
  await admin`analyze tablehold.bookings, tablehold.allocations`;
  const withHistory = pool(ctx.stack.dbUrl, 1);
  const [oldTimes, newTimes] = await interleaved(runs, [
    (i) => bookUnit(withHistory, history.venue, history.dates[i % history.dates.length], oldUnit),
    (i) => bookUnit(withHistory, history.venue, history.dates[i % history.dates.length], newUnit),
  ]);

  const p = {
    idle: percentiles(idleTimes), holds: percentiles(holdsTimes), seed000: percentiles(seed000Times),
    refusal: percentiles(refusalTimes), old: percentiles(oldTimes), new: percentiles(newTimes),
  };
  const latencyRatio = p.idle.p50 / p.seed000.p50;
  const writesBeyondRefusals = Object.entries(written.tuplesWritten).filter(([t]) => t !== 'tablehold.refusals');
  const rowsBeyondRefusals = Object.entries(written.rowsLockedOrChanged).filter(([t]) => t !== 'tablehold.refusals');
  const listed = (r: Record<string, number>) => Object.entries(r).map(([t, c]) => `${t} ${c}`).join(', ') || 'none';
  const ageRatio = ages.aged.bookingsPerS / ages.fresh.bookingsPerS;
  const historyRatio = p.old.p50 / p.new.p50;
  const row = (name: string, c: StatementCount | undefined, l: ReturnType<typeof percentiles>, note: string) =>
    [name, c?.statements ?? '', ms(l.p50), ms(l.p95), l.n, note];

  return {
    tables: [
      {
        title: 'One call at a time on one connection, as supabase-js .rpc() runs it (READ COMMITTED, role anon + claims)',
        columns: ['call', 'statements', 'p50 ms', 'p95 ms', 'runs', 'notes'],
        rows: [
          row('public.book, idle venue', idleCount, p.idle, '5 pooled units x 40 dates, bookings spread over the keys'),
          row(`public.book, ${LIVE_HOLDS} live holds on the unit`, holdsCount, p.holds, 'holds unexpired (TTL 1 hour)'),
          row("seed 000's bench.count_then_insert", seed000Count, p.seed000, 'the same connection setup'),
          row('public.book refused: a sold-out key', refusalCount, p.refusal, `SQLSTATE ${refusalCode}`),
          row('public.book, a unit with ' + HISTORY + ' past allocations', undefined, p.old, 'interleaved with the next row'),
          row('public.book, a new unit of the same venue', undefined, p.new, ''),
        ],
        note: 'Statements: pg_stat_statements calls (track = all) for one call, nested ones included (functions, triggers, '
          + 'foreign-key checks, what runs at COMMIT), plus the call itself; BEGIN, the role/claims setup and COMMIT are not counted. '
          + 'Latency: the whole transaction as the client sees it; paths interleaved, one call each per round.',
      },
      {
        title: 'A refused attempt on a sold-out key: what it takes',
        columns: ['what', 'measured'],
        rows: [
          ['transaction ids assigned', written.xids],
          ['rows it locked, updated or deleted (xmax), by table', listed(written.rowsLockedOrChanged)],
          ['tuples it inserted, updated or deleted (pg_stat_user_tables), by table', listed(written.tuplesWritten)],
          ['with an open transaction that has just booked another unit of the same night',
            `${beside.blocked ? 'waited for it' : 'did not wait'}: ${ms(beside.elapsedMs)} ms (${beside.outcome})`],
        ],
        note: 'Rows and tuples of a rolled-back attempt count: a lock taken or a row written is work even when undone. '
          + `The open booking is rolled back after ${WAIT_LIMIT_MS} ms if the refusal is still waiting.`,
      },
      {
        title: 'Connection age',
        columns: ['connection', 'bookings/s', 'p50 ms', 'p95 ms', 'bookings timed'],
        rows: [
          [`aged: after ${age} bookings`, ages.aged.bookingsPerS, ms(ages.aged.latency.p50), ms(ages.aged.latency.p95), ages.aged.latency.n],
          ['fresh (after 10 warm-up bookings)', ages.fresh.bookingsPerS, ms(ages.fresh.latency.p50), ms(ages.fresh.latency.p95), ages.fresh.latency.n],
        ],
        note: `Four interleaved rounds each, same venue (${aging.units.length} units x ${aging.dates.length} dates). `
          + (samePid ? 'The aged connection kept one backend throughout.' : 'WARNING: the aged connection was replaced meanwhile.'),
      },
      profileTable('Where one public.book spends its time (per booking, idle venue)', costs),
    ],
    notes: [
      `Statements one public.book on the idle venue ran most often (calls, statement): `
      + idleCount.top.slice(0, 15).map((t) => `${t.calls} x \`${t.query.slice(0, 140)}\``).join('; '),
    ],
    goals: [
      goal('bookingStatements', `${idleCount.statements} (seed 000: ${seed000Count.statements})`, idleCount.statements <= 20),
      goal('bookingLatency', `${round(latencyRatio, 2)} x (p50 ${ms(p.idle.p50)} vs ${ms(p.seed000.p50)} ms)`, latencyRatio <= 3),
      goal('bookingAmidHolds', `${holdsCount.statements} vs ${idleCount.statements}`, holdsCount.statements === idleCount.statements),
      goal('refusalIsFree',
        `${refusalCount.statements} statements; locked/changed: ${listed(written.rowsLockedOrChanged)}; wrote: ${listed(written.tuplesWritten)}; `
        + `${beside.blocked ? 'waited' : 'did not wait'} for an open booking`,
        !writesBeyondRefusals.length && !rowsBeyondRefusals.length && !beside.blocked),
      goal('connectionAge', `${round(ageRatio, 2)} x (${ages.aged.bookingsPerS} vs ${ages.fresh.bookingsPerS} bookings/s after ${age})`,
        ageRatio >= 0.9 && samePid),
      goal('unitHistory', `${round(historyRatio, 2)} x (p50 ${ms(p.old.p50)} vs ${ms(p.new.p50)} ms)`, historyRatio <= 1.1),
    ],
    data: {
      runs, liveHolds: LIVE_HOLDS, history: HISTORY, age, statements: { idle: idleCount, amidHolds: holdsCount, seed000: seed000Count, refusal: refusalCount },
      latency: p, refusal: { code: refusalCode, ...written, besideOpenBooking: beside }, connectionAge: { ...ages, sameBackend: samePid }, costs,
    },
  };
}
