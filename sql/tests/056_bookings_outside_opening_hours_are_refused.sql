-- OUTSIDE_OPENING_HOURS: a closed weekday, a closed exception date, a slot the club does not run
-- that weekday, a start off the 15 minute grid, and a table booking that would run past closing.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare book_at_kitchen(timestamptz) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'),
  p_party_size => 2, p_start => $1, p_guest => '{"name": "Ada", "email": "ada@example.com"}');

select throws_ok($$ execute book_at_kitchen('2026-11-30 19:00-05') $$, 'TH005', 'The venue is not open at that time.',
  'nora-kitchen is closed on Mondays');
select throws_ok($$ execute book_at_kitchen('2026-12-25 19:00-05') $$, 'TH005', 'The venue is not open at that time.',
  'and on Christmas Day, a Friday, by exception');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-25',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
    p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') $$,
  'TH005', 'The venue is not open at that time.', 'the-vault has no early slot on a Wednesday');
select throws_ok($$ execute book_at_kitchen('2026-11-27 19:10-05') $$, 'TH005', 'The venue is not open at that time.',
  '19:10 is off the 15 minute grid');
select throws_ok($$ execute book_at_kitchen('2026-11-26 22:00-05') $$, 'TH005', 'The venue is not open at that time.',
  'a couple at 22:00 on a Thursday would stay until 23:30, past the 23:00 closing');

select * from finish();
rollback;
