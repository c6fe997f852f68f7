-- Nine guests fit only the t4+t5 combination. While t5 is taken (17:00-19:45 with the buffer)
-- auto-assignment finds nothing for them, though t4 alone is free; from 19:45 they get t4+t5.
-- (Every fitting table taken, and parties nothing seats: 068.)
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5, p_start => '2026-11-27 17:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't5')]) ->> 'id' as t5_booking \gset
select tests.authenticate_as_anon();

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 9,
      p_start => '2026-11-27 18:00 America/New_York', p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH016', 'Sorry, no table is free for that party size at that time.', 'nine guests at 18:00: t5 is still taken');
select is(jsonb_path_query_array(public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 18:00 America/New_York', 4), '$[*].codes[*]') @> '["t4"]',
  true, 't4 itself is free at 18:00');
select is(
  jsonb_path_query_array(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 9,
    p_start => '2026-11-27 19:45 America/New_York', p_guest => '{"name": "Ada", "email": "ada@example.test"}'), '$.units[*].code'),
  '["t4", "t5"]', 'nine guests at 19:45, once t5 is cleared, get t4+t5');

select * from finish();
rollback;
