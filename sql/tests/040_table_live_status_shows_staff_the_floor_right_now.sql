-- public.table_live_status: for staff, every table and booth now: occupied (seated), reserved
-- (inside a booking's window) or available. Guests may not call it.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-25 18:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')], p_guest => '{"name": "Ada", "email": "ada@example.com"}') as seated \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-25 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')], p_guest => '{"name": "Bo", "email": "bo@example.com"}') as reserved \gset

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select tests.freeze_time('2026-11-25 19:10-05');
select from public.seat((:'seated'::jsonb ->> 'id')::uuid);
select public.table_live_status(tests.venue_id('nora-kitchen')) as floor \gset

select is(jsonb_array_length(:'floor'::jsonb), 8, 'the host sees all eight tables and booths');
select is(jsonb_path_query_array(:'floor'::jsonb, '$[*] ? (@.status != "available").code'), '["t1", "t3"]'::jsonb,
  'two are in use');
select is(jsonb_path_query_first(:'floor'::jsonb, '$[*] ? (@.code == "t3")') - 'booking_id' - 'unit_id' - 'name',
  jsonb_build_object('code', 't3', 'area', 'main', 'status', 'occupied', 'reference', :'seated'::jsonb -> 'reference', 'party_size', 4,
                     'starts_at', '2026-11-25T23:00:00+00:00', 'ends_at', '2026-11-26T01:15:00+00:00'),
  't3 is occupied by the seated party, held until their two hours and the buffer are over');
select is(jsonb_path_query_first(:'floor'::jsonb, '$[*] ? (@.code == "t1").status'), '"reserved"'::jsonb,
  't1 is reserved: its booking''s window has begun but nobody is seated yet');

select tests.authenticate_as_anon();
select throws_ok($$ select public.table_live_status(tests.venue_id('nora-kitchen')) $$,
  '42501', 'permission denied for function table_live_status', 'a guest may not see the floor');

select * from finish();
rollback;
