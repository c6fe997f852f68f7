// What the figures were measured on: the machine, and the PostgreSQL settings that shape them.
import { cpus, loadavg } from 'node:os';
import { pool, type Stack } from './support.ts';

const SETTINGS = [
  'shared_buffers', 'max_connections', 'synchronous_commit', 'fsync', 'full_page_writes', 'wal_level',
  'wal_sync_method', 'commit_delay', 'work_mem', 'effective_cache_size', 'max_wal_size', 'checkpoint_timeout',
  'jit', 'shared_preload_libraries', 'default_transaction_isolation', 'track_functions', 'pg_stat_statements.track',
];

export async function machineInfo(stack: Stack) {
  const db = pool(stack.adminUrl);
  const [{ version }] = await db`select current_setting('server_version') as version`;
  const rows = await db`
    select name, case when unit = '8kB' then pg_size_pretty(setting::bigint * 8192)
                      when unit = 'kB' then pg_size_pretty(setting::bigint * 1024)
                      when unit is null or unit = '' then setting else setting || ' ' || unit end as value
    from pg_settings where name = any (${SETTINGS}::text[]) order by name`;
  await db.end();
  return {
    cores: navigator.hardwareConcurrency,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30 * 10) / 10,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    postgres: { version: version as string, settings: Object.fromEntries(rows.map((r) => [r.name, r.value])) as Record<string, string> },
  };
}

export type Machine = Awaited<ReturnType<typeof machineInfo>>;
