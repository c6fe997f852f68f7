-- public.availability for a guest: states and remaining counts, busy windows of tables, and the
-- channel version, but never staff states, counts by status or references to bookings.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');
select from public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')], p_guest => '{"name": "Ada", "email": "ada@example.com"}');
select from public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}');
select version as kitchen_version from tablehold.channels
 where venue_id = tests.venue_id('nora-kitchen') and service_date = '2026-11-27' \gset

select tests.authenticate_as_anon();
select public.availability(tests.venue_id('nora-kitchen'), '2026-11-27', p_party_size => 2, p_start => '2026-11-27 19:00-05') as kitchen \gset
select public.availability(tests.venue_id('the-vault'), '2026-11-27') as vault \gset

select is(:'kitchen'::jsonb -> 'version', to_jsonb(:kitchen_version::bigint), 'the snapshot''s version is the channel''s version');
select is(jsonb_path_query_first(:'kitchen'::jsonb, '$.units[*] ? (@.code == "t1").busy'),
  '[{"starts_at": "2026-11-28T00:00:00+00:00", "ends_at": "2026-11-28T01:45:00+00:00"}]'::jsonb,
  'a guest sees when t1 is busy and nothing else about it');
select is(jsonb_path_query_array(:'kitchen'::jsonb, '$.units[*] ? (@.free_at_start == true).code'),
  '["t2", "t3", "t4", "t5", "booth-1", "p1", "p2"]'::jsonb, 'and which tables are free at 19:00');
select is(jsonb_path_query_first(:'vault'::jsonb, '$.units[*] ? (@.code == "vip-booth-1").keys[0]'),
  '{"slot": "early", "state": "unavailable", "remaining": 0, "starts_at": "2026-11-27T22:00:00+00:00", "ends_at": "2026-11-28T01:00:00+00:00"}'::jsonb,
  'a held booth is simply unavailable to a guest');
select ok(not jsonb_path_exists(:'vault'::jsonb, 'strict $.**.staff_state') and not jsonb_path_exists(:'kitchen'::jsonb, 'strict $.**.staff_state'),
  'no staff_state anywhere');
select ok(not jsonb_path_exists(:'vault'::jsonb, 'strict $.**.by_status') and not jsonb_path_exists(:'kitchen'::jsonb, 'strict $.**.by_status'),
  'no counts by status anywhere');
select ok(not jsonb_path_exists(:'kitchen'::jsonb, 'strict $.**.booking_id') and not jsonb_path_exists(:'kitchen'::jsonb, 'strict $.**.reference'),
  'no booking ids or references anywhere');
select ok(not jsonb_path_exists(:'kitchen'::jsonb, 'strict $.**.status'), 'no booking statuses anywhere');

select * from finish();
rollback;
