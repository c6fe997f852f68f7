-- Naming several tables: a guest may only name an allowed combination, for a party in its range;
-- staff (nora-kitchen's host) may join any tables whose seats add up to the party.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
      p_unit_ids => array[tests.unit_id('nora-kitchen', 't1'), tests.unit_id('nora-kitchen', 't2')],
      p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH004', 'That party size can''t be booked here.', 'a guest cannot join t1 and t2: not a combination');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 9, p_start => '2026-11-27 19:00 America/New_York',
      p_unit_ids => array[tests.unit_id('nora-kitchen', 't3'), tests.unit_id('nora-kitchen', 't4')],
      p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH004', 'That party size can''t be booked here.', 'a guest cannot take t3+t4 for nine: the combination seats 5 to 8');
select is(
  jsonb_path_query_array(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array[tests.unit_id('nora-kitchen', 't4'), tests.unit_id('nora-kitchen', 't3')],
    p_guest => '{"name": "Ada", "email": "ada@example.test"}'), '$.units[*].code'),
  '["t3", "t4"]', 'a guest may take the t3+t4 combination for six, named in any order');

select tests.clear_authentication();
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select is(
  jsonb_path_query_array(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array[tests.unit_id('nora-kitchen', 't1'), tests.unit_id('nora-kitchen', 't2')]), '$.units[*].code'),
  '["t1", "t2"]', 'the host may join t1 and t2 (2 + 2 seats) for four');
select is(
  jsonb_path_query_array(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array[tests.unit_id('nora-kitchen', 'booth-1'), tests.unit_id('nora-kitchen', 'p1')]), '$.units[*].code'),
  '["booth-1", "p1"]', 'and even tables in different areas, the booth with a terrace table');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5, p_start => '2026-11-27 21:00 America/New_York',
      p_unit_ids => array[tests.unit_id('nora-kitchen', 't1'), tests.unit_id('nora-kitchen', 't2')])$$,
  'TH004', 'That party size can''t be booked here.', 'but not tables that seat fewer than the party');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:30 America/New_York',
      p_unit_ids => array[tests.unit_id('nora-kitchen', 't2'), tests.unit_id('nora-kitchen', 't5')])$$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'nor tables that are taken');

select * from finish();
rollback;
