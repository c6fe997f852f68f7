// One pooled postgres.js client per isolate, compatible with Supavisor's transaction mode
// (prepare: false, no session state). Each request is one transaction at the configured isolation
// level (TABLEHOLD_ISOLATION_LEVEL, SERIALIZABLE by default) run as the caller (set_config role +
// request.jwt.claims, as PostgREST does), retried on 40001/40P01.
import postgres from 'postgres';
import { env, requireEnv } from './env.ts';
import { isRetryable } from './errors.ts';
import type { Caller } from './auth.ts';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

let pool: Sql | undefined;

/** The shared pool, from SUPABASE_DB_URL. */
export function db(): Sql {
  pool ??= postgres(requireEnv('SUPABASE_DB_URL'), {
    prepare: false,
    max: Number(requireEnvOr('TABLEHOLD_DB_POOL', '10')),
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
  });
  return pool;
}

function requireEnvOr(name: string, fallback: string): string {
  try {
    return requireEnv(name);
  } catch {
    return fallback;
  }
}

/** Replace the pool (tests in-process). */
export function useDb(sql: Sql): void {
  pool = sql;
}

/** The isolation levels the engine is correct at (README, "Isolation level"). */
export const ISOLATION_LEVELS = ['serializable', 'read committed'] as const;
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

/** TABLEHOLD_ISOLATION_LEVEL as a level: unset means serializable; anything else but the two levels
 *  (any case, `_` for the space) is refused, so a typo stops the server instead of changing its level. */
export function parseIsolationLevel(value: string | undefined): IsolationLevel {
  const named = (value ?? '').trim().toLowerCase().replace(/[_\s]+/g, ' ') || 'serializable';
  if (!(ISOLATION_LEVELS as readonly string[]).includes(named)) {
    throw new Error(`TABLEHOLD_ISOLATION_LEVEL must be one of ${ISOLATION_LEVELS.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return named as IsolationLevel;
}

let level: IsolationLevel | undefined;

/** The level every request's transaction runs at, from TABLEHOLD_ISOLATION_LEVEL (read once). */
export function isolationLevel(): IsolationLevel {
  level ??= parseIsolationLevel(env('TABLEHOLD_ISOLATION_LEVEL'));
  return level;
}

/** Set the level (tests and benchmarks in-process, like useDb). */
export function useIsolationLevel(value: IsolationLevel): void {
  level = parseIsolationLevel(value);
}

export const MAX_ATTEMPTS = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bounded, jittered exponential backoff: 5 ms doubling to at most 250 ms, times a random 0.5–1.5. */
export const backoff = (attempt: number) => Math.min(250, 5 * 2 ** attempt) * (0.5 + Math.random());

export interface TxResult<T> {
  value: T;
  retries: number;
}

/** Thrown inside a transaction to roll it back and run it again, like a serialization failure
 *  (e.g. a concurrent duplicate committed the row this one was about to write). */
export class RunAgain extends Error {}

/** Run fn in one transaction at `level` (the configured one by default), retrying the whole of it
 *  on serialization failures, deadlocks and RunAgain. fn first gets the transaction as the
 *  connecting (trusted) role; call `actAs(tx, caller)` before touching the engine. */
export async function transaction<T>(
  fn: (tx: Tx) => Promise<T>, sql: Sql = db(), txLevel: IsolationLevel = isolationLevel(),
): Promise<TxResult<T>> {
  for (let attempt = 0;; attempt++) {
    try {
      const value = (await sql.begin(`isolation level ${txLevel}`, fn)) as T;
      return { value, retries: attempt };
    } catch (e) {
      if (!(isRetryable(e) || e instanceof RunAgain) || attempt + 1 >= MAX_ATTEMPTS) {
        // the attempts made travel with the error, for the response header and the log line
        if (typeof e === 'object' && e !== null) (e as { retries?: number }).retries = attempt;
        throw e;
      }
      await sleep(backoff(attempt));
    }
  }
}

/** From here on the transaction runs as the caller: RLS and the engine's checks decide. */
export async function actAs(tx: Tx, caller: Caller): Promise<void> {
  await tx`select set_config('role', ${caller.role}, true), set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
    set_config('request.headers', ${JSON.stringify(caller.headers ?? {})}, true)`;
}

/** Back to the connecting role (for the bookkeeping the caller may not do itself). The claims
 *  stay: triggers deferred to commit still record who made the change. */
export async function actAsServer(tx: Tx): Promise<void> {
  await tx`select set_config('role', 'none', true)`;
}
