-- A cancelled booking's allocation is inactive. Flipping it back to active in Studio is refused
-- with INVALID_TRANSITION, whether another guest has the table by then or it is free: a cancelled
-- booking holds no inventory (and un-cancelling the booking is not a transition either).
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')]) ->> 'id' as taken_over \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't2')]) ->> 'id' as left_free \gset
select string_agg(public.cancel(id) ->> 'status', ',') as cancelled from tablehold.bookings where id in (:'taken_over', :'left_free') \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:30 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')]) ->> 'id' as newcomer \gset

select throws_ok(format('update tablehold.allocations set active = true where booking_id = %L', :'taken_over'),
  'TH009', 'This booking can''t be changed that way in its current state.', 're-activating t1 for the cancelled booking is refused (the newcomer has t1 by now)');
select throws_ok(format($$update tablehold.bookings set status = 'confirmed' where id = %L$$, :'taken_over'),
  'TH009', 'This booking can''t be changed that way in its current state.', 'un-cancelling the booking itself is not a transition');
select throws_ok(format('update tablehold.allocations set active = true where booking_id = %L', :'left_free'),
  'TH009', 'This booking can''t be changed that way in its current state.', 're-activating t2 for a cancelled booking is refused though t2 is free');
select is((select count(*) from tablehold.allocations where booking_id in (:'taken_over', :'left_free') and active), 0::bigint,
  'both cancelled bookings still hold nothing');
select is(
  (select array_agg(code || ':' || status order by code) from tablehold.table_status_at(tests.venue_id('nora-kitchen'), '2026-11-27 19:15 America/New_York')
    where code in ('t1', 't2')),
  array['t1:available', 't2:available'], 'and the floor shows both tables free at 19:15');

select * from finish();
rollback;
