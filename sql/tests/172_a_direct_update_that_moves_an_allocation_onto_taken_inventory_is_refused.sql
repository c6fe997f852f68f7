-- Studio edits of existing allocations are checked like new ones: stretching a window over the
-- next booking on the same table, moving an allocation to a table that is taken, or raising a
-- pooled allocation's quantity beyond what is free are all refused, and the rows stay as they were.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'id' as early \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 21:30 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'id' as late \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:30 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't4')]) ->> 'id' as other \gset
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 48, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) ->> 'id' as big \gset
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 18, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) ->> 'id' as bar \gset

select throws_ok(
  format($$update tablehold.allocations set during = tstzrange(lower(during), '2026-11-27 22:00 America/New_York') where booking_id = %L$$, :'early'),
  'TH002', 'Sorry, this table is no longer available at that time.', 'stretching the 19:00 booking on t3 to 22:00 runs into the 21:30 one');
select throws_ok(
  format($$update tablehold.allocations set unit_id = tests.unit_id('nora-kitchen', 't3') where booking_id = %L$$, :'other'),
  'TH002', 'Sorry, this table is no longer available at that time.', 'moving the 19:30 booking from t4 to t3 is refused');
select throws_ok(
  format($$update tablehold.allocations set quantity = 5 where booking_id = %L$$, :'bar'),
  'TH001', 'Sorry, this option is no longer available.', 'with 8 + 3 of copper-bar''s 12 table units taken, raising the 3 to 5 is refused');
select lives_ok(
  format($$update tablehold.allocations set during = tstzrange(lower(during), '2026-11-27 21:30 America/New_York') where booking_id = %L$$, :'early'),
  'stretching the early booking up to exactly 21:30 is fine');
select lives_ok(format($$update tablehold.allocations set quantity = 4 where booking_id = %L$$, :'bar'),
  'raising it to 4, the last free unit, is fine');
select is(
  (select array_agg(u.code order by a.booking_id = :'other') from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
    where a.booking_id in (:'other', :'late')), array['t3', 't4'], 'the refused edits left the other bookings where they were');

select * from finish();
rollback;
