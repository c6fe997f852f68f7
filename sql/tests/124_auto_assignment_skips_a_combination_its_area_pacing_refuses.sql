-- Seven guests booking an empty nora-kitchen at 19:00 without naming tables. The terrace
-- combination p1+p2 seats them, but the terrace paces 6 covers per 15 minutes, so it can never
-- take them; auto-assignment must move on to t3+t4 in the main room (venue-wide cap 16 is fine).
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select lives_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 7,
      p_start => '2026-11-27 19:00 America/New_York', p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'a party of seven books an empty restaurant');
select tests.clear_authentication();
select is(
  (select array_agg(u.code order by u.code) from tablehold.allocations a join tablehold.units u on u.id = a.unit_id where a.active),
  array['t3', 't4'], 'they are seated at t3+t4, one seat spare');
select is((select status::text from tablehold.bookings), 'confirmed', 'the booking is confirmed');

select * from finish();
rollback;
