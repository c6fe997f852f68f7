// Where the database spends its time, per function: PostgreSQL's own function statistics
// (track_functions = 'all', which a superuser may set for one session), before and after some work,
// divided by how many times the work ran; and how many statements some work runs, counted by
// pg_stat_statements. The tracking adds a little time to every call: read the shares, not the sums.
import { pool, round, sleep, type Sql, type Table } from './support.ts';

export interface FunctionCost {
  fn: string;
  /** calls per run of the work */
  calls: number;
  /** milliseconds per run spent in the function itself, and including what it called */
  selfMs: number;
  totalMs: number;
}

/** Runs `work` (given a superuser session with track_functions on) and returns the top functions by self time per run. */
export async function profileFunctions(adminUrl: string, runs: number, work: (session: Sql) => Promise<void>): Promise<FunctionCost[]> {
  const reader = pool(adminUrl, 1);
  const session = pool(adminUrl, 1);
  const read = async () => {
    await reader`select pg_stat_clear_snapshot()`;
    const rows = await reader`
      select p.oid::regprocedure::text as fn, s.calls, s.self_time, s.total_time
      from pg_stat_user_functions s join pg_proc p on p.oid = s.funcid`;
    return new Map(rows.map((r) => [r.fn as string, r]));
  };
  const before = await read();
  await session.unsafe(`set track_functions = 'all'`);
  await work(session);
  await session.unsafe(`set track_functions = 'none'`);
  await session`select pg_stat_force_next_flush()`; // the session flushes its counts as it goes idle
  await sleep(200);
  const after = await read();
  await Promise.all([reader.end(), session.end()]);
  return [...after.values()]
    .map((r) => {
      const b = before.get(r.fn);
      const per = (k: string, digits: number) => round((Number(r[k]) - Number(b?.[k] ?? 0)) / runs, digits);
      return { fn: r.fn as string, calls: per('calls', 1), selfMs: per('self_time', 3), totalMs: per('total_time', 3) };
    })
    .filter((f) => f.calls > 0 && !f.fn.startsWith('bench.'))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, 12);
}

export function profileTable(title: string, costs: FunctionCost[], note?: string): Table {
  return {
    title,
    columns: ['function', 'calls', 'self ms', 'total ms'],
    rows: costs.map((f) => [f.fn.replace(/\(.*\)$/, '()'), f.calls, f.selfMs, f.totalMs]),
    note: note ?? 'track_functions = all in one session; per run; self = inside the function itself. Top 12 by self time.',
  };
}

/** What `work` ran in the database, counted by pg_stat_statements (the bench cluster preloads it
 *  with track = all): `statements` is the number of statement executions, nested ones included
 *  (every query of the functions and triggers it called, foreign-key checks, what ran at COMMIT),
 *  plus its one top-level call; the client's BEGIN, role and claims setup and COMMIT are not counted,
 *  as they are the same for any call. `top` lists the statements run most often. */
export interface StatementCount {
  statements: number;
  top: { calls: number; query: string }[];
}

/** Runs `work` (one top-level call in a transaction; a refused attempt should catch its refusal, and
 *  counts what ran before it) once to warm up, then `repeats` times after a pg_stat_statements_reset()
 *  made from a connection of its own; the smallest count wins (anything else the cluster ran
 *  meanwhile, a pg_cron job say, only adds). */
export async function countStatements(adminUrl: string, work: () => Promise<unknown>, repeats = 3): Promise<StatementCount> {
  const admin = pool(adminUrl, 1);
  const [{ preloaded }] = await admin`select current_setting('shared_preload_libraries') like '%pg_stat_statements%' as preloaded`;
  if (!preloaded) {
    await admin.end();
    throw new Error('pg_stat_statements is not preloaded: run the benchmarks with npm run bench (bench/run.sh sets TABLEHOLD_DB_STATS=1)');
  }
  await work();
  let best: StatementCount | undefined;
  for (let i = 0; i < repeats; i++) {
    await admin`select extensions.pg_stat_statements_reset()`;
    await work();
    const rows = await admin`
      select calls::int, regexp_replace(query, '[[:space:]]+', ' ', 'g') as query
      from extensions.pg_stat_statements
      where not toplevel and dbid = (select oid from pg_database where datname = current_database())
      order by calls desc, query`;
    const count = { statements: 1 + rows.reduce((n, r) => n + r.calls, 0), top: rows.map((r) => ({ calls: r.calls, query: r.query })) };
    if (!best || count.statements < best.statements) best = count;
  }
  await admin.end();
  return best!;
}
