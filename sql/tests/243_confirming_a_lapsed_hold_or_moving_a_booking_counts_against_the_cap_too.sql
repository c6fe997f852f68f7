-- The caps hold for every way a booking becomes live on a night, not only for new ones: confirming a
-- hold that lapsed re-takes its inventory, so it counts as a new booking of its night (else holds
-- renewed every five minutes and confirmed later would pass any cap), and modify moving a live
-- booking to another night counts there. A booking never counts against itself, and a manager may
-- still confirm or move what the cap would refuse.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');

create function pg_temp.hold_as_hal(p_date date, p_slot text, p_unit text default 'standing-tables') returns jsonb language sql as $$
  select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => p_date, p_slot => p_slot,
    p_unit_ids => array[tests.unit_id('the-vault', p_unit)],
    p_guest => '{"name": "Hal", "email": "hal@example.com", "date_of_birth": "1990-01-01"}');
$$;

select tests.authenticate_as_anon();
select pg_temp.hold_as_hal('2026-12-04', 'early') as lapsing \gset
select pg_temp.hold_as_hal('2026-12-04', 'early') as other_lapsing \gset
select tests.freeze_time('2026-11-25 12:06Z');
-- the first two lapsed: four fresh ones fill the guest's cap of 4
select from pg_temp.hold_as_hal('2026-12-04', 'early');
select from pg_temp.hold_as_hal('2026-12-04', 'early');
select from pg_temp.hold_as_hal('2026-12-04', 'late');
select pg_temp.hold_as_hal('2026-12-04', 'late') as fourth \gset
select throws_ok(format('select public.confirm(%L, %L)', :'lapsing'::jsonb ->> 'id', :'lapsing'::jsonb ->> 'manage_token'),
  'TH018', 'You already hold as many bookings for this night as this venue allows.',
  'confirming a lapsed hold is a fifth live booking of the night: refused');
select is(public.booking_get((:'lapsing'::jsonb ->> 'id')::uuid, :'lapsing'::jsonb ->> 'manage_token') ->> 'status', 'expired',
  'and the lapsed hold stays expired (the holds after it expired it as they took its section)');
select is(public.confirm((:'fourth'::jsonb ->> 'id')::uuid, :'fourth'::jsonb ->> 'manage_token') ->> 'status', 'confirmed',
  'confirming a live hold adds nothing and goes through');

select pg_temp.hold_as_hal('2026-12-05', 'early') as elsewhere \gset
select throws_ok(format('select public.modify(%L, %L, p_date => %L)', :'elsewhere'::jsonb ->> 'id', :'elsewhere'::jsonb ->> 'manage_token', '2026-12-04'),
  'TH018', 'You already hold as many bookings for this night as this venue allows.',
  'moving a live hold from another night onto the full one is refused');
select lives_ok(format('select public.modify(%L, %L, p_party_size => 5)', :'fourth'::jsonb ->> 'id', :'fourth'::jsonb ->> 'manage_token'),
  'a change on its own night does not count the booking against itself');

select tests.authenticate_as_seed_user('manager@the-vault.test');
select is(public.confirm((:'other_lapsing'::jsonb ->> 'id')::uuid) ->> 'status', 'confirmed',
  'a manager confirms the lapsed hold the guest could not');
select is(public.modify((:'elsewhere'::jsonb ->> 'id')::uuid, p_date => '2026-12-04') ->> 'service_date', '2026-12-04',
  'and moves the other night''s hold onto the full night');

select * from finish();
rollback;
