-- public.suggest_tables: free single tables that fit first, fewest wasted seats first, the
-- preferred area before others; combinations only when no single table seats the party.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select from public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 18:30-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 'p2')], p_guest => '{"name": "Ada", "email": "ada@example.com"}');
select tests.authenticate_as_anon();

select is(jsonb_path_query_array(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00-05', 4), '$[*].codes[0]'),
  '["p1", "t3", "t4", "t5", "booth-1"]'::jsonb,
  'for 4 at 19:00: the free four-seat tables (p2 is taken), then the six-seat ones, the premium booth last');
select is(jsonb_path_query_array(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00-05', 4,
    p_area_id => tests.area_id('nora-kitchen', 'terrace'), p_limit => 2), '$[*].codes[0]'),
  '["p1", "t3"]'::jsonb, 'asking for the terrace puts its table first, and p_limit cuts the list');
select is(jsonb_path_query_array(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 21:00-05', 7), '$[*].codes'),
  '[["p1", "p2"], ["t3", "t4"], ["t4", "t5"]]'::jsonb, 'for 7, only the allowed combinations, tightest first');
select is(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00-05', 7) -> 0,
  '{"kind": "combination", "codes": ["t3", "t4"], "seats": 8, "wasted": 1, "deposit": 0.00, "min_spend": 0.00}'::jsonb
    || jsonb_build_object('area_ids', jsonb_build_array(tests.area_id('nora-kitchen', 'main')),
                          'unit_ids', jsonb_build_array(tests.unit_id('nora-kitchen', 't3'), tests.unit_id('nora-kitchen', 't4'))),
  'a suggestion names tables, seats and prices, and nothing about other guests');
select is(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00-05', 11), '[]'::jsonb,
  'nothing seats a party of 11');

select * from finish();
rollback;
