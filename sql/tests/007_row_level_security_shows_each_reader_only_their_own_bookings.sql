-- Direct reads of bookings (PostgREST, Realtime) are filtered by RLS: a customer sees only their
-- own bookings, a guest with no bookings sees none, staff see their own venue's and no other.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select from tests.create_supabase_user('alice');
select from tests.create_supabase_user('bob');

-- alice books the copper-bar as herself; a phone booking lands at the-vault
select tests.authenticate_as('alice');
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')],
  p_guest => '{"name": "Alice", "email": "alice@example.com"}') ->> 'id' as alice_booking \gset
select tests.clear_authentication();
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Vic", "email": "vic@example.com", "date_of_birth": "1990-01-01"}') ->> 'id' as vault_booking \gset

select tests.authenticate_as('bob');
select is_empty($$ select id from tablehold.bookings $$, 'a signed-in guest sees none of another guest''s bookings');
select is_empty($$ select id from tablehold.clients $$, 'nor their client records');

select tests.authenticate_as('alice');
select results_eq($$ select id::text from tablehold.bookings $$, array[:'alice_booking'],
  'a customer sees exactly their own booking');

-- the copper-bar's manager, then the-vault's host
select tests.authenticate_as_seed_user('manager@copper-bar.test');
select results_eq($$ select id::text from tablehold.bookings $$, array[:'alice_booking'],
  'staff of the copper-bar see the copper-bar''s booking');
select is_empty($$ select id from tablehold.bookings where venue_id <> tests.venue_id('copper-bar') $$,
  'and no booking of another venue');

select tests.authenticate_as_seed_user('host@the-vault.test');
select results_eq($$ select id::text from tablehold.bookings $$, array[:'vault_booking'],
  'staff of the-vault see only the-vault''s booking');
select results_eq($$ select count(*)::int from tablehold.allocations $$, array[1],
  'and only its allocation');

select * from finish();
rollback;
