-- copper-bar's 'table' seat option is 12 pooled units of up to 6 covers, counted per service day.
-- Each change publishes how many units remain on the day's key, with the capacity, so a client
-- can show "7 of 12 left" from the feed alone, and it matches the snapshot.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select is(array_agg(q order by i), array[1, 3, 1], 'parties of 6, 13 and 1 take 1, 3 and 1 units') from (
  select i, (public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => n, p_date => '2026-11-27',
               p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) -> 'units' -> 0 ->> 'quantity')::int as q
  from unnest(array[6, 13, 1]) with ordinality p(n, i)) taken;
select public.block(p_venue_id => tests.venue_id('copper-bar'), p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_reason => 'Private party', p_date => '2026-11-27') ->> 'id' as block_id \gset
select public.unblock(:'block_id') ->> 'status' as unblocked \gset

select results_eq(
  $$select version, remaining, new_state, reason from public.availability_events where unit_id = tests.unit_id('copper-bar', 'table') order by version$$,
  $$values (1::bigint, 11, 'available', 'booking_requested'), (2, 8, 'available', 'booking_requested'), (3, 7, 'available', 'booking_requested'),
           (4, 0, 'unavailable', 'blocked'), (5, 7, 'available', 'unblocked')$$,
  '12 - 1 = 11, - 3 = 8, - 1 = 7 remain; the block takes the other 7 and gives them back');
select is(
  (select array_agg(distinct capacity || ' ' || capacity_mode || ' ' || tstzrange(starts_at, ends_at)::text || ' ' || coalesce(slot_id::text, 'no slot'))
     from public.availability_events where unit_id = tests.unit_id('copper-bar', 'table')),
  array['12 pooled ["2026-11-27 05:00:00+00","2026-11-28 05:00:00+00") no slot'],
  'every event names the capacity and the whole service day (05:00 to 05:00) as its key');
select is(
  jsonb_path_query_first(public.availability(tests.venue_id('copper-bar'), '2026-11-27'), '$.units[*] ? (@.code == "table").keys[0].remaining')::int,
  (select remaining from public.availability_events where unit_id = tests.unit_id('copper-bar', 'table') order by version desc limit 1),
  'the snapshot''s remaining equals the last event''s');
select is(
  (public.availability(tests.venue_id('copper-bar'), '2026-11-27') ->> 'version')::bigint,
  (select max(version) from public.availability_events where channel = tests.venue_id('copper-bar') || ':2026-11-27'),
  'and the snapshot is at the last version');

select * from finish();
rollback;
