-- On the-vault's Friday channel, after a mix of bookings, a cancel, an expired hold, a block and an
-- unblock on pooled and exclusive units, every event's previous_state is the new_state of the last
-- event for the same key (unit and window); the first event of a key starts from 'available'.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 30, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')], p_override => true) ->> 'id' as first \gset
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 30, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')], p_override => true) ->> 'status' as second \gset
select public.cancel(:'first') ->> 'status' as cancelled \gset
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_override => true) ->> 'status' as held \gset
select tests.freeze_time('2026-11-25 12:06Z');
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_override => true) ->> 'status' as rebooked \gset
select public.block(p_venue_id => tests.venue_id('the-vault'), p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')], p_reason => 'DJ gear', p_date => '2026-11-27', p_slot => 'late') ->> 'id' as block_id \gset
select public.unblock(:'block_id') ->> 'status' as unblocked \gset
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 12, p_date => '2026-11-27', p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')], p_override => true) ->> 'status' as late \gset

create temp view chain as
select e.version, u.code, e.starts_at, e.previous_state, e.new_state, e.remaining, e.reason,
       coalesce(lag(e.new_state) over (partition by e.unit_id, e.starts_at, e.ends_at order by e.version), 'available') as last_state
from public.availability_events e join tablehold.units u on u.id = e.unit_id
where e.channel = tests.venue_id('the-vault') || ':2026-11-27';

select results_eq($$select code, previous_state, new_state, remaining, reason from chain order by version$$,
  $$values ('standing-tables', 'available', 'available', 5, 'booking_requested'),
           ('standing-tables', 'available', 'unavailable', 0, 'booking_requested'),
           ('standing-tables', 'unavailable', 'available', 5, 'cancelled'),
           ('vip-booth-1', 'available', 'unavailable', 0, 'booking_requested'),
           ('vip-booth-1', 'unavailable', 'available', 1, 'hold_expired'),
           ('vip-booth-1', 'available', 'unavailable', 0, 'booking_requested'),
           ('vip-booth-2', 'available', 'unavailable', 0, 'blocked'),
           ('vip-booth-2', 'unavailable', 'available', 1, 'unblocked'),
           ('standing-tables', 'available', 'available', 8, 'booking_requested')$$,
  'the channel shows each change once, in order');
select is((select count(*) from chain where previous_state <> last_state), 0::bigint,
  'every previous_state equals the last new_state of its key');
select is((select count(distinct starts_at) from chain where code = 'standing-tables'), 2::bigint,
  'the standing tables'' early and late slots are separate keys');

select * from finish();
rollback;
