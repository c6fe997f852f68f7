-- p_area_id ranks tables in the preferred area first among equally good ones (same wasted seats,
-- same minimum spend); it never beats a better fit elsewhere.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select is(
  jsonb_path_query_array(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00 America/New_York', 2,
    tests.area_id('nora-kitchen', 'terrace')), '$[*].codes[*]'),
  '["t1", "t2", "p1", "p2", "t3"]', 'two guests preferring the terrace still get the two-seaters first: no seats wasted');
select is(
  jsonb_path_query_array(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00 America/New_York', 7,
    tests.area_id('nora-kitchen', 'main')), '$[0].codes'),
  '[["t3", "t4"]]', 'seven guests preferring the main room: t3+t4 first');

select is(
  public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
    p_area_id => tests.area_id('nora-kitchen', 'terrace'), p_guest => '{"name": "Ada", "email": "ada@example.test"}') -> 'units' -> 0 ->> 'code',
  'p1', 'booking four for the terrace auto-assigns p1');
select is(
  public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
    p_area_id => tests.area_id('nora-kitchen', 'main'), p_guest => '{"name": "Bo", "email": "bo@example.test"}') -> 'units' -> 0 ->> 'code',
  't3', 'booking four for the main room auto-assigns t3');

select * from finish();
rollback;
