-- Local Supabase bootstrap, part 2: the database, schema public and default privileges.
-- Upstream runs its init scripts as postgres (then a superuser) and adds the same default
-- privileges "for user supabase_admin"; here everything runs as supabase_admin, so both
-- owners are named explicitly.

-- postgres owns the database, so it owns schema public (pg_database_owner in PG15) and can
-- create schemas, like the `grant all on database postgres to postgres` of demote-postgres.
alter database postgres owner to postgres;
grant all on database postgres to postgres;

grant usage on schema public to postgres, anon, authenticated, service_role;

alter default privileges for role postgres in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to postgres, anon, authenticated, service_role;

alter default privileges for role supabase_admin in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on sequences to postgres, anon, authenticated, service_role;
