-- Cancelling a booking by editing its status in Studio does what public.cancel does: the booking
-- is stamped by the engine clock, its table is freed and the feed announces it. A booking
-- cannot be inserted straight into a later state either. (Every direct transition: 071.)
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')]) ->> 'id' as booking_id \gset

select tests.freeze_time('2026-11-26 09:30Z');
update tablehold.bookings set status = 'cancelled' where id = :'booking_id';
select is((select status::text || ' at ' || cancelled_at from tablehold.bookings where id = :'booking_id'), 'cancelled at 2026-11-26 09:30:00+00',
  'the Studio cancel is stamped with the engine clock');
select is((select active from tablehold.allocations where booking_id = :'booking_id'), false, 'it frees t1');
select is((select previous_state || ' -> ' || new_state || ' (' || reason || ') at ' || occurred_at from public.availability_events
            where unit_id = tests.unit_id('nora-kitchen', 't1') order by version desc limit 1),
  'unavailable -> available (cancelled) at 2026-11-26 09:30:00+00', 'and the feed publishes t1 as available again');
select throws_ok(
  $$insert into tablehold.bookings (reference, venue_id, status, party_size, service_date, during) values ('BR-261127-SEATED', tests.venue_id('nora-kitchen'),
      'seated', 2, '2026-11-27', tstzrange('2026-11-27 20:00 America/New_York', '2026-11-27 21:30 America/New_York'))$$,
  'TH009', 'This booking can''t be changed that way in its current state.', 'a booking cannot be inserted already seated');

select * from finish();
rollback;
