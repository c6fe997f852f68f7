-- Idempotency: a client that retries with the same key and the same parameters gets the same
-- booking back, marked replayed, without a second manage token and without taking more inventory.
-- (An anonymous caller's key is a random UUID: file 263 says why.)
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare book_vip as select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 5,
  p_date => '2026-11-28', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}', p_idempotency_key => '3f2b8c1e-7d4a-4e9b-8c21-5a6f0d9e7b13');
execute book_vip \gset first_
execute book_vip \gset second_

select is(:'second_book'::jsonb ->> 'id', :'first_book'::jsonb ->> 'id', 'the retry returns the same booking');
select is(:'second_book'::jsonb ->> 'reference', :'first_book'::jsonb ->> 'reference', 'with the same reference');
select is(:'second_book'::jsonb -> 'replayed', 'true'::jsonb, 'marked replayed');
select is(:'first_book'::jsonb -> 'replayed', 'false'::jsonb, 'the first answer was not a replay');
select ok(not (:'second_book'::jsonb ? 'manage_token'), 'the manage token is not shown again');
select is((public.availability(tests.venue_id('copper-bar'), '2026-11-28') #>> '{units,1,keys,0,remaining}')::int, 2,
  'only one vip unit of three was taken');

select * from finish();
rollback;
