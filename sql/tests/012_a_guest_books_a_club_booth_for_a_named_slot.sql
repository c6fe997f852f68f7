-- public.book at a club: the-vault's vip-booth-1 is an exclusive, slot-mode booth. The late slot
-- (01:00-04:00) of Friday's service date falls on Saturday morning.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => '00000000-0000-4000-b000-000000000002', p_party_size => 6, p_date => '2026-11-27',
  p_slot => 'late', p_unit_ids => array['00000000-0000-4000-c002-000000000001']::uuid[],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') as booking \gset

select is(:'booking'::jsonb ->> 'status', 'confirmed', 'the booth is booked');
select is(:'booking'::jsonb ->> 'slot', 'late', 'for the late slot');
select is(:'booking'::jsonb ->> 'service_date', '2026-11-27', 'of Friday''s service date');
select is(tstzrange((:'booking'::jsonb ->> 'starts_at')::timestamptz, (:'booking'::jsonb ->> 'ends_at')::timestamptz),
  tstzrange('2026-11-28 01:00Z', '2026-11-28 04:00Z'), 'which runs 01:00 to 04:00 on Saturday');
select is(:'booking'::jsonb -> 'units', '[{"code": "vip-booth-1", "name": "VIP Booth 1", "unit_id": "00000000-0000-4000-c002-000000000001", "quantity": 1}]'::jsonb,
  'one booth');
select is(array[(:'booking'::jsonb ->> 'deposit_total')::numeric, (:'booking'::jsonb ->> 'min_spend_total')::numeric],
  array[100.00, 500.00], 'with the booth''s deposit and minimum spend');
select is((public.availability('00000000-0000-4000-b000-000000000002', '2026-11-27', 'late') #>> '{units,0,keys,0,state}'),
  'unavailable', 'the booth''s late slot is no longer available');

select * from finish();
rollback;
