-- Pacing counts the covers of bookings that hold inventory: a live hold counts, a cancelled
-- booking and a hold whose time is up (swept or not) do not.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
create temp table fixture on commit drop as
select n.unit, public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => n.party, p_start => '2026-11-27 19:00 America/New_York',
  p_unit_ids => array[n.unit]::uuid[]) ->> 'id' as booking_id
from (values (4, tests.unit_id('nora-kitchen', 't3')), (4, tests.unit_id('nora-kitchen', 't4')), (2, tests.unit_id('nora-kitchen', 't1'))) n(party, unit);
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't5')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'id' as hold_id \gset

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York',
      p_guest => '{"name": "Bo", "email": "bo@example.test"}')$$,
  'TH008', 'Sorry, we''re fully booked around that time. Please try another time.', '10 booked and 6 held covers fill 19:00');

select tests.clear_authentication();
select public.cancel(booking_id::uuid) ->> 'status' as cancelled from fixture where unit = tests.unit_id('nora-kitchen', 't4') \gset
select tests.freeze_time('2026-11-25 12:05Z');
select tests.authenticate_as_anon();
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array[tests.unit_id('nora-kitchen', 'booth-1')], p_guest => '{"name": "Bo", "email": "bo@example.test"}') ->> 'status',
  'confirmed', 'once the hold has expired, six more covers fit at 19:00');
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array[tests.unit_id('nora-kitchen', 't4')], p_guest => '{"name": "Cy", "email": "cy@example.test"}') ->> 'status',
  'confirmed', 'and with the cancelled four gone, four more: 16 counted again');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 1, p_start => '2026-11-27 19:00 America/New_York',
      p_guest => '{"name": "Di", "email": "di@example.test"}')$$,
  'TH008', 'Sorry, we''re fully booked around that time. Please try another time.', 'the interval is full again');
select tests.clear_authentication();
select is((select status::text from tablehold.bookings where id = :'hold_id'), 'held',
  'the hold never blocked pacing after its time, though nothing had marked it expired');

select * from finish();
rollback;
