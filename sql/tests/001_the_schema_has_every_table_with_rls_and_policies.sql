-- Every engine table exists, and none can be read around its policies: RLS is on and each table
-- has at least one policy. Queried from the catalogue, so a table added later without RLS fails here.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');

select tables_are('tablehold', array[
  'operators', 'venues', 'opening_hours', 'opening_exceptions', 'turn_times', 'areas', 'slots', 'units',
  'combinations', 'combination_units', 'pacing_rules', 'staff_members', 'clients', 'bookings',
  'allocations', 'channels', 'audit_log', 'refusals', 'error_codes', 'api_keys', 'idempotency_keys', 'staff_feeds',
  'config_versions', 'snapshot_cache', 'staff_events_pending', 'rate_counters', 'booking_origins',
  'retention', 'outbox_pruned'],
  'schema tablehold holds exactly the engine''s tables');
select has_table('public', 'availability_events', 'public.availability_events exists');

select is_empty($$
  select c.relname::text from pg_class c
  where c.relnamespace = 'tablehold'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity $$,
  'no table in schema tablehold is without row level security');
select is_empty($$
  select c.relname::text from pg_class c
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity $$,
  'no table in schema public is without row level security');
select is_empty($$
  select c.relnamespace::regnamespace || '.' || c.relname from pg_class c
  where c.relnamespace in ('tablehold'::regnamespace, 'public'::regnamespace) and c.relkind in ('r', 'p')
    and not exists (select 1 from pg_policies p
                    where p.schemaname = c.relnamespace::regnamespace::text and p.tablename = c.relname) $$,
  'every table in schemas tablehold and public has at least one policy');

select policies_are('public', 'availability_events', array['anyone can read public availability events'],
  'the public feed has exactly one policy, for reading');
select policies_are('tablehold', 'bookings',
  array['staff can read their venue''s bookings', 'customers can read their own bookings'],
  'bookings are readable by the venue''s staff and by their own customer, nothing else');

select * from finish();
rollback;
