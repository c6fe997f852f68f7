-- Floor view at nora-kitchen: t3 is booked 19:00-21:00 for four (taken until 21:15 with the buffer)
-- and t1 from 21:30. A table is 'reserved' only while the instant lies inside its allocation
-- window: never earlier in the day because a booking comes later.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'reference' as t3_ref \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 21:30 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')]) ->> 'reference' as t1_ref \gset

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
create function pg_temp.floor(p_local text) returns text[] language sql as $$
  select array_agg(s ->> 'code' || ':' || (s ->> 'status') order by s ->> 'code')
  from jsonb_array_elements(public.table_live_status(tests.venue_id('nora-kitchen'), p_local::timestamp at time zone 'America/New_York')) s
  where s ->> 'code' in ('t1', 't3')
$$;

select is(pg_temp.floor('2026-11-27 18:59:59'), array['t1:available', 't3:available'], 'at 18:59:59 both tables are available despite tonight''s bookings');
select is(pg_temp.floor('2026-11-27 19:00'), array['t1:available', 't3:reserved'], 'from 19:00 t3 is reserved');
select is(
  (select s - 'unit_id' - 'booking_id' from jsonb_array_elements(public.table_live_status(tests.venue_id('nora-kitchen'), '2026-11-27 21:14:59 America/New_York')) s
    where s ->> 'code' = 't3'),
  jsonb_build_object('code', 't3', 'name', 'Table 3', 'area', 'main', 'status', 'reserved', 'reference', :'t3_ref', 'party_size', 4,
    'starts_at', '2026-11-28T00:00:00+00:00', 'ends_at', '2026-11-28T02:15:00+00:00'),
  'until the end of its window, buffer included, with the booking it is reserved for');
select is(pg_temp.floor('2026-11-27 21:15'), array['t1:available', 't3:available'], 'at 21:15 t3 is free and t1 is not yet due');
select is(pg_temp.floor('2026-11-27 21:30'), array['t1:reserved', 't3:available'], 'at 21:30 t1 is reserved');

select tests.clear_authentication();
select tests.freeze_time('2026-11-27 21:45 America/New_York');
select set_eq($$select code, status, reference from tablehold.table_live_status where venue = 'nora-kitchen' and status <> 'available'$$,
  format($$values ('t1', 'reserved', %L)$$, :'t1_ref'), 'the view tablehold.table_live_status shows the same for the engine clock''s now');

select * from finish();
rollback;
