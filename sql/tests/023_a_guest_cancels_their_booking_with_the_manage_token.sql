-- public.cancel by the guest: the manage token from the booking is their key. The booking is
-- cancelled and its inventory is free again at once.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 24, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset
select is((public.availability(tests.venue_id('copper-bar'), '2026-11-27') #>> '{units,1,keys,0,remaining}')::int, 0,
  'the party of 24 took the whole vip area');

select tests.freeze_time('2026-11-25 18:00Z');
select public.cancel((:'booking'::jsonb ->> 'id')::uuid, :'booking'::jsonb ->> 'manage_token', 'plans changed') as cancelled \gset
select is(:'cancelled'::jsonb ->> 'status', 'cancelled', 'the guest cancelled with the manage token');
select is((public.availability(tests.venue_id('copper-bar'), '2026-11-27') #>> '{units,1,keys,0,remaining}')::int, 3,
  'all three vip units are free again');

select tests.clear_authentication();
select results_eq(format($$ select cancelled_at, status_reason from tablehold.bookings where id = %L $$, :'booking'::jsonb ->> 'id'),
  $$ values ('2026-11-25 18:00Z'::timestamptz, 'plans changed') $$, 'the cancellation time and reason are recorded');

select * from finish();
rollback;
