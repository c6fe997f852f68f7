// What every benchmark section shares: the stack's addresses (bench/run.sh sets them), postgres.js
// pools, progress lines on stderr, latency percentiles, closed-loop workers, and the result shapes
// that main.ts turns into tables, JSON and markdown.
import postgres from 'postgres';

export type Sql = postgres.Sql;

/** The stack under test: DATABASE_URL (as postgres), ADMIN_DATABASE_URL (supabase_admin), FUNCTIONS_URL. */
export interface Stack {
  dbUrl: string;
  adminUrl: string;
  functionsUrl: string;
}

export function stackFromEnv(): Stack {
  const need = (name: string) => {
    const value = Deno.env.get(name);
    if (!value) throw new Error(`${name} is not set: run the benchmarks with npm run bench (bench/run.sh)`);
    return value;
  };
  return { dbUrl: need('DATABASE_URL'), adminUrl: need('ADMIN_DATABASE_URL'), functionsUrl: need('FUNCTIONS_URL') };
}

const pools: Sql[] = [];

/** A postgres.js pool. prepare: false as the Edge Functions and Supabase's transaction pooler use it. */
export function pool(url: string, max = 1, onNotice?: (message: string) => void): Sql {
  const sql = postgres(url, {
    max, prepare: false, idle_timeout: 30, connect_timeout: 30,
    onnotice: (n) => onNotice?.(String(n.message)),
  });
  pools.push(sql);
  return sql;
}

export async function closePools(): Promise<void> {
  await Promise.all(pools.splice(0).map((p) => p.end({ timeout: 5 })));
}

const started = performance.now();

/** A progress line on stderr, with the time since the run began. */
export function progress(message: string): void {
  const s = Math.round((performance.now() - started) / 1000);
  const stamp = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  console.error(`[bench ${stamp}] ${message}`);
}

/** Milliseconds since the epoch with sub-millisecond resolution (comparable with clock_timestamp()). */
export const wallClockMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of samples in milliseconds (all zero when there are none). */
export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/** A number for a table: milliseconds with one decimal below 100, whole numbers above. */
export const ms = (x: number) => (x < 100 ? x.toFixed(1) : String(Math.round(x)));
export const perSecond = (count: number, elapsedMs: number) => (elapsedMs > 0 ? (count * 1000) / elapsedMs : 0);
export const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Closed-loop workers: `workers` loops each run the next job until `total` jobs ran or the deadline
 *  passed (whichever is given first), so at most `workers` jobs are in flight. Reports every 5 s. */
export async function runWorkers(
  label: string,
  workers: number,
  limit: { total?: number; durationMs?: number },
  job: (i: number) => Promise<void>,
): Promise<{ jobs: number; elapsedMs: number }> {
  if (!limit.total && !limit.durationMs) throw new Error('runWorkers needs a total or a duration');
  const t0 = performance.now();
  const deadline = limit.durationMs ? t0 + limit.durationMs : Infinity;
  const total = limit.total ?? Infinity;
  let next = 0;
  const ticker = setInterval(() => progress(`  ${label}: ${next} started, ${Math.round((performance.now() - t0) / 1000)} s`), 5000);
  try {
    await Promise.all(Array.from({ length: workers }, async () => {
      while (next < total && performance.now() < deadline) await job(next++);
    }));
  } finally {
    clearInterval(ticker);
  }
  return { jobs: next, elapsedMs: performance.now() - t0 };
}

/** A table for the terminal and the markdown summary. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** One line under the table: what the figures mean, or how they were made. */
  note?: string;
}

/** A goal from the issue (bench/goals.ts): met, missed, or not measured in this run (never asserted). */
export interface Goal {
  id: string;
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

/** What a section hands back: tables to print, goals it measured, and its raw figures for the JSON. */
export interface SectionResult {
  tables: Table[];
  goals?: Goal[];
  notes?: string[];
  data: Record<string, unknown>;
}

export interface SectionContext {
  stack: Stack;
  /** Seconds each fixed-duration load runs (the spread load and pgbench alike). */
  durationS: number;
  /** Smaller sizes everywhere, for a smoke run (marked in the results). */
  quick: boolean;
  /** Results of the sections that already ran in this invocation (the ceiling reuses the spread load). */
  earlier: Record<string, SectionResult>;
}

/** Markdown table text (also what the terminal shows). */
export function renderTable(t: Table): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map(String))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    `**${t.title}**`,
    '',
    line(t.columns),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
    ...(t.note ? ['', t.note] : []),
  ].join('\n');
}

/** The day `days` after today (UTC) as YYYY-MM-DD. */
export function dayAfterToday(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A date plus n days, YYYY-MM-DD. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The rest of the transaction runs as an anonymous supabase-js caller (role anon and its JWT claims,
 *  set transaction-locally as PostgREST and the Edge Functions do). */
export async function actAsAnon(tx: Sql): Promise<void> {
  await tx`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`;
}

/** In the caller's transaction, as an anonymous guest: public.book of one pooled or date unit for a
 *  party of 2 (what supabase-js .rpc('book', …) runs). Returns the booking as the engine returns it. */
export async function bookAsGuest(
  tx: Sql, venueId: string, date: string, unitId: string, guest: { name: string; email: string },
): Promise<Record<string, unknown>> {
  await actAsAnon(tx);
  const [{ booking }] = await tx.unsafe(
    `select public.book(p_venue_id => $1::uuid, p_party_size => 2, p_date => $2::date, p_unit_ids => array[$3::uuid],
       p_guest => $4::jsonb) as booking`,
    [venueId, date, unitId, tx.json(guest)] as never[],
  );
  return booking;
}

/** postgres.js errors carry the SQLSTATE in `code`. */
export const sqlState = (e: unknown): string | undefined =>
  e instanceof postgres.PostgresError ? e.code : undefined;

/** The pg_cron job that sweeps expired holds every minute (supabase/migrations). */
const SWEEPER_JOB = 'tablehold-sweep-expired-holds';

/** Runs `work` with the pg_cron sweeper job paused, so that it neither sweeps a section's holds first
 *  nor runs statements of its own meanwhile; resumes it afterwards. */
export async function withSweeperPaused<T>(adminUrl: string, work: () => Promise<T>): Promise<T> {
  const admin = pool(adminUrl, 1);
  const paused = await admin`update cron.job set active = false where jobname = ${SWEEPER_JOB} and active returning jobid`;
  try {
    return await work();
  } finally {
    if (paused.length) await admin`update cron.job set active = true where jobname = ${SWEEPER_JOB}`;
    await admin.end();
  }
}
