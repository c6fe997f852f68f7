-- TABLE_NOT_AVAILABLE: t3 is booked 19:00-21:00 (kept until 21:15 for clearing). A guest naming
-- t3 for any overlapping time is refused; from 21:15 it is free.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select from public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')], p_guest => '{"name": "Ada", "email": "ada@example.com"}');

prepare book_t3(timestamptz) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 3,
  p_start => $1, p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')], p_guest => '{"name": "Bo", "email": "bo@example.com"}');
select throws_ok($$ execute book_t3('2026-11-27 19:00-05') $$, 'TH002', 'Sorry, this table is no longer available at that time.',
  'the same start is refused');
select throws_ok($$ execute book_t3('2026-11-27 17:15-05') $$, 'TH002', 'Sorry, this table is no longer available at that time.',
  'a booking that would run into 19:00 is refused');
select throws_ok($$ execute book_t3('2026-11-27 21:00-05') $$, 'TH002', 'Sorry, this table is no longer available at that time.',
  'a start inside the clearing buffer is refused');
select lives_ok($$ execute book_t3('2026-11-27 21:15-05') $$, 'a start right after the buffer is fine');

select * from finish();
rollback;
