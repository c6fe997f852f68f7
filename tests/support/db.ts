// postgres.js helpers for tests. DATABASE_URL connects as postgres (what migrations and
// Edge Functions use); ADMIN_DATABASE_URL as supabase_admin. scripts/test.sh sets both.
// prepare: false matches Supabase's transaction pooler (Supavisor, port 6543).
import postgres from 'postgres';

export type Sql = postgres.Sql;
export type Isolation = 'read committed' | 'repeatable read' | 'serializable';
export type Tx = postgres.TransactionSql;

const opened: Sql[] = [];

function connect(envName: string, max: number): Sql {
  const url = process.env[envName];
  if (!url) throw new Error(`${envName} is not set; run the tests with npm test`);
  const pool = postgres(url, { prepare: false, max, onnotice: () => {} });
  opened.push(pool);
  return pool;
}

/** A pool connected as postgres. Pass max > 1 for concurrency tests. */
export const sql = (max = 1): Sql => connect('DATABASE_URL', max);

/** A pool connected as the superuser supabase_admin. */
export const adminSql = (max = 1): Sql => connect('ADMIN_DATABASE_URL', max);

let shared: Sql | undefined;

/** Runs fn in one BEGIN ISOLATION LEVEL ... COMMIT, on db or a shared postgres pool. */
export function withTx<T>(
  isolation: Isolation,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
  db: Sql = (shared ??= sql(4)),
): Promise<T> {
  return db.begin(`isolation level ${isolation}`, fn) as Promise<T>;
}

/** Closes every pool these helpers opened; call it in afterAll. */
export async function closeAll(): Promise<void> {
  const pools = opened.splice(0);
  shared = undefined;
  await Promise.all(pools.map((p) => p.end({ timeout: 5 })));
}

// --- concurrency helpers: real transactions on real connections, orchestrated with promises ---

/** A promise whose resolve/reject are exposed: hold a transaction open, or release a crowd at once. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** 40001 (serialization failure) and 40P01 (deadlock): the whole transaction may simply run again. */
export const isRetryable = (e: unknown): boolean =>
  e instanceof postgres.PostgresError && (e.code === '40001' || e.code === '40P01');

/** A tablehold domain error: SQLSTATE TH0xx, MESSAGE for the guest, HINT the machine code. */
export interface DomainError {
  sqlstate: string;
  code: string;
  message: string;
}
export function domainError(e: unknown): DomainError | null {
  if (!(e instanceof postgres.PostgresError) || !/^TH[0-9A-Z]{3}$/.test(e.code)) return null;
  return { sqlstate: e.code, code: e.hint ?? '', message: e.message };
}

/** Turns the rest of the transaction into an anonymous supabase-js `.rpc()` caller, as PostgREST does. */
export async function actAsGuest(tx: postgres.TransactionSql): Promise<void> {
  await tx`set local role anon`;
  await tx`select set_config('request.jwt.claims', '{"role":"anon"}', true)`;
}

export type RpcArg = string | number | boolean | null | undefined | string[] | Record<string, unknown>;

/** `select public.<fn>(p_<name> => $1, ...)` and its jsonb result. The connection asks the server for
 *  the parameter types first (prepare: false), so arrays and objects arrive as uuid[] and jsonb. */
export async function rpc<T = Record<string, any>>(
  tx: postgres.TransactionSql | Sql,
  fn: string,
  args: Record<string, RpcArg> = {},
): Promise<T> {
  const given = Object.entries(args).filter(([, v]) => v !== undefined);
  const call = given.map(([k], i) => `p_${k} => $${i + 1}`).join(', ');
  const [row] = await tx.unsafe(`select public.${fn}(${call}) as result`, given.map(([, v]) => v) as never[]);
  return row.result as T;
}

/** What one transaction came to: its value or its final error, and how often it was re-run. */
export interface Outcome<T> {
  value?: T;
  error?: unknown;
  retries: number;
}

/** Runs fn in one transaction at `isolation`, re-running the whole transaction on 40001/40P01
 *  with full-jitter exponential backoff (at most maxRetries re-runs; then the last error stands).
 *  onRetry sees each error that caused a re-run. */
