-- A service day starts at the first instant the venue's clocks show the cutover or later. When the
-- clocks jump over the cutover time, that is the instant of the jump: the day before ends there and
-- the day of the change starts there, together one skipped hour (half an hour on Lord Howe Island)
-- shorter than two days, and service_date_of agrees with the windows on both sides of the jump.
-- Springing forward in 2026: New York 02:00 EST -> 03:00 EDT on 8 March, London 01:00 GMT -> 02:00
-- BST on 29 March, Chatham 02:45 -> 03:45 on 27 September, Lord Howe 02:00 -> 02:30 on 4 October.
begin;
select plan(3);
select tests.freeze_time('2026-03-01 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone, service_day_cutover)
select tests.operator_id('northern-nights'), 'skip-' || lower(translate(tz, '/_', '--')), 'Skipped cutover in ' || tz, 'bar', tz, c::time
from (values ('America/New_York', '02:30'), ('Europe/London', '01:30'), ('Australia/Lord_Howe', '02:15'), ('Pacific/Chatham', '03:00')) z(tz, c);

create temp table night (timezone text, service_date date) on commit drop;
insert into night values
  ('America/New_York', '2026-03-07'), ('America/New_York', '2026-03-08'), ('Europe/London', '2026-03-28'), ('Europe/London', '2026-03-29'),
  ('Australia/Lord_Howe', '2026-10-03'), ('Australia/Lord_Howe', '2026-10-04'), ('Pacific/Chatham', '2026-09-26'), ('Pacific/Chatham', '2026-09-27');

select results_eq(
  $$select n.timezone, n.service_date, lower(w), upper(w), upper(w) - lower(w)
      from night n join tablehold.venues v on v.slug like 'skip-%' and v.timezone = n.timezone,
      tablehold.service_window(v, n.service_date) w
     order by n.timezone, n.service_date$$,
  $$values ('America/New_York', '2026-03-07'::date, '2026-03-07 07:30Z'::timestamptz, '2026-03-08 07:00Z'::timestamptz, interval '23 hours 30 minutes'),
           ('America/New_York', '2026-03-08', '2026-03-08 07:00Z', '2026-03-09 06:30Z', '23 hours 30 minutes'),
           ('Australia/Lord_Howe', '2026-10-03', '2026-10-02 15:45Z', '2026-10-03 15:30Z', '23 hours 45 minutes'),
           ('Australia/Lord_Howe', '2026-10-04', '2026-10-03 15:30Z', '2026-10-04 15:15Z', '23 hours 45 minutes'),
           ('Europe/London', '2026-03-28', '2026-03-28 01:30Z', '2026-03-29 01:00Z', '23 hours 30 minutes'),
           ('Europe/London', '2026-03-29', '2026-03-29 01:00Z', '2026-03-30 00:30Z', '23 hours 30 minutes'),
           ('Pacific/Chatham', '2026-09-26', '2026-09-25 14:15Z', '2026-09-26 14:00Z', '23 hours 45 minutes'),
           ('Pacific/Chatham', '2026-09-27', '2026-09-26 14:00Z', '2026-09-27 13:15Z', '23 hours 15 minutes')$$,
  'the day of the change starts at the jump, where the day before ends');

select results_eq(
  $$select v.timezone, to_char(lower(w) at time zone v.timezone, 'HH24:MI'),
           to_char((lower(w) - interval '1 microsecond') at time zone v.timezone, 'HH24:MI:SS')
      from night n join tablehold.venues v on v.slug like 'skip-%' and v.timezone = n.timezone,
      tablehold.service_window(v, n.service_date) w
     where n.service_date in ('2026-03-08', '2026-03-29', '2026-10-04', '2026-09-27') order by v.timezone$$,
  $$values ('America/New_York', '03:00', '01:59:59'), ('Australia/Lord_Howe', '02:30', '01:59:59'),
           ('Europe/London', '02:00', '00:59:59'), ('Pacific/Chatham', '03:45', '02:44:59')$$,
  'on the venue''s clock it starts at the first time shown after the jump');

select results_eq(
  $$select v.timezone, tablehold.service_date_of(v, lower(w) - interval '1 microsecond'), tablehold.service_date_of(v, lower(w)),
           tablehold.service_date_of(v, lower(w) + interval '15 minutes')
      from night n join tablehold.venues v on v.slug like 'skip-%' and v.timezone = n.timezone,
      tablehold.service_window(v, n.service_date) w
     where n.service_date in ('2026-03-08', '2026-03-29', '2026-10-04', '2026-09-27') order by v.timezone$$,
  $$values ('America/New_York', '2026-03-07'::date, '2026-03-08'::date, '2026-03-08'::date),
           ('Australia/Lord_Howe', '2026-10-03', '2026-10-04', '2026-10-04'),
           ('Europe/London', '2026-03-28', '2026-03-29', '2026-03-29'),
           ('Pacific/Chatham', '2026-09-26', '2026-09-27', '2026-09-27')$$,
  'service_date_of turns to the new date exactly at the jump, as the windows do');

select * from finish();
rollback;
