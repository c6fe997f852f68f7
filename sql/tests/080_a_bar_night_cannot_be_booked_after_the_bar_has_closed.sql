-- A date-mode booking is for the whole night, and the night's service date runs to the 05:00
-- cutover; but the copper-bar closes at 01:00. At 02:00 tonight is over: booking it is refused as
-- outside the booking window, while tomorrow night can be booked.
begin;
select plan(2);
select tests.freeze_time('2026-11-26 02:00Z');
select tests.authenticate_as_anon();

prepare book_bar(date) as select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2,
  p_date => $1, p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.com"}');
select throws_ok($$ execute book_bar('2026-11-25') $$, 'TH006', 'That date or time can''t be booked right now.',
  'at 02:00 the night of the 25th, which closed at 01:00, is over');
select lives_ok($$ execute book_bar('2026-11-26') $$, 'the night of the 26th is bookable');

select * from finish();
rollback;
