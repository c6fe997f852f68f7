-- A venue open 22:00-04:00 is open 6 hours on an ordinary night, 5 on the night the clocks spring
-- forward and 7 on the night they fall back; its service day (cutover to cutover) is 23 or 25 hours.
-- Europe/London changes on 2026-03-29 and 2026-10-25, America/New_York on 2026-03-08 and 2026-11-01.
begin;
select plan(2);
select tests.freeze_time('2026-03-01 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone)
select tests.operator_id('northern-nights'), 'night-' || lower(translate(tz, '/_', '--')), 'Night in ' || tz, 'club', tz
from unnest(array['Europe/London', 'America/New_York']) tz;
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select v.id, d, '22:00', '04:00' from tablehold.venues v, generate_series(1, 7) d where v.slug like 'night-%';

select results_eq(
  $$select v.timezone, n.service_date, upper(s) - lower(s), lower(s), upper(s)
      from tablehold.venues v
      join (values ('Europe/London', '2026-03-21'::date), ('Europe/London', '2026-03-28'), ('Europe/London', '2026-10-24'),
                   ('America/New_York', '2026-03-07'), ('America/New_York', '2026-10-31')) n(timezone, service_date)
        on n.timezone = v.timezone,
      tablehold.opening_spans(v, n.service_date) s
     where v.slug like 'night-%'
     order by v.timezone desc, n.service_date$$,
  $$values ('Europe/London', '2026-03-21'::date, interval '6 hours', '2026-03-21 22:00Z'::timestamptz, '2026-03-22 04:00Z'::timestamptz),
           ('Europe/London', '2026-03-28', '5 hours', '2026-03-28 22:00Z', '2026-03-29 03:00Z'),
           ('Europe/London', '2026-10-24', '7 hours', '2026-10-24 21:00Z', '2026-10-25 04:00Z'),
           ('America/New_York', '2026-03-07', '5 hours', '2026-03-08 03:00Z', '2026-03-08 08:00Z'),
           ('America/New_York', '2026-10-31', '7 hours', '2026-11-01 02:00Z', '2026-11-01 09:00Z')$$,
  'opening spans are real instants: 6 hours normally, 5 on spring-forward nights, 7 on fall-back nights');

select results_eq(
  $$select v.timezone, n.service_date, upper(w) - lower(w)
      from tablehold.venues v
      join (values ('Europe/London', '2026-03-28'::date), ('Europe/London', '2026-10-24'),
                   ('America/New_York', '2026-03-07'), ('America/New_York', '2026-10-31')) n(timezone, service_date)
        on n.timezone = v.timezone,
      tablehold.service_window(v, n.service_date) w
     where v.slug like 'night-%'
     order by v.timezone desc, n.service_date$$,
  $$values ('Europe/London', '2026-03-28'::date, interval '23 hours'), ('Europe/London', '2026-10-24', '25 hours'),
           ('America/New_York', '2026-03-07', '23 hours'), ('America/New_York', '2026-10-31', '25 hours')$$,
  'the service days of those nights are 23 and 25 hours long');

select * from finish();
rollback;
