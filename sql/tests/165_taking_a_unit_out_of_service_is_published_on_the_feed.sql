-- Unit edits that change availability without touching any allocation are published too: taking
-- copper-bar's vip area out of service shows it unavailable on Friday's channel, bringing it back
-- shows its free units again, and raising the table option's capacity publishes the new count,
-- also on a day whose feed had nothing for it yet.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 8, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')]) ->> 'version' as version_before \gset

select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 6, p_date => '2026-11-28', p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) ->> 'status' as saturday \gset

create function pg_temp.last_event(p_unit uuid, p_date date default '2026-11-27') returns text language sql as $$
  select e.previous_state || ' -> ' || e.new_state || ', ' || e.remaining || ' of ' || e.capacity || ' (' || e.reason || ')'
  from public.availability_events e where e.unit_id = p_unit and e.service_date = p_date order by e.version desc limit 1
$$;

update tablehold.units set out_of_service = true where id = tests.unit_id('copper-bar', 'vip');
select is(pg_temp.last_event(tests.unit_id('copper-bar', 'vip')), 'available -> unavailable, 0 of 3 (out_of_service)',
  'out of service: Friday''s vip area is published unavailable');
select is(
  jsonb_path_query_first(public.availability(tests.venue_id('copper-bar'), '2026-11-27'), '$.units[*] ? (@.code == "vip").keys[0].state') #>> '{}',
  'unavailable', 'as the snapshot says');
update tablehold.units set out_of_service = false where id = tests.unit_id('copper-bar', 'vip');
select is(pg_temp.last_event(tests.unit_id('copper-bar', 'vip')), 'unavailable -> available, 2 of 3 (back_in_service)',
  'back in service: available again, with the two units the booking left');
update tablehold.units set capacity = 14 where id = tests.unit_id('copper-bar', 'table');
select is(pg_temp.last_event(tests.unit_id('copper-bar', 'table'), '2026-11-28'), 'available -> available, 13 of 14 (capacity_changed)',
  'two more tables: Saturday''s table option publishes 13 of 14 free');
select is(pg_temp.last_event(tests.unit_id('copper-bar', 'table')), 'available -> available, 14 of 14 (capacity_changed)',
  'and Friday''s, where no table was booked yet, 14 of 14 (the snapshot said 12 before)');

select * from finish();
rollback;
