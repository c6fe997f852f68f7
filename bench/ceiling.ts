// npm run bench -- ceiling
// What this cluster can do at all: pgbench's built-in tpcb-like workload in a database of its own on
// the same cluster, with the strategies' client count and duration. tablehold's spread-load booking
// throughput ((e) in the strategies section, run here too when that section did not run) is
// reported as a ratio of it.
import { createVenue, guest } from '../tests/support/fixtures.ts';
import { bulkBook } from './bulk.ts';
import { goal } from './goals.ts';
import { countStatements, type FunctionCost, profileFunctions, profileTable } from './profile.ts';
import { engineSpread, type StrategyRow, WORKERS } from './strategies.ts';
import {
  bookAsGuest, ms, percentiles, pool, progress, round, type SectionContext, type SectionResult, type Sql,
} from './support.ts';

const DATABASE = 'bench_pgbench';

interface PgbenchResult {
  scale: number;
  clients: number;
  threads: number;
  durationS: number;
  transactions: number;
  failed: number;
  tps: number;
  latencyAvgMs: number;
  latencyStddevMs: number;
  initS: number;
}

async function pgbench(args: string[], connection: URL, showProgress: boolean): Promise<string> {
  const bin = Deno.env.get('PGBENCH') ?? 'pgbench';
  const out = await new Deno.Command(bin, {
    args: [...args, '-h', connection.hostname, '-p', connection.port, '-U', 'postgres', DATABASE],
    env: { PGPASSWORD: decodeURIComponent(connection.password) },
    stdout: 'piped',
    stderr: showProgress ? 'inherit' : 'piped', // the run's own progress lines (-P) go to stderr
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`pgbench ${args.join(' ')} failed:\n${text}${showProgress ? '' : new TextDecoder().decode(out.stderr)}`);
  return text;
}

const number = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);

export async function runPgbench(ctx: SectionContext): Promise<PgbenchResult> {
  const admin = pool(ctx.stack.adminUrl);
  const url = new URL(ctx.stack.dbUrl);
  const scale = ctx.quick ? 2 : 20;
  await admin.unsafe(`drop database if exists ${DATABASE} with (force)`);
  await admin.unsafe(`create database ${DATABASE} owner postgres`);
  try {
    progress(`ceiling: pgbench -i -s ${scale}`);
    const t0 = performance.now();
    await pgbench(['-i', '-q', '-s', String(scale)], url, false);
    const initS = round((performance.now() - t0) / 1000);
    progress(`ceiling: pgbench tpcb-like, ${WORKERS} clients, ${ctx.durationS} s`);
    const text = await pgbench(['-c', String(WORKERS), '-j', '2', '-T', String(ctx.durationS), '-P', '5'], url, true);
    return {
      scale, clients: WORKERS, threads: 2, durationS: ctx.durationS, initS,
      transactions: number(text, /actually processed: (\d+)/),
      failed: number(text, /number of failed transactions: (\d+)/) || 0,
      tps: round(number(text, /tps = ([\d.]+) \(without initial connection time\)/)),
      latencyAvgMs: number(text, /latency average = ([\d.]+) ms/),
      latencyStddevMs: number(text, /latency stddev = ([\d.]+) ms/),
    };
  } finally {
    await admin.unsafe(`drop database if exists ${DATABASE} with (force)`);
  }
}

/** One guest booking at a time on a venue of its own, with `holds` live holds already on the unit:
 *  its latency alone (no contention), how many statements the executor runs for it (auto_explain),
 *  and, on the idle unit, seed 000's count for comparison and where its time goes per function. */
