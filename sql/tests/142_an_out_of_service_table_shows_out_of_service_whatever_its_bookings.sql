-- A manager flags t3 out of service (in Studio): the floor view shows it out_of_service all
-- evening, even inside the window of the booking it still carries; clearing the flag restores it.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'reference' as t3_ref \gset
update tablehold.units set out_of_service = true where id in (tests.unit_id('nora-kitchen', 't3'), tests.unit_id('nora-kitchen', 't5'));

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select is(
  (select array_agg(s ->> 'code' || ':' || (s ->> 'status') order by s ->> 'code') from jsonb_array_elements(
     public.table_live_status(tests.venue_id('nora-kitchen'), '2026-11-27 18:00 America/New_York')) s where s ->> 'code' in ('t3', 't4', 't5')),
  array['t3:out_of_service', 't4:available', 't5:out_of_service'], 'before service the flagged tables are out_of_service');
select is(
  (select s ->> 'status' || ' ' || (s ->> 'reference') from jsonb_array_elements(
     public.table_live_status(tests.venue_id('nora-kitchen'), '2026-11-27 19:30 America/New_York')) s where s ->> 'code' = 't3'),
  'out_of_service ' || :'t3_ref', 'during its booking t3 shows out_of_service, with the booking it still carries');
select tests.clear_authentication();

select tests.freeze_time('2026-11-27 19:30 America/New_York');
select is((select status from tablehold.table_live_status where code = 't5'), 'out_of_service', 'the view agrees');
update tablehold.units set out_of_service = false where id = tests.unit_id('nora-kitchen', 't3');
select is((select status from tablehold.table_live_status where code = 't3'), 'reserved', 'back in service, t3 is reserved for its booking');

select * from finish();
rollback;
