-- The engine's idempotency keys are scoped to the caller (migration 20261202186300): the same key and
-- the same request from another identity (another user, an API key, the service role) is a booking
-- of its own, never a replay of someone else's; a replay to the same caller returns its booking.
-- Anonymous callers have no identity but the key itself, so theirs must be a random UUID (v4): a
-- guessable key is refused before anything is written.
begin;
select plan(12);
select tests.freeze_time('2026-11-25 12:00Z');

select tests.create_supabase_user('alice') as alice \gset
select tests.create_supabase_user('bob') as bob \gset
select public.api_key_create(tests.venue_id('copper-bar'), 'concierge', array['book']) ->> 'id' as book_key \gset
-- one request, one key, sent by everyone below
prepare keyed(text) as select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2,
  p_date => '2026-11-28', p_unit_ids => array[tests.unit_id('copper-bar', 'table')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}', p_idempotency_key => $1);
\set key '''9b2e4f61-3c7d-4a8e-b5f0-1d2c3e4f5a6b'''

select tests.authenticate_as_anon();
select (public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-28',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.com"}',
  p_idempotency_key => :key)) ->> 'id' as anon_first \gset
select is((public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-28',
    p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.com"}',
    p_idempotency_key => :key)) ->> 'id', :'anon_first', 'the anonymous guest who made the key gets its booking back');

select tests.authenticate_as('alice');
execute keyed(:key) \gset alice_
select isnt(:'alice_book'::jsonb ->> 'id', :'anon_first', 'a signed-in user sending the same key and request makes a booking of her own');
select is(:'alice_book'::jsonb -> 'replayed', 'false'::jsonb, 'not a replay');
select ok(:'alice_book'::jsonb ? 'manage_token', 'with her own manage token');
execute keyed(:key) \gset alice_again_
select is(:'alice_again_book'::jsonb ->> 'id', :'alice_book'::jsonb ->> 'id', 'her retry replays her booking');

select tests.authenticate_as('bob');
execute keyed(:key) \gset bob_
select ok((:'bob_book'::jsonb ->> 'id') not in (:'anon_first', :'alice_book'::jsonb ->> 'id'), 'another user gets a booking of his own');

select tests.authenticate_as_api_key(:'book_key');
execute keyed(:key) \gset key_
select ok((:'key_book'::jsonb ->> 'id') not in (:'anon_first', :'alice_book'::jsonb ->> 'id', :'bob_book'::jsonb ->> 'id'),
  'so does an API key');

select tests.clear_authentication();
execute keyed(:key) \gset service_
select ok((:'service_book'::jsonb ->> 'id') not in (:'anon_first', :'alice_book'::jsonb ->> 'id', :'bob_book'::jsonb ->> 'id',
  :'key_book'::jsonb ->> 'id'), 'and the service role');
select is((select count(distinct idempotency_key)::int from tablehold.bookings where venue_id = tests.venue_id('copper-bar')), 5,
  'five bookings, five keys as stored: the key scoped to each caller');

select tests.authenticate_as_anon();
select throws_ok($$ execute keyed('order-42') $$, 'TH013', 'The request is not valid.',
  'an anonymous caller''s guessable key is refused');
select throws_ok($$ execute keyed('9b2e4f61-3c7d-1a8e-b5f0-1d2c3e4f5a6b') $$, 'TH013', 'The request is not valid.',
  'and so is a UUID that is not random (version 1)');
select tests.clear_authentication();
select is((select count(*)::int from tablehold.bookings where venue_id = tests.venue_id('copper-bar')), 5,
  'the refused attempts wrote nothing');

select * from finish();
rollback;
