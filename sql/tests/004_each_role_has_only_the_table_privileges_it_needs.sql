-- Table privileges per API role. anon touches nothing private; signed-in users only read (RLS
-- decides which rows); nobody but the engine writes; the public feed is read-only for everyone.
begin;
select plan(11);
select tests.freeze_time('2026-11-25 12:00Z');

select schema_privs_are('tablehold', 'anon', array[]::text[], 'anon may not even look inside schema tablehold');
select is_empty($$
  select c.relname::text from pg_class c
  where c.relnamespace = 'tablehold'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
    and (has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')) $$,
  'anon has no privilege on any table, view or sequence in schema tablehold');
select is_empty($$
  select c.relname::text from pg_class c
  where c.relnamespace = 'tablehold'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
    and has_table_privilege('authenticated', c.oid, 'insert, update, delete, truncate, references, trigger') $$,
  'signed-in users cannot write any tablehold table: writes go through the functions');
select set_eq($$
  select c.relname::text from pg_class c
  where c.relnamespace = 'tablehold'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
    and has_table_privilege('authenticated', c.oid, 'select') $$,
  array['operators', 'venues', 'opening_hours', 'opening_exceptions', 'turn_times', 'areas', 'slots', 'units',
        'combinations', 'combination_units', 'pacing_rules', 'channels', 'error_codes',
        'staff_members', 'clients', 'bookings', 'allocations', 'audit_log', 'refusals', 'api_keys'],
  'signed-in users may select exactly these tables (row level security filters the rows)');
select table_privs_are('tablehold', 'bookings', 'service_role',
  array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  'the service role may do everything with bookings');

select table_privs_are('public', 'availability_events', 'anon', array['SELECT'], 'anon may only read the public feed');
select table_privs_are('public', 'availability_events', 'authenticated', array['SELECT'],
  'signed-in users may only read the public feed');

select tests.authenticate_as_anon();
select throws_ok($$ insert into public.availability_events (channel, venue_id, service_date, version, unit_id,
    starts_at, ends_at, capacity_mode, previous_state, new_state, remaining, capacity, reason)
  values ('x', tests.venue_id('copper-bar'), '2026-11-27', 1, tests.unit_id('copper-bar', 'table'),
    now(), now(), 'pooled', 'available', 'unavailable', 0, 12, 'forged') $$,
  '42501', 'permission denied for table availability_events', 'anon cannot forge a feed event');
select from tests.create_supabase_user('reader');
select tests.authenticate_as('reader');
select throws_ok($$ update public.availability_events set remaining = 0 $$,
  '42501', 'permission denied for table availability_events', 'a signed-in user cannot rewrite feed events');
select throws_ok($$ delete from public.availability_events $$,
  '42501', 'permission denied for table availability_events', 'a signed-in user cannot delete feed events');
select throws_ok($$ update tablehold.bookings set status = 'cancelled' $$,
  '42501', 'permission denied for table bookings', 'a signed-in user cannot update bookings directly');

select * from finish();
rollback;
