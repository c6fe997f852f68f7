-- sweep_expired_holds marks every hold past hold_expires_at as expired (and nothing else),
-- emits one hold_expired event per public change, and returns how many holds it expired.
begin;
select plan(7);

select tests.freeze_time('2026-11-25 12:00Z');
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_override => true) ->> 'id' as booth_hold \gset
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 24, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')]) ->> 'id' as vip_hold \gset
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 6, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) ->> 'id' as booked \gset
select tests.freeze_time('2026-11-25 12:03Z');
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')], p_override => true) ->> 'id' as live_hold \gset
select max(id) as last_event from public.availability_events \gset

select tests.freeze_time('2026-11-25 12:06Z');
select is(public.sweep_expired_holds(), 2, 'the sweep reports two expired holds');
select set_eq(
  format($$select id::text, status::text, coalesce(status_reason, '') from tablehold.bookings
            where id in (%L, %L, %L, %L)$$, :'booth_hold', :'vip_hold', :'booked', :'live_hold'),
  format($$values (%L, 'expired', 'hold_expired'), (%L, 'expired', 'hold_expired'), (%L, 'held', ''), (%L, 'confirmed', '')$$,
    :'booth_hold', :'vip_hold', :'live_hold', :'booked'),
  'the two holds past their time are expired; the live hold and the booking are untouched');
select is((select count(*) from tablehold.allocations
            where booking_id in (:'booth_hold', :'vip_hold') and active), 0::bigint, 'the expired holds released their inventory');
select results_eq(
  format($$select u.code, e.previous_state, e.new_state, e.remaining, e.reason from public.availability_events e
            join tablehold.units u on u.id = e.unit_id where e.id > %s order by u.code$$, :'last_event'),
  $$values ('vip', 'unavailable', 'available', 3, 'hold_expired'),
           ('vip-booth-1', 'unavailable', 'available', 1, 'hold_expired')$$,
  'one hold_expired event for each unit that came free');
select is(public.sweep_expired_holds(), 0, 'a second sweep finds nothing');
select is((select count(*) from public.availability_events where id > :last_event), 2::bigint, 'and emits nothing');

select tests.freeze_time('2026-11-25 12:08Z');
select is(public.sweep_expired_holds(), 1, 'the later hold is swept when its own time is up');

select * from finish();
rollback;
