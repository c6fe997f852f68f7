-- A pacing interval is a span of the venue's wall clock, whatever the clocks do inside it. Lord Howe
-- Island moves its clocks by half an hour at 02:00. On 5 April 2026 they go back from 02:00 to 01:30,
-- so the local hour 01:00-02:00 lasts 90 real minutes and both passes of 01:30-02:00 share its cap.
-- On 4 October they jump from 02:00 to 02:30, so the local hour 02:00-03:00 lasts 30 real minutes
-- and starts when the clocks jump. The venue caps starts at 4 covers per hour.
begin;
select plan(8);
select tests.freeze_time('2026-03-01 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone, default_turn, booking_horizon) values
  (tests.operator_id('northern-nights'), 'pace-lord-howe', 'Pace Lord Howe', 'restaurant',
   'Australia/Lord_Howe', '1 hour', '1 year');
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select tests.venue_id('pace-lord-howe'), d, '22:00', '04:00' from generate_series(1, 7) d;
insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode, max_covers)
select tests.venue_id('pace-lord-howe'), 't' || n, 'Table ' || n, 'table', 'exclusive', 'time', 4 from generate_series(1, 6) n;
insert into tablehold.pacing_rules (venue_id, per, max_covers) values (tests.venue_id('pace-lord-howe'), '1 hour', 4);

prepare book_at(int, timestamptz) as select public.book(p_venue_id => tests.venue_id('pace-lord-howe'), p_party_size => $1, p_start => $2);

-- falling back: 01:45 first pass (+11:00) = 14:45Z, 01:30 second pass (+10:30) = 15:00Z, 02:00 = 15:30Z
select is((select b ->> 'status' from public.book(p_venue_id => tests.venue_id('pace-lord-howe'), p_party_size => 4,
    p_start => '2026-04-04 14:45Z') b), 'confirmed', 'four covers start at 01:45 local, before the clocks go back');
select throws_ok($$ execute book_at(2, '2026-04-04 15:00Z') $$, 'TH008', 'Sorry, we''re fully booked around that time. Please try another time.',
  'two more at the second 01:30 are refused: still the local hour 01:00-02:00');
select is((select b ->> 'status' from public.book(p_venue_id => tests.venue_id('pace-lord-howe'), p_party_size => 4,
    p_start => '2026-04-04 15:30Z') b), 'confirmed', 'four at 02:00 local start the next hour');

-- springing forward: 01:45 (+10:30) = 15:15Z; the clocks jump from 02:00 to 02:30 at 15:30Z; 02:45 = 15:45Z, 03:00 = 16:00Z
select is((select b ->> 'status' from public.book(p_venue_id => tests.venue_id('pace-lord-howe'), p_party_size => 4,
    p_start => '2026-10-03 15:30Z') b), 'confirmed', 'four covers start at 02:30 local, the first time after the jump');
select throws_ok($$ execute book_at(2, '2026-10-03 15:45Z') $$, 'TH008', 'Sorry, we''re fully booked around that time. Please try another time.',
  'two more at 02:45 are refused: the local hour 02:00-03:00, half an hour long tonight');
select is(tests.error_detail($$ select public.book(p_venue_id => tests.venue_id('pace-lord-howe'), p_party_size => 2,
    p_start => '2026-10-03 15:45Z', p_unit_ids => array(select u.id from tablehold.units u
      where u.venue_id = tests.venue_id('pace-lord-howe') and u.code = 't6')) $$) ->> 'interval_start',
  '2026-10-03T15:30:00+00:00', 'that hour starts when the clocks jump');
select is((select b ->> 'status' from public.book(p_venue_id => tests.venue_id('pace-lord-howe'), p_party_size => 4,
    p_start => '2026-10-03 16:00Z') b), 'confirmed', 'four at 03:00 local start the next hour');
select is((select b ->> 'status' from public.book(p_venue_id => tests.venue_id('pace-lord-howe'), p_party_size => 4,
    p_start => '2026-10-03 15:15Z') b), 'confirmed', 'and four at 01:45 local, 15 real minutes before 02:30, count in the hour before');

select * from finish();
rollback;
