-- A booking written directly meets the booking window the way the API applies it
-- (tablehold.booking_window_problem): with nora-kitchen's minimum notice at 12 hours, a table for
-- two hours from now is refused, tomorrow's is fine, and a manager's audited override books the
-- short-notice one. The past stays closed even with the override.
begin;
select plan(4);
select tests.freeze_time('2026-11-27 22:00Z');  -- 17:00 in New York
update tablehold.venues set min_notice = '12 hours' where id = tests.venue_id('nora-kitchen');

create function pg_temp.insert_booking(p_date date, p_during tstzrange)
returns void language sql as $$
  insert into tablehold.bookings (reference, venue_id, status, party_size, service_date, during)
  values (tablehold.new_reference('BR', p_date), tests.venue_id('nora-kitchen'), 'confirmed', 2, p_date, p_during);
$$;

select throws_ok($$ select pg_temp.insert_booking('2026-11-27', tstzrange('2026-11-27 19:00 America/New_York', '2026-11-27 20:30 America/New_York')) $$,
  'TH006', 'That date or time can''t be booked right now.', 'a table two hours from now is inside the notice');
select lives_ok($$ select pg_temp.insert_booking('2026-11-28', tstzrange('2026-11-28 19:00 America/New_York', '2026-11-28 20:30 America/New_York')) $$,
  'tomorrow evening is fine');
select set_config('tablehold.override', 'true', true);
select lives_ok($$ select pg_temp.insert_booking('2026-11-27', tstzrange('2026-11-27 19:00 America/New_York', '2026-11-27 20:30 America/New_York')) $$,
  'a manager''s override books the short-notice table');
select throws_ok($$ select pg_temp.insert_booking('2026-11-27', tstzrange('2026-11-27 15:00 America/New_York', '2026-11-27 16:30 America/New_York')) $$,
  'TH006', 'That date or time can''t be booked right now.', 'but not one that has already started');
select set_config('tablehold.override', '', true);

select * from finish();
rollback;
