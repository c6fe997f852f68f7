-- Naming several tables: a guest may only name an allowed combination, for a party in its range;
-- staff (nora-kitchen's host) may join any tables whose seats add up to the party.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select throws_ok(
  $$select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
      p_unit_ids => array['00000000-0000-4000-c003-000000000001', '00000000-0000-4000-c003-000000000002']::uuid[],
      p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH004', 'That party size can''t be booked here.', 'a guest cannot join t1 and t2: not a combination');
select throws_ok(
  $$select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 9, p_start => '2026-11-27 19:00 America/New_York',
      p_unit_ids => array['00000000-0000-4000-c003-000000000003', '00000000-0000-4000-c003-000000000004']::uuid[],
      p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH004', 'That party size can''t be booked here.', 'a guest cannot take t3+t4 for nine: the combination seats 5 to 8');
select is(
  jsonb_path_query_array(public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 6, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array['00000000-0000-4000-c003-000000000004', '00000000-0000-4000-c003-000000000003']::uuid[],
    p_guest => '{"name": "Ada", "email": "ada@example.test"}'), '$.units[*].code'),
  '["t3", "t4"]', 'a guest may take the t3+t4 combination for six, named in any order');

select tests.clear_authentication();
select set_config('role', 'authenticated', true), set_config('request.jwt.claims',
  '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}', true);
select is(
  jsonb_path_query_array(public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array['00000000-0000-4000-c003-000000000001', '00000000-0000-4000-c003-000000000002']::uuid[]), '$.units[*].code'),
  '["t1", "t2"]', 'the host may join t1 and t2 (2 + 2 seats) for four');
select is(
  jsonb_path_query_array(public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 5, p_start => '2026-11-27 19:00 America/New_York',
    p_unit_ids => array['00000000-0000-4000-c003-000000000006', '00000000-0000-4000-c003-000000000007']::uuid[]), '$.units[*].code'),
  '["booth-1", "p1"]', 'and even tables in different areas, the booth with a terrace table');
select throws_ok(
  $$select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 5, p_start => '2026-11-27 21:00 America/New_York',
      p_unit_ids => array['00000000-0000-4000-c003-000000000001', '00000000-0000-4000-c003-000000000002']::uuid[])$$,
  'TH004', 'That party size can''t be booked here.', 'but not tables that seat fewer than the party');
select throws_ok(
  $$select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 2, p_start => '2026-11-27 19:30 America/New_York',
      p_unit_ids => array['00000000-0000-4000-c003-000000000002', '00000000-0000-4000-c003-000000000005']::uuid[])$$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'nor tables that are taken');

select * from finish();
rollback;
