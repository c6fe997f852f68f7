-- Local Supabase bootstrap, part 3: extensions.
-- On hosted projects supautils lets postgres create "privileged" extensions. Plain Postgres
-- has no supautils, so everything a migration might ask for is created here, by the
-- superuser, and a migration's `create extension if not exists ...` is then a no-op.

create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres;

create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists btree_gist with schema extensions;
create extension if not exists pgtap with schema extensions;

-- `supabase db lint` runs `create extension if not exists plpgsql_check` as postgres inside
-- a rolled-back transaction; plpgsql_check is not a trusted extension, so it must exist.
create extension if not exists plpgsql_check with schema extensions;

-- pg_cron needs shared_preload_libraries = 'pg_cron' and cron.database_name = 'postgres'.
-- Supabase's dashboard creates it in pg_catalog; the extension itself makes schema cron.
create extension if not exists pg_cron with schema pg_catalog;

-- Grants of upstream extensions.grant_pg_cron_access() (and the later fixes that make
-- cron.job read-only and drop TRIGGER on cron.job_run_details). Execute on the cron
-- functions is explicit because pg_cron 1.4 revokes alter_job and schedule_in_database
-- from public.
grant usage on schema cron to postgres with grant option;
grant all privileges on all tables in schema cron to postgres with grant option;
revoke all on table cron.job from postgres;
grant select on table cron.job to postgres with grant option;
revoke trigger on cron.job_run_details from postgres;
grant all on all sequences in schema cron to postgres with grant option;
grant execute on all functions in schema cron to postgres with grant option;
alter default privileges for role supabase_admin in schema cron grant all on tables to postgres with grant option;
alter default privileges for role supabase_admin in schema cron grant all on functions to postgres with grant option;
alter default privileges for role supabase_admin in schema cron grant all on sequences to postgres with grant option;
