-- place_booking writes the booking's staff feed line itself, pending, once its units are taken
-- (the deferred staff event trigger stands down for that row): one line per booking placed, with
-- its units and guest. A later change in the same transaction (a hold confirmed by a second .rpc()
-- call) is the trigger's, so such a transaction leaves two lines: placed, then confirmed.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select coalesce(max(id), 0) as mark from tablehold.staff_events_pending \gset

select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')]::uuid[],
  p_guest => '{"name": "Ada Lovelace", "email": "ada@example.test"}') ->> 'id' as booked \gset
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')]::uuid[],
  p_guest => '{"name": "Alan Turing", "email": "alan@example.test"}') as held \gset
select public.confirm(p_booking_id => (:'held'::jsonb ->> 'id')::uuid, p_manage_token => :'held'::jsonb ->> 'manage_token') ->> 'status' as confirmed \gset
set constraints all immediate;
select tests.clear_authentication();

select results_eq(format($$ select event ->> 'previous_status', event ->> 'status', event -> 'units', event ->> 'guest_name'
                              from tablehold.staff_events_pending where id > %s and booking_id = %L $$, :mark, :'booked'),
  $$ values (null, 'confirmed', '["table"]'::jsonb, 'Ada Lovelace') $$,
  'the booking placed is one line, new → confirmed, with its unit and guest');
select results_eq(format($$ select event ->> 'previous_status', event ->> 'status' from tablehold.staff_events_pending
                             where id > %s and booking_id = %L order by id $$, :mark, :'held'::jsonb ->> 'id'),
  $$ values (null, 'held'), ('held', 'confirmed') $$,
  'a hold placed and confirmed in one transaction is two lines: placed, then confirmed');
select is(tablehold.publish_staff_events(tests.venue_id('copper-bar')), 3, 'the three lines are numbered after commit');

select * from finish();
rollback;
