-- Staff (host and up) cancel any booking of their venue without a manage token.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 20:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't4')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as booking_id \gset

-- nora-kitchen's host
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select is(public.cancel(:'booking_id', p_reason => 'guest phoned') ->> 'status', 'cancelled', 'the host cancels the booking');
select is(jsonb_path_query_first(public.availability(tests.venue_id('nora-kitchen'), '2026-11-27'),
    '$.units[*] ? (@.code == "t4").busy') , '[]'::jsonb, 't4 is free again');

select tests.clear_authentication();
select is((select status_reason from tablehold.bookings where id = :'booking_id'), 'guest phoned', 'with the host''s reason');

select * from finish();
rollback;
