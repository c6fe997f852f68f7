-- A client's visit_count rises when a booking of theirs is seated, and no_show_count when one is
-- marked a no-show; completing or cancelling counts nothing. Seating through a Studio status
-- edit counts like the API.
begin;
select plan(4);
select tests.freeze_time('2026-11-27 18:00 America/New_York');
select public.client_create(tests.venue_id('nora-kitchen'), 'Ada Lovelace', 'ada@example.test') ->> 'id' as ada \gset
create temp table visit on commit drop as
select t.at, public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_client_id => :'ada',
         p_start => (t.at::timestamp at time zone 'America/New_York')) ->> 'id' as booking_id
from unnest(array['2026-11-27 19:00', '2026-11-27 19:15', '2026-11-27 19:30', '2026-11-27 19:45']) t(at);

select tests.freeze_time('2026-11-27 19:50 America/New_York');
select public.seat(booking_id::uuid) ->> 'status' as s1 from visit where at = '2026-11-27 19:00' \gset
select public.complete(booking_id::uuid) ->> 'status' as c1 from visit where at = '2026-11-27 19:00' \gset
select is((select visit_count || '/' || no_show_count from tablehold.clients where id = :'ada'), '1/0', 'seated once (and completed): one visit');
select public.no_show(booking_id::uuid) ->> 'status' as n1 from visit where at = '2026-11-27 19:15' \gset
select is((select visit_count || '/' || no_show_count from tablehold.clients where id = :'ada'), '1/1', 'a no-show counts as such');
select public.cancel(booking_id::uuid) ->> 'status' as x1 from visit where at = '2026-11-27 19:30' \gset
select is((select visit_count || '/' || no_show_count from tablehold.clients where id = :'ada'), '1/1', 'a cancel counts nothing');
update tablehold.bookings set status = 'seated' where id = (select booking_id::uuid from visit where at = '2026-11-27 19:45');
select is((select visit_count || '/' || no_show_count from tablehold.clients where id = :'ada'), '2/1', 'a Studio seat counts as a visit');

select * from finish();
rollback;
