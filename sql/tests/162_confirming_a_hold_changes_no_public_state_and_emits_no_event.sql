-- To the public a held booth and a confirmed booth look the same: unavailable. Confirming a hold
-- (booth, and pooled vip units) writes no event and leaves the channel version alone; so does
-- seating the guests. Only a real change of public state (the booth freed) is published.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
-- a phone booking the host holds while the guest pays the deposit, for the booth and for vip units
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_source => 'staff', p_override => true) as booth \gset
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 10, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_source => 'staff') as vip \gset
select count(*) as events_after_holds from public.availability_events \gset

select tests.freeze_time('2026-11-25 12:03Z');
select is(public.confirm((:'booth'::jsonb ->> 'id')::uuid, p_payment_ref => 'dep-1') ->> 'version', '1',
  'the confirmed booth booking still reports channel version 1');
select is(public.confirm((:'vip'::jsonb ->> 'id')::uuid, p_payment_ref => 'dep-2') ->> 'status', 'confirmed',
  'the vip hold is confirmed too');
select is((select count(*) from public.availability_events), :events_after_holds::bigint, 'neither confirmation wrote an event');

select tests.freeze_time('2026-11-27 22:10 Europe/London');
select public.seat((:'booth'::jsonb ->> 'id')::uuid) ->> 'status' as seated \gset
select is((select count(*) from public.availability_events), :events_after_holds::bigint, 'nor did seating the guests');
select public.complete((:'booth'::jsonb ->> 'id')::uuid) ->> 'status' as completed \gset
select is((select previous_state || ' -> ' || new_state || ' (' || reason || ') v' || version from public.availability_events
            where unit_id = tests.unit_id('the-vault', 'vip-booth-1') order by version desc limit 1),
  'unavailable -> available (completed) v2', 'completing frees the booth: that is published, as version 2');

select * from finish();
rollback;
