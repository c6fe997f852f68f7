-- allocations_unit_during_excl is the last line of defence for tables, booths and exclusive
-- sections: even with the capacity trigger out of the way, two active allocations of one
-- exclusive unit cannot overlap.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

select is(
  (select pg_get_constraintdef(c.oid) from pg_constraint c
   where c.conrelid = 'tablehold.allocations'::regclass and c.conname = 'allocations_unit_during_excl' and c.contype = 'x'),
  'EXCLUDE USING gist (unit_id WITH =, during WITH &&) WHERE ((active AND exclusive))',
  'allocations_unit_during_excl excludes overlapping active allocations of one exclusive unit');

-- nora-kitchen t3 at 19:00 New York; then the trigger is switched off for this transaction only
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4,
  p_start => '2026-11-27 19:00-05', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as first_id \gset
alter table tablehold.allocations disable trigger tg_allocations__before_write;

prepare overlapping(tstzrange, boolean) as
  insert into tablehold.allocations (booking_id, unit_id, venue_id, service_date, during, exclusive, active)
  values (:'first_id', tests.unit_id('nora-kitchen', 't3'), tests.venue_id('nora-kitchen'),
          '2026-11-27', $1, true, $2);

select throws_ok($$ execute overlapping('[2026-11-28 01:00Z, 2026-11-28 02:00Z)', true) $$, '23P01', null,
  'an overlapping active allocation of the same table violates the exclusion constraint');
select lives_ok($$ execute overlapping('[2026-11-28 01:00Z, 2026-11-28 02:00Z)', false) $$,
  'an inactive allocation may overlap (a cancelled booking''s history)');
select lives_ok($$ execute overlapping('[2026-11-28 02:15Z, 2026-11-28 03:00Z)', true) $$,
  'an active allocation right after the first one''s window (which includes the buffer) is allowed');

select * from finish();
rollback;