async function oneBooking(ctx: SectionContext, holds: number) {
  const db = pool(ctx.stack.dbUrl, 1);
  const venue = await createVenue(db as never, {
    kind: 'bar',
    units: [{ code: 'floor', type: 'section', mode: 'pooled', booking: 'date', capacity: holds + 1000, maxCovers: 6 }],
  });
  if (holds) {
    await bulkBook(db, venue.id, venue.date, `
      select u.id as unit_id, null::uuid as slot_id, tablehold.service_window(v, '${venue.date}') as during
      from tablehold.units u join tablehold.venues v on v.id = u.venue_id, generate_series(1, ${holds}) n
      where u.venue_id = '${venue.id}'`, { status: 'held' });
  }
  let n = 0;
  const book = (s: Sql) => s.begin((tx) => bookAsGuest(tx as unknown as Sql, venue.id, venue.date, venue.units.floor, guest(n++)));
  const times: number[] = [];
  for (let i = 0; i < (holds ? 20 : 50); i++) {
    const t0 = performance.now();
    await book(db);
    times.push(performance.now() - t0);
  }
  const statements = await countStatements(ctx.stack.adminUrl, (s) => book(s).then(() => {}));
  if (holds) return { holds, alone: percentiles(times), statements };
  await db`select bench.reset_seat_options(1, 1000, ${[venue.date]}::date[])`;
  const seed000Statements = await countStatements(ctx.stack.adminUrl, (s) =>
    s.begin((tx) => tx`select bench.count_then_insert(1, ${venue.date}::date, 2, 'Guest')`).then(() => {}));
  const runs = 100;
  const costs: FunctionCost[] = await profileFunctions(ctx.stack.adminUrl, runs, async (session) => {
    for (let i = 0; i < runs; i++) await book(session);
  });
  return { holds, alone: percentiles(times), statements, seed000Statements, costs };
}

export async function ceiling(ctx: SectionContext): Promise<SectionResult> {
  const ran = (ctx.earlier.strategies?.data.rows as StrategyRow[] | undefined)
    ?.find((r) => r.workload === 'spread' && r.strategy.startsWith('(e)'));
  const spread = ran ?? await engineSpread(ctx);
  const bench = await runPgbench(ctx);
  const ratio = bench.tps > 0 ? spread.bookingsPerS / bench.tps : 0;
  progress('ceiling: one booking at a time, and its profile');
  const single = await oneBooking(ctx, 0);
  const amidHolds = await oneBooking(ctx, ctx.quick ? 100 : 1000);
  return {
    tables: [
      {
        title: `The ceiling: pgbench tpcb-like vs tablehold's spread load (${WORKERS} clients, ${ctx.durationS} s each)`,
        columns: ['workload', 'transactions/s', 'latency', 'notes'],
        rows: [
          ['pgbench tpcb-like', bench.tps, `avg ${bench.latencyAvgMs} ms (sd ${bench.latencyStddevMs})`,
            `scale ${bench.scale}, -j ${bench.threads}, ${bench.transactions} transactions, ${bench.failed} failed`],
          ['tablehold (e) public.book, spread', spread.bookingsPerS, `p50 ${round(spread.latency.p50)} / p95 ${round(spread.latency.p95)} ms`,
            `${spread.won} bookings${ran ? ' (from the strategies section)' : ''}`],
          ['ratio', round(ratio, 3), '', 'goal >= 0.8'],
          ['one guest booking alone (1 connection)', round(1000 / single.alone.p50, 1), `p50 ${ms(single.alone.p50)} / p95 ${ms(single.alone.p95)} ms`,
            `BEGIN, role anon, public.book, COMMIT; 50 in a row on an idle venue; ${single.statements} statements executed `
            + `(seed 000's count-then-insert: ${single.seed000Statements})`],
          [`the same with ${amidHolds.holds} live holds on the unit`, round(1000 / amidHolds.alone.p50, 1),
            `p50 ${ms(amidHolds.alone.p50)} / p95 ${ms(amidHolds.alone.p95)} ms`, `${amidHolds.statements} statements executed`],
        ],
        note: 'pgbench runs in its own database on the same cluster (pgbench -i, then -c/-T as shown); tps excludes connection time.',
      },
      profileTable('Where one public.book spends its time (per booking, idle unit)', single.costs ?? []),
    ],
    goals: [goal('spreadVsPgbench', `${round(ratio, 3)} x (${spread.bookingsPerS} vs ${bench.tps} tps)`, ratio >= 0.8)],
    data: {
      pgbench: bench, tablehold: { bookingsPerS: spread.bookingsPerS, latency: spread.latency, fromStrategies: !!ran }, ratio,
      oneBooking: single, oneBookingAmidHolds: amidHolds,
    },
  };
}
