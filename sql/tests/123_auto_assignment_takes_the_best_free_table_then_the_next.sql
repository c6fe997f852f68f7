-- Guests who book nora-kitchen for 19:00 without naming a table get the first table
-- suggest_tables would offer; each next guest gets the next one, until nothing fits.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select is(
  public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00 America/New_York', 2, null, 1) -> 0 -> 'codes',
  '["t1"]', 'the first suggestion for two is t1');

create temp table booked on commit drop as
select n, public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
         p_start => '2026-11-27 19:00 America/New_York', p_guest => jsonb_build_object('name', 'Guest ' || n, 'email', 'guest' || n || '@example.test')) as b
from generate_series(1, 6) n;

select is((select array_agg(b -> 'units' -> 0 ->> 'code' order by n) from booked), array['t1', 't2', 'p1', 'p2', 't3', 't4'],
  'six couples in a row get t1, t2, p1, p2, t3, t4: each the best table still free');
select is((select array_agg(distinct b ->> 'status') from booked), array['confirmed'], 'all six are confirmed');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
      p_start => '2026-11-27 19:00 America/New_York', p_guest => '{"name": "Guest 7", "email": "guest7@example.test"}')$$,
  'TH016', 'Sorry, no table is free for that party size at that time.',
  'the seventh couple finds no table (t5 and the booth seat 4 to 6)');

select * from finish();
rollback;
