-- public.modify with nothing to change writes nothing (migration 20261202186500): no allocation, no
-- availability event, no audit row, no staff feed line, the booking row untouched; the answer is the
-- booking as it stands. A real change still writes, which shows the counts below can move. Staff
-- feed lines are written at commit: `set constraints all immediate` fires them before each count.
begin;
select plan(9);
select tests.freeze_time('2026-11-25 12:00Z');

select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => '{"name": "Ada", "email": "ada@example.com", "date_of_birth": "1990-01-01"}') as booked \gset
select (:'booked'::jsonb ->> 'id') as booking, (:'booked'::jsonb ->> 'manage_token') as token \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Bo", "email": "bo@example.com"}') ->> 'id' as table_booking \gset

create view pg_temp.written as
  select (select count(*) from tablehold.allocations)::int as allocations,
         (select count(*) from public.availability_events)::int as events,
         (select count(*) from tablehold.audit_log)::int as audit,
         (select count(*) from public.staff_events)::int + (select count(*) from tablehold.staff_events_pending)::int as staff,
         (select string_agg(xmin::text, ',' order by id) from tablehold.bookings) as booking_versions;
set constraints all immediate;
select * from pg_temp.written \gset before_

select tests.authenticate_as_anon();
select is(public.modify(:'booking', :'token') - 'version', :'booked'::jsonb - 'manage_token' - 'replayed' - 'version',
  'a change with no fields answers the booking as it stands');
select lives_ok(format('select public.modify(%L, %L, p_party_size => 4, p_date => %L, p_slot => %L)', :'booking', :'token', '2026-11-27', 'early'),
  'and so does one that names every field as it already is');
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select lives_ok(format('select public.modify(%L, p_party_size => 2, p_start => %L, p_unit_ids => (select array_agg(unit_id) from tablehold.allocations where booking_id = %L))',
    :'table_booking', '2026-11-27 19:00-05', :'table_booking'),
  'a host naming the same time, party and tables');
set local role postgres;  -- keeping the caller's claims for the commit-time triggers, as the Edge Functions do
set constraints all immediate;
select tests.clear_authentication();

select is((select allocations from pg_temp.written), :before_allocations, 'no allocation was written');
select is((select events from pg_temp.written), :before_events, 'no availability event');
select is((select audit from pg_temp.written), :before_audit, 'no audit row');
select is((select staff from pg_temp.written), :before_staff, 'no staff feed line');
select is((select booking_versions from pg_temp.written), :'before_booking_versions', 'and no booking row was rewritten');

select tests.authenticate_as_anon();
select from public.modify(:'booking', :'token', p_party_size => 5);
set local role postgres;
set constraints all immediate;
select tests.clear_authentication();
select ok((select allocations > :before_allocations and audit > :before_audit and staff > :before_staff from pg_temp.written),
  'a real change writes its allocation, audit row and staff feed line');

select * from finish();
rollback;
