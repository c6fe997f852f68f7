-- One day at nora-kitchen (Wednesday 2026-11-25, clock frozen at noon New York time): two direct
-- bookings and four holds (one confirmed, two swept after expiring, one still live). The manager's
-- venue_metrics shows that day with 3 bookings made, 4 holds created, 1 confirmed, 2 expired and
-- a conversion of 0.25, and nothing on any other day.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 17:00Z');
create temp table made on commit drop as
select t.at, case when t.at < '20:00' then public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => ('2026-11-27 ' || t.at)::timestamp at time zone 'America/New_York')
                 else public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => ('2026-11-27 ' || t.at)::timestamp at time zone 'America/New_York') end ->> 'id' as booking_id
from unnest(array['19:00', '19:15', '20:00', '20:15', '20:30']) t(at);
select public.confirm(booking_id::uuid) ->> 'status' as confirmed from made where at = '20:00' \gset
select tests.freeze_time('2026-11-25 17:04Z');
select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 20:45 America/New_York') ->> 'status' as live_hold \gset
select tests.freeze_time('2026-11-25 17:06Z');
select is(public.sweep_expired_holds(), 2, 'two holds expire unconfirmed');

select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select public.venue_metrics(tests.venue_id('nora-kitchen'), '2026-11-01', '2026-11-30') as metrics \gset
select is(jsonb_path_query_array(:'metrics', '$[*].day'), '["2026-11-25"]', 'everything happened on the engine clock''s day, 2026-11-25');
select is(
  (select array[sum((m ->> 'bookings_made')::int), sum((m ->> 'holds_created')::int), sum((m ->> 'holds_confirmed')::int), sum((m ->> 'holds_expired')::int)]
     from jsonb_array_elements(:'metrics') m),
  array[3, 4, 1, 2]::bigint[], '3 bookings made; 4 holds created, 1 confirmed, 2 expired (direct bookings are not holds)');
select is(jsonb_path_query_array(:'metrics', '$[*].hold_conversion'), '[0.25]', 'one hold in four converted');

select * from finish();
rollback;