export async function inTx<T>(
  db: Sql,
  isolation: Isolation,
  fn: (tx: postgres.TransactionSql, run: number) => Promise<T>,
  { maxRetries = 40, onRetry }: { maxRetries?: number; onRetry?: (e: postgres.PostgresError) => void } = {},
): Promise<Outcome<T>> {
  for (let run = 0; ; run++) {
    try {
      return { value: await withTx(isolation, (tx) => fn(tx, run), db), retries: run };
    } catch (error) {
      if (!isRetryable(error) || run >= maxRetries) return { error, retries: run };
      onRetry?.(error as postgres.PostgresError);
      const backoff = Math.random() * Math.min(200, 2 * 2 ** run);
      await new Promise((r) => setTimeout(r, backoff));
    }
  }
}

/** Starts n transactions on n connections of db and lets them collide: each first runs `select 1`
 *  (so its connection is open and its transaction begun), then all call fn at the same moment.
 *  Re-runs after 40001/40P01 go straight to fn. */
export async function stampede<T>(
  db: Sql,
  n: number,
  isolation: Isolation,
  fn: (tx: postgres.TransactionSql, i: number) => Promise<T>,
): Promise<Outcome<T>[]> {
  // Each waiting transaction keeps its connection: a smaller pool would wait forever.
  if (db.options.max < n) throw new Error(`stampede of ${n} needs a pool of at least ${n} connections`);
  const arrived = Array.from({ length: n }, () => deferred());
  const go = Promise.all(arrived.map((a) => a.promise));
  return Promise.all(
    arrived.map((here, i) =>
      inTx(db, isolation, async (tx, run) => {
        if (run === 0) {
          await tx`select 1`;
          here.resolve();
          await go;
        }
        return fn(tx, i);
      }).finally(() => here.resolve()),
    ),
  );
}

/** 'won', or a refusal as "TH001 SECTION_NOT_AVAILABLE: <message>", or "unexpected: <error>". */
export function outcomeLabel(o: Outcome<unknown>): string {
  if (!('error' in o)) return 'won';
  const e = domainError(o.error);
  return e ? `${e.sqlstate} ${e.code}: ${e.message}` : `unexpected: ${String(o.error)}`;
}

/** How many times a crowd's transactions were re-run after 40001/40P01. */
export const totalRetries = (outcomes: Outcome<unknown>[]): number => outcomes.reduce((n, o) => n + o.retries, 0);

/** How many outcomes had each label: the whole result of a race in one comparable object. */
export function tally(outcomes: Outcome<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[outcomeLabel(o)] = (counts[outcomeLabel(o)] ?? 0) + 1;
  return counts;
}

/** A named session of an interleaving: a pool of exactly one connection, and that backend's pid. */
export async function session(): Promise<{ db: Sql; pid: number }> {
  const db = sql(1);
  const [{ pid }] = await db`select pg_backend_pid() as pid`;
  return { db, pid };
}

/** One call at READ COMMITTED with no re-run, as a supabase-js .rpc() call makes it. */
export const once = <T>(db: Sql, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<Outcome<T>> =>
  inTx(db, 'read committed', fn, { maxRetries: 0 });

/** Session `y` locks a booking row, as an open Studio edit does, until release() commits. */
export function lockBookingRow(y: Sql, bookingId: string) {
  const locked = deferred();
  const release = deferred();
  const done = y.begin(async (tx) => {
    await tx`select 1 from tablehold.bookings where id = ${bookingId} for update`;
    locked.resolve();
    await release.promise;
  });
  return { locked: locked.promise, release: () => (release.resolve(), done) };
}

/** The codes of the units a booking holds now (its active allocations). */
export const unitsHeldBy = async (db: Sql, bookingId: string): Promise<string[]> =>
  (await db`
    select u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
    where a.booking_id = ${bookingId} and a.active`).map((r) => r.code as string);

/** Resolves once backend `waiter` is blocked by backend `holder` (pg_blocking_pids), polling
 *  the server rather than sleeping a guessed time; fails after 10 seconds. */
export async function blockedBy(db: Sql, waiter: number, holder: number): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const [{ blocked }] = await db`select ${holder}::int = any (pg_blocking_pids(${waiter}::int)) as blocked`;
    if (blocked) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`backend ${waiter} was never blocked by backend ${holder}`);
}
