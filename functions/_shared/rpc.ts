// Call one engine function with named, typed arguments: select public.<fn>(p_x => $1::type, …).
// Arguments left undefined take the function's defaults.
import type { Tx } from './db.ts';

export type SqlType = 'uuid' | 'uuid[]' | 'int' | 'bigint' | 'date' | 'timestamptz' | 'text' | 'text[]' | 'jsonb' | 'boolean';
export type Args = Record<string, readonly [unknown, SqlType]>;

const NAME = /^[a-z_]+$/;

export async function rpc<T = unknown>(tx: Tx, fn: string, args: Args = {}): Promise<T> {
  if (!NAME.test(fn)) throw new Error(`not a function name: ${fn}`);
  const used = Object.entries(args).filter(([name, [value]]) => value !== undefined && NAME.test(name));
  const list = used.map(([name, [, type]], i) => `p_${name} => $${i + 1}::${type}`).join(', ');
  const values = used.map(([, [value, type]]) => (type === 'jsonb' && value !== null ? tx.json(value as never) : value));
  const [row] = await tx.unsafe(`select public.${fn}(${list}) as result`, values as never[]);
  return row.result as T;
}
