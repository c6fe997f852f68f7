-- The service role is trusted server code and holds every privilege on the private tables
-- ("may read and write everything"). A direct write must then pass the invariant triggers,
-- which call private helpers (the clock, the error raiser) with the writer's rights.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_service_role();

select lives_ok($$
  insert into tablehold.bookings (reference, venue_id, status, party_size, service_date, during, source)
  values ('BR-261127-SRVCRL', tests.venue_id('copper-bar'), 'confirmed', 4, '2026-11-27',
          '[2026-11-27 05:00Z, 2026-11-28 05:00Z)', 'staff') $$,
  'the service role inserts a confirmed booking directly');
select lives_ok($$
  insert into tablehold.allocations (booking_id, unit_id)
  values ((select b.id from tablehold.bookings b where b.reference = 'BR-261127-SRVCRL'), tests.unit_id('copper-bar', 'table')) $$,
  'and gives it a unit');
select is((select count(*)::int from tablehold.allocations a join tablehold.bookings b on b.id = a.booking_id
           where b.reference = 'BR-261127-SRVCRL' and a.active and a.venue_id = b.venue_id),
  1, 'the trigger completed the allocation from its booking and it is active');
select throws_ok($$ update tablehold.bookings set status = 'held' where reference = 'BR-261127-SRVCRL' $$,
  'TH009', 'This booking can''t be changed that way in its current state.',
  'and the status machine still refuses it a forbidden transition');

select * from finish();
rollback;
