-- On main before engine v2, deleting a confirmed booking's allocation in Studio let the same table
-- be sold again (two confirmed bookings for t3 at 19:00). Now the allocation of a booking that
-- holds inventory cannot be deleted, deactivated or handed to another booking directly, and the
-- booking itself cannot be deleted while it holds inventory; cancelling it frees the table, after
-- which its history may be tidied.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'id' as booked \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 21:30 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) ->> 'id' as later \gset

select throws_ok(format($$ delete from tablehold.allocations where booking_id = %L $$, :'booked'),
  'TH017', 'This change must go through tablehold''s functions.', 'deleting the confirmed booking''s allocation is refused');
select throws_ok(format($$ update tablehold.allocations set active = false where booking_id = %L $$, :'booked'),
  'TH017', 'This change must go through tablehold''s functions.', 'so is deactivating it');
select throws_ok(format($$ update tablehold.allocations set booking_id = %L where booking_id = %L $$, :'later', :'booked'),
  'TH017', 'This change must go through tablehold''s functions.', 'and giving it to another booking');
select throws_ok(format($$ delete from tablehold.bookings where id = %L $$, :'booked'),
  'TH017', 'This change must go through tablehold''s functions.', 'the booking itself cannot be deleted while it holds the table');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')]) $$,
  'TH002', 'Sorry, this table is no longer available at that time.', 'so t3 at 19:00 still cannot be sold again');

update tablehold.bookings set status = 'cancelled' where id = :'booked';
select is((select bool_and(not active) from tablehold.allocations where booking_id = :'booked'), true,
  'cancelling the booking in Studio frees its allocation');
select lives_ok(format($$ delete from tablehold.bookings where id = %L $$, :'booked'),
  'a cancelled booking may be deleted (its audit trail stays)');
select is((select count(*)::int from tablehold.allocations a join tablehold.bookings b on b.id = a.booking_id
            where a.unit_id = tests.unit_id('nora-kitchen', 't3') and a.active), 1,
  'only the later booking holds t3');

select * from finish();
rollback;
