-- nora-kitchen at 19:00 on Friday 2026-11-27, nothing booked: suggest_tables lists single tables
-- before any combination, fewest wasted seats first, then the lowest minimum spend (the corner
-- booth's 150 puts it after t5), then unit codes.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

create temp view suggested as
select n as party, array_agg(array_to_string(array(select jsonb_array_elements_text(c -> 'codes')), '+') order by i) as codes
from generate_series(1, 10) n,
     jsonb_array_elements(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00 America/New_York', n, null, 50))
       with ordinality s(c, i)
group by n;

select is((select codes from suggested where party = 2), array['t1', 't2', 'p1', 'p2', 't3', 't4'],
  'two guests: the two-seaters (no waste), then the four-seaters');
select is((select codes from suggested where party = 4), array['p1', 'p2', 't3', 't4', 't5', 'booth-1'],
  'four guests: the four-seaters, then t5, then the booth with a minimum spend');
select is((select codes from suggested where party = 5), array['t5', 'booth-1', 'p1+p2', 't3+t4'],
  'five guests: t5 before the booth (same waste, lower minimum spend), single tables before combinations');
select is(
  (select jsonb_agg(c - 'unit_ids' - 'area_ids' - 'deposit') from jsonb_array_elements(
     public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00 America/New_York', 6, null, 2)) c),
  '[{"codes": ["t5"], "kind": "single", "seats": 6, "wasted": 0, "min_spend": 0.00},
    {"codes": ["booth-1"], "kind": "single", "seats": 6, "wasted": 0, "min_spend": 150.00}]'::jsonb,
  'each suggestion says its seats, wasted seats and minimum spend; p_limit caps the list');
select is(jsonb_array_length(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00 America/New_York', 2)),
  5, 'five suggestions by default');

select * from finish();
rollback;
