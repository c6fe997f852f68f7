-- The live feed: public.availability_events is in the supabase_realtime publication and anyone,
-- anon included, may read it; the private tables behind it stay closed to anon.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');

select ok(exists (select 1 from pg_publication_tables t
                  where t.pubname = 'supabase_realtime' and t.schemaname = 'public' and t.tablename = 'availability_events'),
  'public.availability_events is published to supabase_realtime');
select is_empty($$ select t.schemaname || '.' || t.tablename from pg_publication_tables t
                   where t.pubname = 'supabase_realtime' and t.schemaname = 'tablehold' $$,
  'no private table is published to Realtime');

-- one booking of the copper-bar's vip area writes one event
select from public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 4, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ada", "email": "ada@example.com"}');

select tests.authenticate_as_anon();
select results_eq($$ select count(*)::int, min(remaining) from public.availability_events
                     where channel = tests.venue_id('copper-bar') || ':2026-11-27' $$,
  $$ values (1, 2) $$, 'anon reads the event: one change on the channel, 2 vip units left');
select throws_ok($$ select count(*) from tablehold.bookings $$,
  '42501', 'permission denied for schema tablehold', 'anon selecting bookings is refused with permission denied');
select throws_ok($$ select count(*) from tablehold.venues $$,
  '42501', 'permission denied for schema tablehold', 'anon cannot read even venue configuration directly');

select * from finish();
rollback;
