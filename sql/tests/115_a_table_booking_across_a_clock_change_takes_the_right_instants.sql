-- A two-hour table booking that starts at 00:30 local on a night the clocks change lasts two real
-- hours: on spring-forward nights it ends at 03:30 local, on fall-back nights at 01:30 (the second
-- one). The venue's 15-minute buffer is real time too.
begin;
select plan(6);
select tests.freeze_time('2026-03-01 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone, booking_horizon, buffer) values
  (tests.operator_id('northern-nights'), 'dst-london', 'DST London', 'restaurant', 'Europe/London', '1 year', '15 minutes'),
  (tests.operator_id('nora-dining'), 'dst-new-york', 'DST New York', 'restaurant', 'America/New_York', '1 year', '15 minutes');
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select v, d, '22:00', '04:00' from unnest(array[tests.venue_id('dst-london'), tests.venue_id('dst-new-york')]) v, generate_series(1, 7) d;
insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode, max_covers) values
  (tests.venue_id('dst-london'), 'd1', 'D1', 'table', 'exclusive', 'time', 4),
  (tests.venue_id('dst-new-york'), 'd2', 'D2', 'table', 'exclusive', 'time', 4);

create temp table booked on commit drop as
select n.label, public.book(p_venue_id => n.venue_id, p_party_size => 2, p_start => n.local_start::timestamp at time zone n.tz) as b
from (values ('London spring', tests.venue_id('dst-london'), 'Europe/London', '2026-03-29 00:30'),
             ('London fall', tests.venue_id('dst-london'), 'Europe/London', '2026-10-25 00:30'),
             ('New York spring', tests.venue_id('dst-new-york'), 'America/New_York', '2026-03-08 00:30'),
             ('New York fall', tests.venue_id('dst-new-york'), 'America/New_York', '2026-11-01 00:30')) n(label, venue_id, tz, local_start);

select results_eq(
  $$select label, b ->> 'service_date', (b ->> 'starts_at')::timestamptz, (b ->> 'ends_at')::timestamptz from booked order by label$$,
  $$values ('London fall', '2026-10-24', '2026-10-24 23:30Z'::timestamptz, '2026-10-25 01:30Z'::timestamptz),
           ('London spring', '2026-03-28', '2026-03-29 00:30Z', '2026-03-29 02:30Z'),
           ('New York fall', '2026-10-31', '2026-11-01 04:30Z', '2026-11-01 06:30Z'),
           ('New York spring', '2026-03-07', '2026-03-08 05:30Z', '2026-03-08 07:30Z')$$,
  'each booking starts at 00:30 local, lasts two real hours and belongs to the evening''s service date');
select results_eq(
  $$select label, to_char((b ->> 'ends_at')::timestamptz at time zone case when label like 'London%' then 'Europe/London' else 'America/New_York' end, 'HH24:MI')
      from booked order by label$$,
  $$values ('London fall', '01:30'), ('London spring', '03:30'), ('New York fall', '01:30'), ('New York spring', '03:30')$$,
  'in local time they end at 03:30 after spring forward and 01:30 after fall back');
select results_eq(
  $$select a.during from booked k join tablehold.allocations a on a.booking_id = (k.b ->> 'id')::uuid order by k.label$$,
  $$values (tstzrange('2026-10-24 23:30Z', '2026-10-25 01:45Z')), (tstzrange('2026-03-29 00:30Z', '2026-03-29 02:45Z')),
           (tstzrange('2026-11-01 04:30Z', '2026-11-01 06:45Z')), (tstzrange('2026-03-08 05:30Z', '2026-03-08 07:45Z'))$$,
  'the tables are taken until 15 real minutes after each booking ends');

-- New York, fall-back night: the booking holds the table from 00:30 EDT to the second 01:30 (EST) plus the buffer
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('dst-new-york'), p_party_size => 2,
      p_unit_ids => array[tests.unit_id('dst-new-york', 'd2')], p_start => '2026-11-01 01:30-04')$$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'the first 01:30 local (EDT) is inside the booking');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('dst-new-york'), p_party_size => 2,
      p_unit_ids => array[tests.unit_id('dst-new-york', 'd2')], p_start => '2026-11-01 01:30-05')$$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'at the second 01:30 local (EST) the table is still being cleared');
select is(public.book(p_venue_id => tests.venue_id('dst-new-york'), p_party_size => 2,
    p_unit_ids => array[tests.unit_id('dst-new-york', 'd2')], p_start => '2026-11-01 01:45-05') ->> 'starts_at',
  '2026-11-01T06:45:00+00:00', 'from the second 01:45 local (06:45 UTC) it is free');

select * from finish();
rollback;
