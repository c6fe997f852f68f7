-- A late-night venue in Kolkata (+05:30) opens only on Friday nights, 00:30-03:00, with its
-- service day cut over at 05:00. A time before the cutover is on the next calendar day, for
-- opening hours as for slots: Friday's hours are the early hours of Saturday, and
-- available_times lists exactly the starts that book then accepts, all on Friday's service date.
begin;
select plan(6);
select tests.freeze_time('2026-11-20 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone, default_turn) values
  (tests.operator_id('northern-nights'), 'after-hours-kolkata', 'After Hours Kolkata',
   'restaurant', 'Asia/Kolkata', '1 hour');
insert into tablehold.opening_hours (venue_id, weekday, opens, closes) values
  (tests.venue_id('after-hours-kolkata'), 5, '00:30', '03:00');
insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode, max_covers)
select tests.venue_id('after-hours-kolkata'), 't' || n, 'Table ' || n, 'table', 'exclusive', 'time', 4 from generate_series(1, 4) n;

create temp table listed on commit drop as
select (t ->> 'starts_at')::timestamptz as starts_at
from jsonb_array_elements(public.available_times(tests.venue_id('after-hours-kolkata'), '2026-11-27', 2)) t;

select results_eq(
  $$select to_char(starts_at at time zone 'Asia/Kolkata', 'Dy YYYY-MM-DD HH24:MI') from listed order by starts_at$$,
  $$values ('Sat 2026-11-28 00:30'), ('Sat 2026-11-28 00:45'), ('Sat 2026-11-28 01:00'), ('Sat 2026-11-28 01:15'),
           ('Sat 2026-11-28 01:30'), ('Sat 2026-11-28 01:45'), ('Sat 2026-11-28 02:00')$$,
  'Friday''s 00:30-03:00 offers one-hour tables from 00:30 to 02:00 in the early hours of Saturday');

create temp table booked on commit drop as
select l.starts_at, public.book(p_venue_id => tests.venue_id('after-hours-kolkata'), p_party_size => 2, p_start => l.starts_at) as b
from listed l order by l.starts_at;
select results_eq(
  $$select b ->> 'status', b ->> 'service_date', count(*) from booked group by 1, 2$$,
  $$values ('confirmed', '2026-11-27', 7::bigint)$$,
  'book accepts every listed start, each on Friday''s service date');
select is(
  (select min((b ->> 'starts_at')::timestamptz) from booked), '2026-11-27 19:00Z'::timestamptz,
  'the first, 00:30 on Saturday in Kolkata, is 19:00 UTC on Friday');

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('after-hours-kolkata'), p_party_size => 2, p_start => '2026-11-27 00:30 Asia/Kolkata')$$,
  'TH005', 'The venue is not open at that time.',
  '00:30 on Friday''s own calendar date is Thursday night''s, and Thursday is closed');
select is(public.available_times(tests.venue_id('after-hours-kolkata'), '2026-11-26', 2), '[]'::jsonb,
  'so Thursday lists no start times');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('after-hours-kolkata'), p_party_size => 2, p_start => '2026-11-28 02:15 Asia/Kolkata')$$,
  'TH005', 'The venue is not open at that time.', 'a one-hour table at 02:15 would run past the 03:00 close');

select * from finish();
rollback;
