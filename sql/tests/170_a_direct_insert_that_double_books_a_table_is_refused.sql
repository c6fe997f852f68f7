-- Someone in Supabase Studio (postgres) adds a booking row and an allocation of t3 overlapping a
-- confirmed booking's window: the allocation trigger refuses it with TABLE_NOT_AVAILABLE, just
-- as the API would. A window that only touches the existing one is fine.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'id' as booked \gset
insert into tablehold.bookings (reference, venue_id, status, party_size, service_date, during) values
  ('BR-261127-STUDY2', tests.venue_id('nora-kitchen'), 'confirmed', 2, '2026-11-27',
   tstzrange('2026-11-27 20:00 America/New_York', '2026-11-27 21:30 America/New_York'));

select throws_ok(
  $$insert into tablehold.allocations (booking_id, unit_id, during) values (tests.booking_id('BR-261127-STUDY2'), tests.unit_id('nora-kitchen', 't3'),
      tstzrange('2026-11-27 20:00 America/New_York', '2026-11-27 21:45 America/New_York'))$$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'an allocation of t3 from 20:00 overlapping the 19:00-21:15 booking is refused');
select throws_ok(
  $$insert into tablehold.allocations (booking_id, unit_id) values (tests.booking_id('BR-261127-STUDY2'), tests.unit_id('nora-kitchen', 't3'))$$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'so is one that takes the booking''s own window by default');
select lives_ok(
  $$insert into tablehold.allocations (booking_id, unit_id, during) values (tests.booking_id('BR-261127-STUDY2'), tests.unit_id('nora-kitchen', 't3'),
      tstzrange('2026-11-27 21:15 America/New_York', '2026-11-27 22:45 America/New_York'))$$,
  'a window starting exactly when t3 is cleared is accepted');
select is((select count(*) from tablehold.allocations where unit_id = tests.unit_id('nora-kitchen', 't3') and active), 2::bigint,
  't3 carries the original booking and the one that fits after it');

select * from finish();
rollback;
