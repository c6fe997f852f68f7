-- PACING_LIMIT_REACHED: nora-kitchen's terrace starts at most 6 covers per 15 minutes. With 4
-- starting at 19:00 on p1, 4 more on p2 in the same quarter hour are refused, though p2 is free.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select from public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-28 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 'p1')], p_guest => '{"name": "Ada", "email": "ada@example.com"}');

prepare book_p2(int) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => $1,
  p_start => '2026-11-28 19:00-05', p_unit_ids => array[tests.unit_id('nora-kitchen', 'p2')],
  p_guest => '{"name": "Bo", "email": "bo@example.com"}');
select throws_ok($$ execute book_p2(4) $$, 'TH008', 'Sorry, we''re fully booked around that time. Please try another time.',
  '8 covers starting on the terrace in one quarter hour are refused');
select lives_ok($$ execute book_p2(2) $$, '6 are fine');

select * from finish();
rollback;
