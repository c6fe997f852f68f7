-- t3 is booked 19:00-21:00 (taken to 21:15). The host seats the party at 18:50, ten minutes early:
-- from then the table is occupied, it stays occupied after 21:15 while they linger, and it is
-- available again once the host completes the booking.
begin;
select plan(5);
select tests.freeze_time('2026-11-27 18:00 America/New_York');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'id' as booking_id \gset

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
create function pg_temp.t3_at(p_local text) returns text language sql as $$
  select s ->> 'status' from jsonb_array_elements(public.table_live_status(tests.venue_id('nora-kitchen'),
    p_local::timestamp at time zone 'America/New_York')) s where s ->> 'code' = 't3'
$$;

select tests.freeze_time('2026-11-27 18:50 America/New_York');
select public.seat(:'booking_id') ->> 'status' as seated \gset
select is(pg_temp.t3_at('2026-11-27 18:50'), 'occupied', 'seated at 18:50, ten minutes early: occupied at once');
select is(pg_temp.t3_at('2026-11-27 19:00'), 'occupied', 'occupied during the booking');
select is(pg_temp.t3_at('2026-11-27 21:40'), 'occupied', 'still occupied at 21:40, past the window, while they linger');
select tests.freeze_time('2026-11-27 21:40 America/New_York');
select public.complete(:'booking_id') ->> 'status' as completed \gset
select is(pg_temp.t3_at('2026-11-27 21:40'), 'available', 'available as soon as the host completes the booking');
select is(pg_temp.t3_at('2026-11-27 20:00'), 'available', 'and a completed booking no longer holds any part of its window');

select * from finish();
rollback;
