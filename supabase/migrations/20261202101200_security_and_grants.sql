-- Security and grants: row level security on every table with its policies, every grant of a
-- table, sequence, schema and function, and what is published to Supabase Realtime. Writes go
-- through the functions; direct reads (Studio as postgres bypasses RLS; Realtime and PostgREST do
-- not) are limited to what each role may see. Nothing is callable unless granted here.
--
-- WARNING: PostgreSQL lets every role execute a new function, and per-schema default privileges
-- cannot take that away; in public, Supabase's default privileges also grant it to anon and
-- authenticated. So a migration that creates functions ends as this one does: it revokes execute on
-- every function in tablehold from public, anon and authenticated (granting caller_rank back to
-- authenticated, and everything to the service role), and grants each new function in public to
-- exactly the roles that may call it.

-- The private schema: the API roles may reach its functions only where granted below.
revoke all on schema tablehold from public;
grant usage on schema tablehold to authenticated, service_role;

-- Row level security on every table.
do $$
declare
  v_table text;
begin
  foreach v_table in array array[
    'operators', 'venues', 'opening_hours', 'opening_exceptions', 'turn_times', 'areas', 'slots', 'units',
    'combinations', 'combination_units', 'pacing_rules', 'staff_members', 'clients', 'bookings',
    'allocations', 'channels', 'audit_log', 'refusals', 'error_codes', 'api_keys', 'idempotency_keys',
    'staff_feeds'] loop
    execute format('alter table tablehold.%I enable row level security', v_table);
  end loop;
end;
$$;
alter table public.availability_events enable row level security;
alter table public.staff_events enable row level security;

-- the service role bypasses RLS and may read and write everything (it is trusted server code)
grant all on all tables in schema tablehold to service_role;
grant all on all sequences in schema tablehold to service_role;
create policy "only the server reads idempotency records" on tablehold.idempotency_keys for select to service_role
  using (true);
create policy "only the server reads feed sequences" on tablehold.staff_feeds for select to service_role using (true);

-- venue configuration is public information for signed-in users
grant select on tablehold.operators, tablehold.venues, tablehold.opening_hours, tablehold.opening_exceptions,
  tablehold.turn_times, tablehold.areas, tablehold.slots, tablehold.units, tablehold.combinations,
  tablehold.combination_units, tablehold.pacing_rules, tablehold.channels, tablehold.error_codes
  to authenticated;
create policy "anyone signed in can read operators" on tablehold.operators for select to authenticated using (true);
create policy "anyone signed in can read venues" on tablehold.venues for select to authenticated using (true);
create policy "anyone signed in can read opening hours" on tablehold.opening_hours for select to authenticated using (true);
create policy "anyone signed in can read opening exceptions" on tablehold.opening_exceptions for select to authenticated using (true);
create policy "anyone signed in can read turn times" on tablehold.turn_times for select to authenticated using (true);
create policy "anyone signed in can read areas" on tablehold.areas for select to authenticated using (true);
create policy "anyone signed in can read slots" on tablehold.slots for select to authenticated using (true);
create policy "anyone signed in can read units" on tablehold.units for select to authenticated using (true);
create policy "anyone signed in can read combinations" on tablehold.combinations for select to authenticated using (true);
create policy "anyone signed in can read combination units" on tablehold.combination_units for select to authenticated using (true);
create policy "anyone signed in can read pacing rules" on tablehold.pacing_rules for select to authenticated using (true);
create policy "anyone signed in can read channel versions" on tablehold.channels for select to authenticated using (true);
create policy "anyone signed in can read the error registry" on tablehold.error_codes for select to authenticated using (true);

-- personal and operational data: staff of the venue, customers their own
grant select on tablehold.staff_members, tablehold.clients, tablehold.bookings, tablehold.allocations,
  tablehold.audit_log, tablehold.refusals, tablehold.api_keys
  to authenticated;
