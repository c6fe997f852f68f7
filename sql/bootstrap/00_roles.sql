-- Local Supabase bootstrap, part 1: roles.
-- Applied as the superuser supabase_admin (initdb -U supabase_admin) to a fresh cluster.
-- Mirrors supabase/postgres migrations/db/init-scripts/00000000000000-initial-schema.sql,
-- 10000000000000_demote-postgres.sql, 20230529180330_alter_api_roles_for_inherit.sql and
-- the role memberships of a hosted project. Local only: never part of supabase/migrations.

alter role supabase_admin with superuser createdb createrole replication bypassrls password 'postgres';

-- The role migrations, the seed and developers use. On hosted projects it is not a superuser.
create role postgres with nosuperuser createdb createrole login replication bypassrls password 'postgres';

-- API roles. Created noinherit upstream, later made inherit.
create role anon nologin inherit;
create role authenticated nologin inherit;
create role service_role nologin inherit bypassrls;

-- PostgREST connects as authenticator and switches to one of the API roles per request.
create role authenticator login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;

-- Service roles that own Supabase-managed objects.
create role supabase_auth_admin noinherit createrole login noreplication;
create role supabase_realtime_admin noinherit nologin noreplication;

-- As on hosted projects: postgres may SET ROLE to the API roles (tests rely on it) and,
-- through supabase_realtime_admin, create policies on realtime.messages.
grant anon, authenticated, service_role to postgres;
grant supabase_realtime_admin to postgres;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;

-- Statement timeouts like upstream.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';

-- search_path like upstream 00000000000003-post-setup.sql.
alter role supabase_admin set search_path to "$user", public, auth, extensions;
alter role postgres set search_path to "$user", public, extensions;
alter role supabase_auth_admin set search_path to auth;
