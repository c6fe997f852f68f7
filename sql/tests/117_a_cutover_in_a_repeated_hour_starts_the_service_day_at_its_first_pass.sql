-- A service day starts at the first instant the venue's clocks show the cutover. When the clocks go
-- back through the cutover time, the new day starts at its first pass: the day before keeps 24
-- hours, the day of the change gets the repeated time (25 hours, 24.5 on Lord Howe Island), and an
-- instant in the second pass belongs to the new day, never back to the old one.
-- Falling back in 2026: New York 02:00 EDT -> 01:00 EST on 1 November, London 02:00 BST -> 01:00
-- GMT on 25 October, Lord Howe 02:00 -> 01:30 and Chatham 03:45 -> 02:45 on 5 April.
begin;
select plan(3);
select tests.freeze_time('2026-03-01 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone, service_day_cutover)
select tests.operator_id('northern-nights'), 'repeat-' || lower(translate(tz, '/_', '--')), 'Repeated cutover in ' || tz, 'bar', tz, c::time
from (values ('America/New_York', '01:30'), ('Europe/London', '01:30'), ('Australia/Lord_Howe', '01:45'), ('Pacific/Chatham', '03:00')) z(tz, c);

create temp table night (timezone text, service_date date) on commit drop;
insert into night values
  ('America/New_York', '2026-10-31'), ('America/New_York', '2026-11-01'), ('Europe/London', '2026-10-24'), ('Europe/London', '2026-10-25'),
  ('Australia/Lord_Howe', '2026-04-04'), ('Australia/Lord_Howe', '2026-04-05'), ('Pacific/Chatham', '2026-04-04'), ('Pacific/Chatham', '2026-04-05');

select results_eq(
  $$select n.timezone, n.service_date, lower(w), upper(w), upper(w) - lower(w)
      from night n join tablehold.venues v on v.slug like 'repeat-%' and v.timezone = n.timezone,
      tablehold.service_window(v, n.service_date) w
     order by n.timezone, n.service_date$$,
  $$values ('America/New_York', '2026-10-31'::date, '2026-10-31 05:30Z'::timestamptz, '2026-11-01 05:30Z'::timestamptz, interval '24 hours'),
           ('America/New_York', '2026-11-01', '2026-11-01 05:30Z', '2026-11-02 06:30Z', '25 hours'),
           ('Australia/Lord_Howe', '2026-04-04', '2026-04-03 14:45Z', '2026-04-04 14:45Z', '24 hours'),
           ('Australia/Lord_Howe', '2026-04-05', '2026-04-04 14:45Z', '2026-04-05 15:15Z', '24 hours 30 minutes'),
           ('Europe/London', '2026-10-24', '2026-10-24 00:30Z', '2026-10-25 00:30Z', '24 hours'),
           ('Europe/London', '2026-10-25', '2026-10-25 00:30Z', '2026-10-26 01:30Z', '25 hours'),
           ('Pacific/Chatham', '2026-04-04', '2026-04-03 13:15Z', '2026-04-04 13:15Z', '24 hours'),
           ('Pacific/Chatham', '2026-04-05', '2026-04-04 13:15Z', '2026-04-05 14:15Z', '25 hours')$$,
  'the day of the change starts at the first pass of the cutover and holds the repeated time');

select results_eq(
  $$select v.timezone, to_char(t.at at time zone v.timezone, 'HH24:MI'), tablehold.service_date_of(v, t.at)
      from tablehold.venues v
      join (values ('America/New_York', '2026-11-01 06:15Z'::timestamptz), ('Europe/London', '2026-10-25 01:15Z'),
                   ('Australia/Lord_Howe', '2026-04-04 15:00Z'), ('Pacific/Chatham', '2026-04-04 14:00Z')) t(timezone, at)
        on v.timezone = t.timezone
     where v.slug like 'repeat-%' order by v.timezone$$,
  $$values ('America/New_York', '01:15', '2026-11-01'::date), ('Australia/Lord_Howe', '01:30', '2026-04-05'),
           ('Europe/London', '01:15', '2026-10-25'), ('Pacific/Chatham', '02:45', '2026-04-05')$$,
  'a time shown again after the clocks went back, though before the cutover, is already the new service date');

select results_eq(
  $$select v.timezone, tablehold.service_date_of(v, lower(w) - interval '1 microsecond'), tablehold.service_date_of(v, lower(w))
      from night n join tablehold.venues v on v.slug like 'repeat-%' and v.timezone = n.timezone,
      tablehold.service_window(v, n.service_date) w
     where n.service_date in ('2026-11-01', '2026-10-25', '2026-04-05') order by v.timezone$$,
  $$values ('America/New_York', '2026-10-31'::date, '2026-11-01'::date), ('Australia/Lord_Howe', '2026-04-04', '2026-04-05'),
           ('Europe/London', '2026-10-24', '2026-10-25'), ('Pacific/Chatham', '2026-04-04', '2026-04-05')$$,
  'service_date_of turns to the new date exactly at the first pass');

select * from finish();
rollback;
