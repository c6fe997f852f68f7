-- Whatever the zone and the cutover, a venue's service days follow one another with no gap and no
-- overlap through a whole year of clock changes, each starting at the first instant the clocks show
-- the cutover (or later, after a jump), and service_date_of(t) is always the day whose window holds t.
-- Zones: London and New York (whole-hour changes), Lord Howe (half-hour changes at 02:00),
-- Chatham (+12:45/+13:45, changing at 02:45/03:45) and Kolkata (+05:30, no changes); cutovers in
-- and around every repeated and skipped hour.
begin;
select plan(5);
select tests.freeze_time('2026-01-01 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone, service_day_cutover)
select tests.operator_id('northern-nights'), 'tile-' || lower(translate(tz, '/_', '--')) || '-' || replace(c, ':', ''),
       'Tiles ' || tz || ' ' || c, 'bar', tz, c::time
from unnest(array['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata']) tz,
     unnest(array['00:00', '01:00', '01:30', '01:45', '02:00', '02:15', '02:30', '02:45', '03:00', '03:30', '03:45', '05:00']) c;

create temp table day on commit drop as
select v.id as venue_id, v.timezone, v.service_day_cutover as cutover, d::date as service_date, tablehold.service_window(v, d::date) as w
from tablehold.venues v, generate_series('2026-01-01'::date, '2026-12-31', '1 day') d
where v.slug like 'tile-%';

select is(
  (select count(*) from (
     select w, lead(lower(w)) over (partition by venue_id order by service_date) as next_start from day) x
    where isempty(w) or upper(w) <> next_start),
  0::bigint, 'every service day ends exactly where the next one starts, and none is empty');
select is(
  (select count(*) from day where upper(w) - lower(w) not between interval '23 hours' and interval '25 hours'),
  0::bigint, 'no day is longer or shorter than one clock change makes it');
select is(
  (select count(*) from day
    where (lower(w) at time zone timezone) < service_date + cutover
       or ((lower(w) - interval '1 microsecond') at time zone timezone) >= service_date + cutover),
  0::bigint, 'each day starts at the first instant its date''s clock shows the cutover or a later time');
select is(
  (select count(*) from day k join tablehold.venues v on v.id = k.venue_id
    where tablehold.service_date_of(v, lower(k.w)) <> k.service_date
       or tablehold.service_date_of(v, upper(k.w) - interval '1 microsecond') <> k.service_date),
  0::bigint, 'service_date_of gives a day''s date from its first instant to its last');
select is(
  (select count(*) from day k join tablehold.venues v on v.id = k.venue_id,
     generate_series(lower(k.w), upper(k.w) - interval '1 microsecond', interval '5 minutes') t
    where upper(k.w) - lower(k.w) <> interval '24 hours'
      and tablehold.service_date_of(v, t) <> k.service_date),
  0::bigint, 'and at every five minutes of the days the clocks change, repeated and skipped times included');

select * from finish();
rollback;
