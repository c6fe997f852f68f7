-- public.availability for staff of the venue: the same snapshot plus what holds each unit
-- (staff_state, counts by status) and, for tables, which booking is in each busy window.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') as booth \gset
select from public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 8, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Sam", "email": "sam@example.com", "date_of_birth": "1999-07-01"}');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')], p_guest => '{"name": "Ada", "email": "ada@example.com"}') as t1 \gset
select version as vault_version from tablehold.channels
 where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27' \gset

-- the-vault's host
select tests.authenticate_as_seed_user('host@the-vault.test');
select public.availability(tests.venue_id('the-vault'), '2026-11-27', 'early') as vault \gset
select is(jsonb_path_query_first(:'vault'::jsonb, '$.units[*] ? (@.code == "vip-booth-1").keys[0]') - 'starts_at' - 'ends_at',
  '{"slot": "early", "state": "unavailable", "remaining": 0, "staff_state": "held", "by_status": {"held": 1}}'::jsonb,
  'staff see that the booth is held, not just unavailable');
select is(jsonb_path_query_first(:'vault'::jsonb, '$.units[*] ? (@.code == "standing-tables").keys[0]') - 'starts_at' - 'ends_at',
  '{"slot": "early", "state": "available", "remaining": 8, "staff_state": "available", "by_status": {"held": 2}}'::jsonb,
  'and that 2 standing tables are held');
select is(:'vault'::jsonb -> 'version', to_jsonb(:vault_version::bigint), 'at the channel''s version');

-- nora-kitchen's host
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select is(jsonb_path_query_first(public.availability(tests.venue_id('nora-kitchen'), '2026-11-27'), '$.units[*] ? (@.code == "t1").busy[0]'),
  jsonb_build_object('starts_at', '2026-11-28T00:00:00+00:00', 'ends_at', '2026-11-28T01:45:00+00:00', 'status', 'confirmed',
                     'booking_id', :'t1'::jsonb -> 'id', 'reference', :'t1'::jsonb -> 'reference'),
  'staff see which booking holds t1');
select ok(not jsonb_path_exists(public.availability(tests.venue_id('the-vault'), '2026-11-27'), 'strict $.**.staff_state'),
  'staff of another venue get the guest view of the-vault');

select * from finish();
rollback;
