// postgres.js helpers for tests. DATABASE_URL connects as postgres (what migrations and
// Edge Functions use); ADMIN_DATABASE_URL as supabase_admin. scripts/test.sh sets both.
// prepare: false matches Supabase's transaction pooler (Supavisor, port 6543).
import postgres from 'postgres';

export type Sql = postgres.Sql;
export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

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
