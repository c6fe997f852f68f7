-- available_times for a table venue open 22:00-04:00 on the four nights the clocks change in
-- 2026 (London and New York): start times are real instants, 15 minutes apart, none repeated and
-- none missing, ending two hours (the turn) before closing. Local times jump or repeat; instants don't.
begin;
select plan(5);
select tests.freeze_time('2026-03-01 12:00Z');

with v as (
  insert into tablehold.venues (operator_id, slug, name, kind, timezone, booking_horizon)
  select tests.operator_id('nora-dining'), 'grid-' || n, 'Grid ' || tz, 'restaurant', tz, '365 days'
  from (values (1, 'Europe/London'), (2, 'America/New_York')) z(n, tz)
  returning id
), h as (
  insert into tablehold.opening_hours (venue_id, weekday, opens, closes) select v.id, d, '22:00', '04:00' from v, generate_series(1, 7) d
)
insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode, max_covers)
select v.id, 't1', 'Table 1', 'table', 'exclusive', 'time', 4 from v;

create temp table night (slug text, service_date date, starts_at timestamptz) on commit drop;
insert into night
select v.slug, n.service_date, (t ->> 'starts_at')::timestamptz
from (values ('grid-1', '2026-03-28'::date), ('grid-1', '2026-10-24'), ('grid-2', '2026-03-07'), ('grid-2', '2026-10-31')) n(slug, service_date)
join tablehold.venues v on v.slug = n.slug,
     jsonb_array_elements(public.available_times(v.id, n.service_date, 2)) t;

select results_eq(
  $$select slug, service_date, count(*), min(starts_at), max(starts_at) from night group by 1, 2 order by 1, 2$$,
  $$values ('grid-1', '2026-03-28'::date, 13::bigint, '2026-03-28 22:00Z'::timestamptz, '2026-03-29 01:00Z'::timestamptz),
           ('grid-1', '2026-10-24', 21, '2026-10-24 21:00Z', '2026-10-25 02:00Z'),
           ('grid-2', '2026-03-07', 13, '2026-03-08 03:00Z', '2026-03-08 06:00Z'),
           ('grid-2', '2026-10-31', 21, '2026-11-01 02:00Z', '2026-11-01 07:00Z')$$,
  'each night starts at 22:00 local and offers 13 starts when it is 5 hours long, 21 when it is 7');
select is(
  (select count(*) from (select starts_at - lag(starts_at) over (partition by slug, service_date order by starts_at) as step from night) s
    where step is distinct from interval '15 minutes' and step is not null),
  0::bigint, 'consecutive start times are always exactly 15 minutes apart: no gap, no repeat');
select is((select count(distinct (slug, starts_at)) from night), (select count(*) from night), 'no instant is offered twice');
select results_eq(
  $$select to_char(starts_at at time zone 'Europe/London', 'HH24:MI') from night
     where slug = 'grid-1' and service_date = '2026-03-28' and starts_at between '2026-03-29 00:30Z' and '2026-03-29 01:00Z' order by starts_at$$,
  $$values ('00:30'), ('00:45'), ('02:00')$$,
  'in London local time the grid jumps from 00:45 to 02:00 on spring-forward night');
select results_eq(
  $$select to_char(starts_at at time zone 'America/New_York', 'HH24:MI') from night
     where slug = 'grid-2' and service_date = '2026-10-31' and starts_at between '2026-11-01 05:30Z' and '2026-11-01 06:15Z' order by starts_at$$,
  $$values ('01:30'), ('01:45'), ('01:00'), ('01:15')$$,
  'in New York local time 01:00-01:45 come round twice on fall-back night, at different instants');

select * from finish();
rollback;
