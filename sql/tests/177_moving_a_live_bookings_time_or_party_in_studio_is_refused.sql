-- On main before engine v2, updating a booking's during in Studio (19:00 -> 21:30) left its
-- allocation at 19:00, and another guest could then book the table at 21:30; the same for a pooled
-- booking's party size. Now a booking that holds inventory keeps its time, date, slot, party and
-- venue unless public.modify moves it together with its inventory; other fields stay editable.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'id' as dinner \gset
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 6, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) ->> 'id' as bar \gset

select throws_ok(format($$ update tablehold.bookings set during = tstzrange('2026-11-27 21:30 America/New_York', '2026-11-27 23:30 America/New_York') where id = %L $$, :'dinner'),
  'TH017', 'This change must go through tablehold''s functions.', 'moving the 19:00 dinner to 21:30 directly is refused');
select throws_ok(format($$ update tablehold.bookings set party_size = 12 where id = %L $$, :'bar'),
  'TH017', 'This change must go through tablehold''s functions.', 'raising a pooled booking''s party directly is refused');
select throws_ok(format($$ update tablehold.bookings set service_date = '2026-11-28' where id = %L $$, :'bar'),
  'TH017', 'This change must go through tablehold''s functions.', 'and so is changing its date');
select lives_ok(format($$ update tablehold.bookings set occasion = 'anniversary', special_requests = 'window seat' where id = %L $$, :'dinner'),
  'notes and occasions stay editable');

select is(public.modify(:'dinner', p_start => '2026-11-27 21:30 America/New_York') ->> 'starts_at', '2026-11-28T02:30:00+00:00',
  'public.modify moves the dinner');
select is((select lower(a.during) from tablehold.allocations a where a.booking_id = :'dinner' and a.active),
  '2026-11-27 21:30 America/New_York'::timestamptz, 'and its table with it');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 21:30 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) $$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'so nobody else gets t3 at 21:30');

select * from finish();
rollback;
