-- public.book at a club: the-vault's vip-booth-1 is an exclusive, slot-mode booth. The late slot
-- (01:00-04:00) of Friday's service date falls on Saturday morning.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27',
  p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') as booking \gset

select is(:'booking'::jsonb ->> 'status', 'confirmed', 'the booth is booked');
select is(:'booking'::jsonb ->> 'slot', 'late', 'for the late slot');
select is(:'booking'::jsonb ->> 'service_date', '2026-11-27', 'of Friday''s service date');
select is(tstzrange((:'booking'::jsonb ->> 'starts_at')::timestamptz, (:'booking'::jsonb ->> 'ends_at')::timestamptz),
  tstzrange('2026-11-28 01:00Z', '2026-11-28 04:00Z'), 'which runs 01:00 to 04:00 on Saturday');
select is(:'booking'::jsonb -> 'units', jsonb_build_array(jsonb_build_object('code', 'vip-booth-1', 'name', 'VIP Booth 1', 'unit_id', tests.unit_id('the-vault', 'vip-booth-1'), 'quantity', 1)),
  'one booth');
select is(array[(:'booking'::jsonb ->> 'deposit_total')::numeric, (:'booking'::jsonb ->> 'min_spend_total')::numeric],
  array[100.00, 500.00], 'with the booth''s deposit and minimum spend');
select is((public.availability(tests.venue_id('the-vault'), '2026-11-27', 'late') #>> '{units,0,keys,0,state}'),
  'unavailable', 'the booth''s late slot is no longer available');

select * from finish();
rollback;
