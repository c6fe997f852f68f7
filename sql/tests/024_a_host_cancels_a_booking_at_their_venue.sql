-- Staff (host and up) cancel any booking of their venue without a manage token.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');

select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 4, p_start => '2026-11-27 20:00-05',
  p_unit_ids => array['00000000-0000-4000-c003-000000000004']::uuid[],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as booking_id \gset

-- nora-kitchen's host
set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}';
select is(public.cancel(:'booking_id', p_reason => 'guest phoned') ->> 'status', 'cancelled', 'the host cancels the booking');
select is(jsonb_path_query_first(public.availability('00000000-0000-4000-b000-000000000003', '2026-11-27'),
    '$.units[*] ? (@.code == "t4").busy') , '[]'::jsonb, 't4 is free again');

select tests.clear_authentication();
select is((select status_reason from tablehold.bookings where id = :'booking_id'), 'guest phoned', 'with the host''s reason');

select * from finish();
rollback;
