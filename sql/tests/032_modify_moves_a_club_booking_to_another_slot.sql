-- public.modify with a new slot: a booth booking moves from the early to the late slot.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') as booking \gset
select public.modify((:'booking'::jsonb ->> 'id')::uuid, :'booking'::jsonb ->> 'manage_token', p_slot => 'late') as moved \gset

select is(:'moved'::jsonb ->> 'slot', 'late', 'the booking is in the late slot');
select is((:'moved'::jsonb ->> 'starts_at')::timestamptz, '2026-11-28 01:00Z', 'which starts at 01:00');
select is(:'moved'::jsonb #>> '{units,0,code}', 'vip-booth-2', 'in the same booth');
select is(jsonb_path_query_array(public.availability(tests.venue_id('the-vault'), '2026-11-27'),
    '$.units[*] ? (@.code == "vip-booth-2").keys[*].state'),
  '["available", "unavailable"]'::jsonb, 'the booth is free early and taken late');

select * from finish();
rollback;
