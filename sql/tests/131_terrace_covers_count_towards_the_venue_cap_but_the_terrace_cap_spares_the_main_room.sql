-- With the terrace at its own cap of 6 covers for 19:00 (4 on p1, 2 on p2), the main room still
-- takes guests at 19:00, because the terrace rule counts terrace tables only; the venue-wide cap
-- of 16 counts both rooms. (The terrace cap itself: 060.)
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select count(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => t.party, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[t.unit]))
  as terrace_bookings from (values (4, tests.unit_id('nora-kitchen', 'p1')), (2, tests.unit_id('nora-kitchen', 'p2'))) t(party, unit) \gset
select tests.authenticate_as_anon();

select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 19:00 America/New_York',
    p_guest => '{"name": "Bo", "email": "bo@example.test"}') -> 'units' -> 0 ->> 'code',
  't5', 'six in the main room at 19:00 are fine: the terrace cap does not apply there');
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
    p_guest => '{"name": "Cy", "email": "cy@example.test"}') -> 'units' -> 0 ->> 'code',
  't3', 'four more make 16 venue-wide');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 1, p_start => '2026-11-27 19:00 America/New_York',
      p_guest => '{"name": "Di", "email": "di@example.test"}')$$,
  'TH008', 'Sorry, we''re fully booked around that time. Please try another time.', 'one more anywhere is refused: the terrace''s 6 count towards 16');

select * from finish();
rollback;
