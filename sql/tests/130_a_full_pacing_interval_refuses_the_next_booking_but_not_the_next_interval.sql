-- nora-kitchen lets at most 16 covers start per 15 minutes. 16 covers starting at 19:00 fill the
-- 19:00-19:15 interval: a couple at 19:00 is refused with PACING_LIMIT_REACHED although t2 is
-- free, while 19:15 starts a new interval.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select is(sum((public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => n.party, p_start => '2026-11-27 19:00 America/New_York',
  p_unit_ids => array[n.unit]::uuid[]) ->> 'party_size')::int), 16::bigint, 'four tables take 16 covers at 19:00') from (values (4, tests.unit_id('nora-kitchen', 't3')), (4, tests.unit_id('nora-kitchen', 't4')),
  (6, tests.unit_id('nora-kitchen', 't5')), (2, tests.unit_id('nora-kitchen', 't1'))) n(party, unit);
select tests.authenticate_as_anon();

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York',
      p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH008', 'Sorry, we''re fully booked around that time. Please try another time.', 'a 17th and 18th cover at 19:00 are refused');
select is(jsonb_path_query_first(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00 America/New_York', 2),
  '$[0].codes') , '["t2"]', 'even though t2 is free');
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:15 America/New_York',
    p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'status', 'confirmed', 'a couple at 19:15 is fine: a new interval');
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 18:45 America/New_York',
    p_guest => '{"name": "Bo", "email": "bo@example.test"}') ->> 'status', 'confirmed', 'so is a table of four at 18:45, the interval before');

select * from finish();
rollback;
