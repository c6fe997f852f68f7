-- A walk-in at 18:58 has t2 held for a 19:00 start while the guest pays. During the hold's five
-- minutes the table is reserved from 19:00; at 19:03, with the hold expired and not swept, it is
-- available again, in the function and in the view.
begin;
select plan(4);
select tests.freeze_time('2026-11-27 18:58 America/New_York');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't2')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'id' as hold_id \gset
select tests.clear_authentication();

select tests.freeze_time('2026-11-27 19:02:59 America/New_York');
select is((select status from tablehold.table_live_status where code = 't2'), 'reserved', 'at 19:02:59 the live hold reserves t2');
select tests.freeze_time('2026-11-27 19:03 America/New_York');
select is((select status from tablehold.table_live_status where code = 't2'), 'available', 'at 19:03 the hold has expired: t2 is available');

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select is(
  (select s ->> 'status' from jsonb_array_elements(public.table_live_status(tests.venue_id('nora-kitchen'))) s where s ->> 'code' = 't2'),
  'available', 'the host''s floor view (default instant: the engine clock) agrees');
select tests.clear_authentication();
select is((select status::text from tablehold.bookings where id = :'hold_id'), 'held', 'nothing swept the hold: expiry alone frees the table');

select * from finish();
rollback;