create policy "staff can read their own memberships" on tablehold.staff_members for select to authenticated
  using (user_id = (select auth.uid()) or tablehold.caller_rank(coalesce(venue_id, (
    select v.id from tablehold.venues v where v.operator_id = staff_members.operator_id limit 1))) >= 3);
create policy "staff can read their venue's clients" on tablehold.clients for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 1);
create policy "customers can read their own client record" on tablehold.clients for select to authenticated
  using (user_id = (select auth.uid()));
create policy "staff can read their venue's bookings" on tablehold.bookings for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 1);
create policy "customers can read their own bookings" on tablehold.bookings for select to authenticated
  using (client_id in (select c.id from tablehold.clients c where c.user_id = (select auth.uid())));
create policy "staff can read their venue's allocations" on tablehold.allocations for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 1);
create policy "managers can read their venue's audit trail" on tablehold.audit_log for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 2);
create policy "managers can read their venue's refusals" on tablehold.refusals for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 2);
create policy "managers can read their venue's api keys" on tablehold.api_keys for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 2);

-- the public feed: anyone, anon included, may read availability events (they hold no personal data)
revoke all on public.availability_events from anon, authenticated;
grant select on public.availability_events to anon, authenticated;
create policy "anyone can read public availability events" on public.availability_events for select
  to anon, authenticated using (true);

-- the staff feed: staff of the venue
revoke all on public.staff_events from anon, authenticated;
grant select on public.staff_events to authenticated;
grant all on public.staff_events to service_role;
create policy "staff can read their venue's booking changes" on public.staff_events for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 1);

-- Sequences are the engine's: Supabase's default privileges grant them to the API roles, who must
-- not be able to move an event table's ids.
revoke all on all sequences in schema public from anon, authenticated;
revoke all on all sequences in schema tablehold from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;

-- Supabase Realtime: both feeds are published (postgres_changes); each subscriber sees what RLS lets it read.
do $$
declare
  v_table text;
begin
  foreach v_table in array array['availability_events', 'staff_events'] loop
    if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
       and not exists (select 1 from pg_publication_tables
                       where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table) then
      execute format('alter publication supabase_realtime add table public.%I', v_table);
    end if;
  end loop;
end;
$$;

-- functions: nothing is callable unless granted here
revoke execute on all functions in schema tablehold from public, anon, authenticated;
-- the service role writes tables directly too (trusted server code): the invariant triggers then
-- run with its rights and need the engine's internals
grant execute on all functions in schema tablehold to service_role;
-- row level security asks for the caller's rank
grant execute on function tablehold.caller_rank(uuid) to authenticated;
revoke execute on function
  public.hold, public.book, public.confirm, public.cancel, public.approve, public.reject, public.seat,
  public.complete, public.no_show, public.block, public.unblock, public.modify, public.suggest_tables,
  public.availability, public.available_times, public.table_live_status, public.client_create,
  public.client_get, public.client_update, public.clients_search, public.client_erase,
  public.sweep_expired_holds, public.record_refusal, public.venue_metrics, public.api_key_create,
  public.api_key_revoke, public.arrivals, public.refresh_channel, public.booking_get, public.staff_feed
  from public, anon, authenticated;

-- guests (anon) and customers: read availability, hold, book, confirm, cancel, change and read their own
grant execute on function public.availability, public.available_times, public.suggest_tables,
  public.hold, public.book, public.confirm, public.cancel, public.modify, public.booking_get,
  public.refresh_channel
  to anon, authenticated, service_role;
-- signed-in users: staff operations (each checks the caller's staff role) and their own client record
grant execute on function public.approve, public.reject, public.seat, public.complete, public.no_show,
  public.block, public.unblock, public.table_live_status, public.client_create, public.client_get,
  public.client_update, public.clients_search, public.client_erase, public.venue_metrics,
  public.api_key_create, public.api_key_revoke, public.arrivals, public.staff_feed
  to authenticated, service_role;
-- trusted server code only
grant execute on function public.sweep_expired_holds, public.record_refusal to service_role;
