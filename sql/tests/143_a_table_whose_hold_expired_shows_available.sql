-- A walk-in at 18:58 has t2 held for a 19:00 start while the guest pays. During the hold's five
-- minutes the table is reserved from 19:00; at 19:03, with the hold expired and not swept, it is
-- available again, in the function and in the view.
begin;
select plan(4);
select tests.freeze_time('2026-11-27 18:58 America/New_York');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array['00000000-0000-4000-c003-000000000002']::uuid[], p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'id' as hold_id \gset
select tests.clear_authentication();

select tests.freeze_time('2026-11-27 19:02:59 America/New_York');
select is((select status from tablehold.table_live_status where code = 't2'), 'reserved', 'at 19:02:59 the live hold reserves t2');
select tests.freeze_time('2026-11-27 19:03 America/New_York');
select is((select status from tablehold.table_live_status where code = 't2'), 'available', 'at 19:03 the hold has expired: t2 is available');

select set_config('role', 'authenticated', true), set_config('request.jwt.claims',
  '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}', true);
select is(
  (select s ->> 'status' from jsonb_array_elements(public.table_live_status('00000000-0000-4000-b000-000000000003')) s where s ->> 'code' = 't2'),
  'available', 'the host''s floor view (default instant: the engine clock) agrees');
select tests.clear_authentication();
select is((select status::text from tablehold.bookings where id = :'hold_id'), 'held', 'nothing swept the hold: expiry alone frees the table');

select * from finish();
rollback;
