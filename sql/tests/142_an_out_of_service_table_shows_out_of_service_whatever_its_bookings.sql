-- A manager flags t3 out of service (in Studio): the floor view shows it out_of_service all
-- evening, even inside the window of the booking it still carries; clearing the flag restores it.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array['00000000-0000-4000-c003-000000000003']::uuid[]) ->> 'reference' as t3_ref \gset
update tablehold.units set out_of_service = true where id in ('00000000-0000-4000-c003-000000000003', '00000000-0000-4000-c003-000000000005');

select set_config('role', 'authenticated', true), set_config('request.jwt.claims',
  '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}', true);
select is(
  (select array_agg(s ->> 'code' || ':' || (s ->> 'status') order by s ->> 'code') from jsonb_array_elements(
     public.table_live_status('00000000-0000-4000-b000-000000000003', '2026-11-27 18:00 America/New_York')) s where s ->> 'code' in ('t3', 't4', 't5')),
  array['t3:out_of_service', 't4:available', 't5:out_of_service'], 'before service the flagged tables are out_of_service');
select is(
  (select s ->> 'status' || ' ' || (s ->> 'reference') from jsonb_array_elements(
     public.table_live_status('00000000-0000-4000-b000-000000000003', '2026-11-27 19:30 America/New_York')) s where s ->> 'code' = 't3'),
  'out_of_service ' || :'t3_ref', 'during its booking t3 shows out_of_service, with the booking it still carries');
select tests.clear_authentication();

select tests.freeze_time('2026-11-27 19:30 America/New_York');
select is((select status from tablehold.table_live_status where code = 't5'), 'out_of_service', 'the view agrees');
update tablehold.units set out_of_service = false where id = '00000000-0000-4000-c003-000000000003';
select is((select status from tablehold.table_live_status where code = 't3'), 'reserved', 'back in service, t3 is reserved for its booking');

select * from finish();
rollback;
