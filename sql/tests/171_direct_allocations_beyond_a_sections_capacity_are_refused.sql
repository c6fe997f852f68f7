-- the-vault's standing tables are 10 pooled units. With 8 taken for Friday's early slot, a Studio
-- insert of 3 more units is refused with SECTION_NOT_AVAILABLE; 2 fit exactly. The late slot
-- is counted on its own. The rows inserted by hand stand for walk-ins whose ages the door checked:
-- at an 18+ club that is the manager's audited override (no client, no date of birth).
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 48, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')], p_override => true) -> 'units' -> 0 ->> 'quantity' as taken \gset
select set_config('tablehold.override', 'true', true);
insert into tablehold.bookings (reference, venue_id, status, party_size, service_date, slot_id, during)
select 'BR-261127-STAND2', s.venue_id, 'confirmed', 12, '2026-11-27', s.id, tablehold.slot_window(v, s, '2026-11-27')
from tablehold.slots s join tablehold.venues v on v.id = s.venue_id where v.slug = 'the-vault' and s.code = 'early';

select is(:'taken'::int, 8, 'a party of 48 takes 8 of the 10 units');
select throws_ok(
  $$insert into tablehold.allocations (booking_id, unit_id, quantity) values (tests.booking_id('BR-261127-STAND2'), tests.unit_id('the-vault', 'standing-tables'), 3)$$,
  'TH001', 'Sorry, this option is no longer available.', 'three more units are refused');
select throws_ok(
  $$insert into tablehold.allocations (booking_id, unit_id, quantity) values (tests.booking_id('BR-261127-STAND2'), tests.unit_id('the-vault', 'standing-tables'), 11)$$,
  'TH001', 'Sorry, this option is no longer available.', 'more units than the section has are refused');
select lives_ok(
  $$insert into tablehold.allocations (booking_id, unit_id, quantity) values (tests.booking_id('BR-261127-STAND2'), tests.unit_id('the-vault', 'standing-tables'), 2)$$,
  'the last two units are accepted');
select lives_ok(
  $$insert into tablehold.allocations (booking_id, unit_id, quantity, during) select tests.booking_id('BR-261127-STAND2'), tests.unit_id('the-vault', 'standing-tables'), 10,
      tablehold.slot_window(v, s, '2026-11-27') from tablehold.slots s join tablehold.venues v on v.id = s.venue_id where v.slug = 'the-vault' and s.code = 'late'$$,
  'all ten units of the late slot are still free');

select * from finish();
rollback;
