// Call one engine function with named, typed arguments: select public.<fn>(p_x => $1::type, …).
// Arguments left undefined take the function's defaults.
import type { Sql, Tx } from './db.ts';

export type SqlType = 'uuid' | 'uuid[]' | 'int' | 'bigint' | 'date' | 'timestamptz' | 'text' | 'text[]' | 'jsonb' | 'boolean';
export type Args = Record<string, readonly [unknown, SqlType]>;

const NAME = /^[a-z_]+$/;

export async function rpc<T = unknown>(tx: Tx | Sql, fn: string, args: Args = {}): Promise<T> {
  const { call, values } = callOf(tx, fn, args);
  const [row] = await tx.unsafe(`select ${call} as result`, values as never[]);
  return row.result as T;
}

/** As rpc, for a function with OUT parameters: its one row, each column as the database sent it
 *  (text stays text: a large JSON answer passes through unparsed). */
export async function rpcRow<T extends Record<string, unknown>>(tx: Tx | Sql, fn: string, args: Args = {}): Promise<T> {
  const { call, values } = callOf(tx, fn, args);
  const [row] = await tx.unsafe(`select * from ${call}`, values as never[]);
  return row as unknown as T;
}

/** `public.<fn>(p_x => $1::type, …)` and its values. */
function callOf(tx: Tx | Sql, fn: string, args: Args) {
  if (!NAME.test(fn)) throw new Error(`not a function name: ${fn}`);
  const used = Object.entries(args).filter(([name, [value]]) => value !== undefined && NAME.test(name));
  const list = used.map(([name, [, type]], i) => `p_${name} => $${i + 1}::${type}`).join(', ');
  const values = used.map(([, [value, type]]) => (type === 'jsonb' && value !== null ? tx.json(value as never) : value));
  return { call: `public.${fn}(${list})`, values };
}
