-- A hold lasts exactly the venue's hold_ttl (5 minutes): one microsecond before hold_expires_at
-- the guest's snapshot shows the unit taken, at hold_expires_at it shows it free, with no sweeper
-- in between. Checked for an exclusive booth (the-vault) and a pooled area (copper-bar's vip).
begin;
select plan(3);

-- what a guest sees of the booth (state, busy windows) and of the vip area (units left)
create function pg_temp.seen(p_vault jsonb, p_copper jsonb) returns jsonb language sql as $$
  select jsonb_build_object(
    'booth', jsonb_path_query_first(p_vault, '$.units[*] ? (@.code == "vip-booth-1").keys[0].state'),
    'busy', jsonb_path_query_first(p_vault, '$.units[*] ? (@.code == "vip-booth-1").busy.size()'),
    'vip_left', jsonb_path_query_first(p_copper, '$.units[*] ? (@.code == "vip").keys[0].remaining'))
$$;

select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}') ->> 'id' as booth_hold_id \gset
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 24, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'id' as vip_hold_id \gset
select tests.freeze_time('2026-11-25 12:04:59.999999Z');
select public.availability(tests.venue_id('the-vault'), '2026-11-27', 'early') as vault_before,
       public.availability(tests.venue_id('copper-bar'), '2026-11-27') as copper_before \gset
select tests.freeze_time('2026-11-25 12:05Z');
select public.availability(tests.venue_id('the-vault'), '2026-11-27', 'early') as vault_after,
       public.availability(tests.venue_id('copper-bar'), '2026-11-27') as copper_after \gset
select tests.clear_authentication();

select is(pg_temp.seen(:'vault_before', :'copper_before'), '{"booth": "unavailable", "busy": 1, "vip_left": 0}',
  'a microsecond before expiry the booth is taken and the vip area is full');
select is(pg_temp.seen(:'vault_after', :'copper_after'), '{"booth": "available", "busy": 0, "vip_left": 3}',
  'at expiry the booth is free and all three vip units are back');
select is((select count(*) from tablehold.bookings where status = 'held'), 2::bigint,
  'reading availability wrote nothing: both holds are still held in the table');

select * from finish();
rollback;
