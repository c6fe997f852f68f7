-- Seed 002 asks for its booking rules on every insert and update, not only through the API. On main
-- before engine v2 a booking inserted in Studio for 2020, for 100 guests, at 03:00 on a closed
-- Monday, four years ahead, or for an underage client at an 18+ club was accepted. Each is refused
-- now with the code the API would give; a manager's explicit override (audited) still books a
-- party of 60.
begin;
select plan(9);
select tests.freeze_time('2026-11-25 12:00Z');
insert into tablehold.clients (venue_id, name, email, date_of_birth) values
  (tests.venue_id('the-vault'), 'Kid', 'kid@example.test', '2010-05-01'),
  (tests.venue_id('the-vault'), 'Grown-up', 'adult@example.test', '1990-05-01');

create function pg_temp.insert_booking(p_venue uuid, p_party int, p_date date, p_during tstzrange, p_client uuid default null)
returns void language sql as $$
  insert into tablehold.bookings (reference, venue_id, client_id, status, party_size, service_date, during)
  values (tablehold.new_reference('BR', p_date), p_venue, p_client, 'confirmed', p_party, p_date, p_during);
$$;

select throws_ok($$ select pg_temp.insert_booking(tests.venue_id('nora-kitchen'), 2, '2020-11-27',
    tstzrange('2020-11-27 19:00 America/New_York', '2020-11-27 21:00 America/New_York')) $$,
  'TH006', 'That date or time can''t be booked right now.', 'a booking in 2020 is refused');
select throws_ok($$ select pg_temp.insert_booking(tests.venue_id('nora-kitchen'), 100, '2026-11-27',
    tstzrange('2026-11-27 19:00 America/New_York', '2026-11-27 21:00 America/New_York')) $$,
  'TH004', 'That party size can''t be booked here.', 'a party of 100 is refused');
select throws_ok($$ select pg_temp.insert_booking(tests.venue_id('nora-kitchen'), 2, '2026-11-30',
    tstzrange('2026-12-01 03:00 America/New_York', '2026-12-01 05:00 America/New_York')) $$,
  'TH005', 'The venue is not open at that time.', '03:00 after a closed Monday is refused');
select throws_ok($$ select pg_temp.insert_booking(tests.venue_id('nora-kitchen'), 2, '2030-11-27',
    tstzrange('2030-11-27 19:00 America/New_York', '2030-11-27 21:00 America/New_York')) $$,
  'TH006', 'That date or time can''t be booked right now.', 'four years ahead is refused');
select throws_ok($$ select pg_temp.insert_booking(tests.venue_id('nora-kitchen'), 2, '2026-11-28',
    tstzrange('2026-11-27 19:00 America/New_York', '2026-11-27 21:00 America/New_York')) $$,
  'TH013', 'The request is not valid.', 'a service date its start does not belong to is refused');
select throws_ok($$ select pg_temp.insert_booking(tests.venue_id('the-vault'), 4, '2026-11-27',
    tstzrange('2026-11-27 22:00 Europe/London', '2026-11-28 01:00 Europe/London'), tests.client_id('the-vault', 'kid@example.test')) $$,
  'TH007', 'Sorry, guests must meet the venue''s minimum age.', 'a 16-year-old at the 18+ club is refused');
select lives_ok($$ select pg_temp.insert_booking(tests.venue_id('the-vault'), 4, '2026-11-27',
    tstzrange('2026-11-27 22:00 Europe/London', '2026-11-28 01:00 Europe/London'), tests.client_id('the-vault', 'adult@example.test')) $$,
  'an adult''s booking inside the club''s hours is accepted');

select set_config('tablehold.override', 'true', true);
select lives_ok($$ select pg_temp.insert_booking(tests.venue_id('copper-bar'), 60, '2026-11-27',
    tstzrange('2026-11-27 05:00Z', '2026-11-28 05:00Z')) $$,
  'with the override set for the transaction, a party of 60 is accepted');
select is((select override from tablehold.audit_log where entity = 'bookings' and after ->> 'party_size' = '60'), true,
  'and its audit row says it was an override');
select set_config('tablehold.override', '', true);

select * from finish();
rollback;
