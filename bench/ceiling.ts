// npm run bench -- ceiling
// What this cluster can do at all: pgbench's built-in tpcb-like workload in a database of its own on
// the same cluster, with the strategies' client count and duration. tablehold's spread-load booking
// throughput ((e) in the strategies section, run here too when that section did not run) is
// reported as a ratio of it (the goal: 0.8).
import { goal } from './goals.ts';
import { engineSpread, type StrategyRow, WORKERS } from './strategies.ts';
import { pool, progress, round, type SectionContext, type SectionResult } from './support.ts';

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

export async function ceiling(ctx: SectionContext): Promise<SectionResult> {
  const ran = (ctx.earlier.strategies?.data.rows as StrategyRow[] | undefined)
    ?.find((r) => r.workload === 'spread' && r.strategy.startsWith('(e)'));
  const spread = ran ?? await engineSpread(ctx);
  const bench = await runPgbench(ctx);
  const ratio = bench.tps > 0 ? spread.bookingsPerS / bench.tps : 0;
  return {
    tables: [{
      title: `The ceiling: pgbench tpcb-like vs tablehold's spread load (${WORKERS} clients, ${ctx.durationS} s each)`,
      columns: ['workload', 'transactions/s', 'latency', 'notes'],
      rows: [
        ['pgbench tpcb-like', bench.tps, `avg ${bench.latencyAvgMs} ms (sd ${bench.latencyStddevMs})`,
          `scale ${bench.scale}, -j ${bench.threads}, ${bench.transactions} transactions, ${bench.failed} failed`],
        ['tablehold (e) public.book, spread', spread.bookingsPerS, `p50 ${round(spread.latency.p50)} / p95 ${round(spread.latency.p95)} ms`,
          `${spread.won} bookings${ran ? ' (from the strategies section)' : ''}`],
        ['ratio', round(ratio, 3), '', 'goal >= 0.8'],
      ],
      note: 'pgbench runs in its own database on the same cluster (pgbench -i, then -c/-T as shown); tps excludes connection time. '
        + 'One booking at a time, its statements and its profile: the statements section.',
    }],
    goals: [goal('spreadVsPgbench', `${round(ratio, 3)} x (${spread.bookingsPerS} vs ${bench.tps} tps)`, ratio >= 0.8)],
    data: { pgbench: bench, tablehold: { bookingsPerS: spread.bookingsPerS, latency: spread.latency, fromStrategies: !!ran }, ratio },
  };
}
