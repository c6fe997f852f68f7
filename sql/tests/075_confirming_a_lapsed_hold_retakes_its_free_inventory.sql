-- From expired, through confirm: a guest who comes back after their hold ran out (and was swept)
-- still gets the booking if nobody took the inventory meanwhile (-> confirmed), or their request
-- (-> pending_approval) for a unit that needs approval. The inventory is taken again.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare hold_at_vault(int, uuid) as select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => $1,
  p_date => '2026-11-28', p_slot => 'late', p_unit_ids => array[$2],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}');
execute hold_at_vault(5, tests.unit_id('the-vault', 'vip-booth-1')) \gset booth_
execute hold_at_vault(11, tests.unit_id('the-vault', 'mezzanine')) \gset mezzanine_

select tests.clear_authentication();
select tests.freeze_time('2026-11-25 12:20Z');
select is(public.sweep_expired_holds(), 2, 'both holds ran out and were swept to expired');

select tests.authenticate_as_anon();
select is(public.confirm((:'booth_hold'::jsonb ->> 'id')::uuid, :'booth_hold'::jsonb ->> 'manage_token') ->> 'status',
  'confirmed', 'expired -> confirmed: the booth was still free');
select is(public.confirm((:'mezzanine_hold'::jsonb ->> 'id')::uuid, :'mezzanine_hold'::jsonb ->> 'manage_token') ->> 'status',
  'pending_approval', 'expired -> pending_approval: the mezzanine was still free');
select is(jsonb_path_query_array(public.availability(tests.venue_id('the-vault'), '2026-11-28', 'late'),
    '$.units[*] ? (@.code == "vip-booth-1" || @.code == "mezzanine").keys[0].state'),
  '["unavailable", "unavailable"]'::jsonb, 'and both are taken again');

select * from finish();
rollback;
