-- OUTSIDE_BOOKING_WINDOW: a night that is over, a date beyond the 180 day horizon, and a start
-- inside the venue's minimum notice. The last day inside the horizon can still be booked.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
update tablehold.venues set min_notice = '12 hours' where id = tests.venue_id('nora-kitchen');
select tests.authenticate_as_anon();

prepare book_bar(date) as select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2,
  p_date => $1, p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.com"}');

select throws_ok($$ execute book_bar('2026-11-24') $$, 'TH006', 'That date or time can''t be booked right now.',
  'last night is over');
select throws_ok($$ execute book_bar('2027-05-25') $$, 'TH006', 'That date or time can''t be booked right now.',
  '181 days ahead is beyond the horizon');
select lives_ok($$ execute book_bar('2027-05-24') $$, '180 days ahead is still inside it');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
    p_start => '2026-11-25 18:00-05', p_guest => '{"name": "Bo", "email": "bo@example.com"}') $$,
  'TH006', 'That date or time can''t be booked right now.', 'tonight at 18:00 is 11 hours away, inside the 12 hour notice');
select lives_ok($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
    p_start => '2026-11-25 19:00-05', p_guest => '{"name": "Bo", "email": "bo@example.com"}') $$,
  'tonight at 19:00 is exactly 12 hours away');

select * from finish();
rollback;
