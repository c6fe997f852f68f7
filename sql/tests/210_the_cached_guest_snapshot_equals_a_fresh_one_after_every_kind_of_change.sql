-- A guest's snapshot comes from tablehold.snapshot_cache while the night's channel version, the
-- venue's configuration version and its live holds are what they were when it was computed. After
-- every kind of change (a booking, a hold, a hold lapsing with no event, the sweeper, a cancel, a
-- block and its lifting, a modify, Studio edits of units, slots and a hold's expiry) the next guest
-- read equals the snapshot computed afresh, on a club night (slot keys, pooled and exclusive) and
-- a restaurant night (tables' busy windows).
begin;
select plan(20);
select tests.freeze_time('2026-11-25 12:00Z');
select id as vault from tablehold.venues where slug = 'the-vault' \gset
select id as kitchen from tablehold.venues where slug = 'nora-kitchen' \gset
select id as booth from tablehold.units where code = 'vip-booth-1' and venue_id = :'vault' \gset
select id as booth2 from tablehold.units where code = 'vip-booth-2' and venue_id = :'vault' \gset
select id as mezzanine from tablehold.units where code = 'mezzanine' and venue_id = :'vault' \gset
select id as standing from tablehold.units where code = 'standing-tables' and venue_id = :'vault' \gset
select id as t1 from tablehold.units where code = 't1' and venue_id = :'kitchen' \gset

-- what the snapshot is when computed now (a guest reads it through the cache: tests.availability_as_guest)
create function pg_temp.fresh(p_venue uuid, p_date date) returns jsonb language sql as $$
  select tablehold.night_snapshot(v, p_date, false) - 'as_of' from tablehold.venues v where v.id = p_venue;
$$;
create function pg_temp.next_second() returns void language sql as $$
  select tests.freeze_time(tablehold.clock() + interval '1 second');
$$;
create function pg_temp.guest(p_name text) returns jsonb language sql as $$
  select jsonb_build_object('name', p_name, 'email', lower(p_name) || '@example.test', 'date_of_birth', '1990-01-01');
$$;

select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'a first read computes and caches the night');
select pg_temp.next_second();
select is((select (c.computed_at, c.version) from tablehold.snapshot_cache c where c.venue_id = :'vault' and c.service_date = '2026-11-27'),
  ('2026-11-25 12:00Z'::timestamptz, 0::bigint), 'it is cached at version 0');

select public.book(p_venue_id => :'vault', p_party_size => 12, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[:'standing']::uuid[], p_guest => pg_temp.guest('Ada')) ->> 'id' as standing_booking \gset
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after a booking of a pooled section');

select public.hold(p_venue_id => :'vault', p_party_size => 4, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[:'booth']::uuid[], p_guest => pg_temp.guest('Kit')) ->> 'hold_expires_at' as booth_expiry \gset
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after a hold of a booth');
select ok(jsonb_path_exists(tests.availability_as_guest(:'vault', '2026-11-27'), '$.units[*] ? (@.code == "vip-booth-1").keys[*] ? (@.state == "unavailable")'),
  'which takes the booth');

select tests.freeze_time(:'booth_expiry');
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'),
  'after the hold''s time is up, with no sweeper and no event');
select ok(not jsonb_path_exists(tests.availability_as_guest(:'vault', '2026-11-27'), '$.units[*] ? (@.code == "vip-booth-1").keys[*] ? (@.state == "unavailable")'),
  'so the booth is free again');
select tests.freeze_time(:'booth_expiry'::timestamptz - interval '1 minute');
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'),
  'and with the clock set back before it, held again');
select tests.freeze_time(:'booth_expiry'::timestamptz + interval '1 minute');
select is(public.sweep_expired_holds(), 1, 'the sweeper expires the hold');
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after the sweeper');

select from public.cancel(:'standing_booking');
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after a cancel');

select public.block(:'vault', array[:'mezzanine']::uuid[], 'private party', p_date => '2026-11-27', p_slot => 'late') ->> 'id' as block_id \gset
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after a block');
select from public.unblock(:'block_id');
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after the block is lifted');

update tablehold.units set name = 'VIP Booth One', min_spend = 600 where id = :'booth';
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after a unit is renamed in Studio (no event)');
update tablehold.units set out_of_service = true where id = :'booth2';
update tablehold.units set capacity = 8 where id = :'standing';
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after a unit goes out of service and a section shrinks');
update tablehold.slots set name = 'Early doors' where venue_id = :'vault' and code = 'early';
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after a slot is renamed');

-- a hold whose expiry a Studio edit brings forward lapses at the new time
select public.hold(p_venue_id => :'vault', p_party_size => 4, p_date => '2026-11-27', p_slot => 'late',
  p_unit_ids => array[:'booth']::uuid[], p_guest => pg_temp.guest('Lou')) ->> 'id' as late_hold \gset
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'), 'after another hold');
update tablehold.bookings set hold_expires_at = '2026-11-25 12:07Z' where id = :'late_hold';
select tests.freeze_time('2026-11-25 12:08Z');
select is(tests.availability_as_guest(:'vault', '2026-11-27'), pg_temp.fresh(:'vault', '2026-11-27'),
  'after its expiry was brought forward in Studio and has passed');

select public.book(p_venue_id => :'kitchen', p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York',
  p_unit_ids => array[:'t1']::uuid[], p_guest => pg_temp.guest('Nia')) ->> 'id' as t1_booking \gset
select is(tests.availability_as_guest(:'kitchen', '2026-11-27'), pg_temp.fresh(:'kitchen', '2026-11-27'), 'after a table booking (a busy window)');
select from public.modify(:'t1_booking', p_start => '2026-11-27 21:00 America/New_York');
select is(tests.availability_as_guest(:'kitchen', '2026-11-27'), pg_temp.fresh(:'kitchen', '2026-11-27'), 'after it moves to 21:00');

select * from finish();
rollback;
