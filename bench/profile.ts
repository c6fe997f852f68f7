// Where the database spends its time, per function: PostgreSQL's own function statistics
// (track_functions = 'all', which a superuser may set for one session), before and after some work,
// divided by how many times the work ran. No extension needed (pg_stat_statements is not preloaded
// on the bench cluster). The tracking adds a little time to every call: read the shares, not the sums.
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

/** How many statements and expressions the executor runs for `work` (nested ones included: every
 *  query inside plpgsql and SQL functions and triggers), counted with auto_explain at duration 0,
 *  which a superuser may load for one session. `work` runs once to warm up, then once counted. */
export async function countStatements(adminUrl: string, work: (session: Sql) => Promise<void>): Promise<number> {
  let count = 0;
  let counting = false;
  const session = pool(adminUrl, 1, (message) => {
    if (counting && message.startsWith('duration:')) count++;
  });
  await work(session);
  await session.unsafe(`load 'auto_explain'`);
  for (const [k, v] of Object.entries({ log_min_duration: '0', log_nested_statements: 'on', log_level: 'notice' })) {
    await session.unsafe(`set auto_explain.${k} = '${v}'`);
  }
  counting = true;
  await work(session);
  counting = false;
  await session.end();
  return count;
}
