-- The benchmark's extensions, applied by bench/run.sh as the superuser supabase_admin before the
-- `bench` schema (neither is a trusted extension, so postgres cannot create them). Bench clusters
-- only: never a migration.
--   pg_stat_statements: `npm run bench -- statements` counts every statement a booking runs, nested
--   ones included (the cluster preloads the library with pg_stat_statements.track = all when
--   scripts/lib.sh runs with TABLEHOLD_DB_STATS=1, as bench/run.sh does).
create extension if not exists pg_stat_statements with schema extensions;
grant execute on function extensions.pg_stat_statements_reset(oid, oid, bigint) to postgres;
