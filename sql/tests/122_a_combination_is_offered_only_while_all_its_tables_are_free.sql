-- Two guests have t4 from 19:00 (90 minutes, plus the 15-minute buffer: taken until 20:45).
-- Every combination with t4 disappears for windows that touch that time and comes back after.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
  p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't4')]) ->> 'id' as t4_booking \gset

create function pg_temp.offered(p_local text, p_party int) returns text[] language sql as $$
  select coalesce(array_agg(c ->> 'codes' order by i), '{}')
  from jsonb_array_elements(public.suggest_tables(tests.venue_id('nora-kitchen'),
         p_local::timestamp at time zone 'America/New_York', p_party, null, 50)) with ordinality s(c, i)
  where c ->> 'kind' = 'combination'
$$;

select is(pg_temp.offered('2026-11-27 19:00', 6), array['["p1", "p2"]'], 'at 19:00 six guests are offered p1+p2 but not t3+t4');
select is(pg_temp.offered('2026-11-27 19:00', 9), '{}'::text[], 'and nine guests nothing: t4+t5 needs t4');
select is(pg_temp.offered('2026-11-27 17:00', 9), '{}'::text[], 'a 17:00 party of nine would still be at t4+t5 at 19:00');
select is(pg_temp.offered('2026-11-27 20:45', 9), array['["t4", "t5"]'], 'from 20:45, once t4 is cleared, t4+t5 is back');

select public.cancel(:'t4_booking') ->> 'status' as cancelled \gset
select is(pg_temp.offered('2026-11-27 19:00', 6) || pg_temp.offered('2026-11-27 19:00', 9),
  array['["p1", "p2"]', '["t3", "t4"]', '["t4", "t5"]'], 'cancelling the t4 booking brings both combinations back at 19:00');

select * from finish();
rollback;
