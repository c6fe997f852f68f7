// One pooled postgres.js client per isolate, compatible with Supavisor's transaction mode
// (prepare: false, no session state). Each request is one SERIALIZABLE transaction (a route may ask
// for READ COMMITTED) run as the caller (set_config role + request.jwt.claims, as PostgREST does),
// retried on 40001/40P01.
import postgres from 'postgres';
import { requireEnv } from './env.ts';
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

export const MAX_ATTEMPTS = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bounded, jittered exponential backoff: 5 ms doubling to at most 250 ms, times a random 0.5–1.5. */
export const backoff = (attempt: number) => Math.min(250, 5 * 2 ** attempt) * (0.5 + Math.random());

export interface TxResult<T> {
  value: T;
  retries: number;
}

/** The isolation level of a request's transaction: SERIALIZABLE unless a route says otherwise. */
export type Isolation = 'serializable' | 'read committed';

/** Run fn in one SERIALIZABLE transaction (or at `level`), retrying the whole of it on
 *  serialization failures and deadlocks. fn first gets the transaction as the connecting (trusted)
 *  role; call `actAs(tx, caller)` before touching the engine. */
export async function serializable<T>(
  fn: (tx: Tx) => Promise<T>, sql: Sql = db(), level: Isolation = 'serializable',
): Promise<TxResult<T>> {
  for (let attempt = 0;; attempt++) {
    try {
      const value = (await sql.begin(`isolation level ${level}`, fn)) as T;
      return { value, retries: attempt };
    } catch (e) {
      if (!isRetryable(e) || attempt + 1 >= MAX_ATTEMPTS) {
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
  await tx`select set_config('role', ${caller.role}, true), set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true)`;
}

/** Back to the connecting role (for the bookkeeping the caller may not do itself). The claims
 *  stay: triggers deferred to commit still record who made the change. */
export async function actAsServer(tx: Tx): Promise<void> {
  await tx`select set_config('role', 'none', true)`;
}
