-- IDEMPOTENCY_CONFLICT: a key already used for one request cannot carry a different one; the
-- first booking is left as it was. Keys are per venue (and per caller: file 263).
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare keyed(uuid, int, uuid, text) as select public.book(p_venue_id => $1, p_party_size => $2, p_date => '2026-11-28',
  p_slot => $4, p_unit_ids => array[$3], p_idempotency_key => 'c4a1e9f2-5b3d-4f6a-9e8c-2d7b1a0f3c65',
  p_guest => '{"name": "Ada", "email": "ada@example.com", "date_of_birth": "1990-01-01"}');
execute keyed(tests.venue_id('copper-bar'), 4, tests.unit_id('copper-bar', 'table'), null) \gset first_

select throws_ok($$ execute keyed(tests.venue_id('copper-bar'), 5, tests.unit_id('copper-bar', 'table'), null) $$,
  'TH012', 'This request key was already used for a different request.', 'the same key for a party of 5 instead of 4');
select throws_ok($$ execute keyed(tests.venue_id('copper-bar'), 4, tests.unit_id('copper-bar', 'vip'), null) $$,
  'TH012', 'This request key was already used for a different request.', 'the same key for another seat option');
select lives_ok($$ execute keyed(tests.venue_id('the-vault'), 4, tests.unit_id('the-vault', 'standing-tables'), 'early') $$,
  'the same key at another venue is a request of its own');

select tests.clear_authentication();
select results_eq($$ select party_size, (select u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
                                           where a.booking_id = b.id)
                     from tablehold.bookings b where b.venue_id = tests.venue_id('copper-bar') $$,
  $$ values (4, 'table') $$, 'the copper-bar has the one first booking, unchanged');
select is((select count(*)::int from tablehold.bookings
            where idempotency_key = (select idempotency_key from tablehold.bookings where id = (:'first_book'::jsonb ->> 'id')::uuid)), 2,
  'two bookings carry the key, one per venue');

select * from finish();
rollback;
