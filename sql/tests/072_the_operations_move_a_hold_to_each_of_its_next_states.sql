-- From held, through the public functions: confirm (-> confirmed), a guest's confirm of a unit
-- that needs approval (-> pending_approval), cancel (-> cancelled), and the sweeper once the hold
-- time is up (-> expired).
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare hold_at_vault(int, uuid) as select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => $1,
  p_date => '2026-12-04', p_slot => 'early', p_unit_ids => array[$2],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}');
execute hold_at_vault(4, tests.unit_id('the-vault', 'vip-booth-1')) \gset to_confirm_
execute hold_at_vault(12, tests.unit_id('the-vault', 'mezzanine')) \gset to_approve_
execute hold_at_vault(6, tests.unit_id('the-vault', 'standing-tables')) \gset to_cancel_
execute hold_at_vault(4, tests.unit_id('the-vault', 'vip-booth-2')) \gset to_expire_

select is(public.confirm((:'to_confirm_hold'::jsonb ->> 'id')::uuid, :'to_confirm_hold'::jsonb ->> 'manage_token') ->> 'status',
  'confirmed', 'held -> confirmed by confirm');
select is(public.confirm((:'to_approve_hold'::jsonb ->> 'id')::uuid, :'to_approve_hold'::jsonb ->> 'manage_token') ->> 'status',
  'pending_approval', 'held -> pending_approval by a guest''s confirm of the mezzanine');
select is(public.cancel((:'to_cancel_hold'::jsonb ->> 'id')::uuid, :'to_cancel_hold'::jsonb ->> 'manage_token') ->> 'status',
  'cancelled', 'held -> cancelled by cancel');

-- the sweeper runs as the database (pg_cron) after the 5 minutes
select tests.clear_authentication();
select tests.freeze_time('2026-11-25 12:05Z');
select from public.sweep_expired_holds();
select is((select status::text from tablehold.bookings where id = (:'to_expire_hold'::jsonb ->> 'id')::uuid), 'expired',
  'held -> expired by the sweeper');

select * from finish();
rollback;
