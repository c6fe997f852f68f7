-- the-vault's standing tables (10 units) have 8 booked for Friday's early slot. Lowering the
-- capacity in Studio to 5 would leave that night overbooked and is refused; lowering it to 8,
-- what is in use at the busiest moment, is accepted and leaves the section full.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 48, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')], p_override => true) ->> 'status' as booked \gset

select throws_ok($$update tablehold.units set capacity = 5 where id = tests.unit_id('the-vault', 'standing-tables')$$,
  'TH001', 'Sorry, this option is no longer available.', 'capacity 5 under 8 booked units is refused');
select is((select capacity from tablehold.units where id = tests.unit_id('the-vault', 'standing-tables')), 10, 'the capacity stays 10');
select lives_ok($$update tablehold.units set capacity = 8 where id = tests.unit_id('the-vault', 'standing-tables')$$,
  'capacity 8, exactly what is booked, is accepted');
select is(
  jsonb_path_query_first(public.availability(tests.venue_id('the-vault'), '2026-11-27', 'early'),
    '$.units[*] ? (@.code == "standing-tables").keys[0].remaining')::int, 0, 'and the early slot is then full');

select * from finish();
rollback;
