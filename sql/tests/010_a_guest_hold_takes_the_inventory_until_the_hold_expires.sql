-- public.hold: a guest holds two of the copper-bar's tables for Friday. The hold lasts the venue's
-- hold_ttl (5 minutes), the guest gets a reference and a manage token (shown once, stored hashed).
begin;
select plan(11);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 9, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as hold \gset

select is(:'hold'::jsonb ->> 'status', 'held', 'the booking is held');
select is((:'hold'::jsonb ->> 'hold_expires_at')::timestamptz, '2026-11-25 12:05Z', 'until now + the venue''s 5 minute hold_ttl');
select matches(:'hold'::jsonb ->> 'reference', '^BR-\d{6}-[A-HJ-NP-Z2-9]{6}$', 'the reference is BR-YYMMDD-XXXXXX without 0/O/1/I/L');
select is(substr(:'hold'::jsonb ->> 'reference', 4, 6), '261127', 'the reference carries the service date');
select matches(:'hold'::jsonb ->> 'manage_token', '^[0-9a-f]{48}$', 'a manage token is returned');
select is(:'hold'::jsonb -> 'replayed', 'false'::jsonb, 'the hold is new, not a replay');
select is(:'hold'::jsonb -> 'units', jsonb_build_array(jsonb_build_object('code', 'table', 'name', 'Table', 'unit_id', tests.unit_id('copper-bar', 'table'), 'quantity', 2)),
  'a party of 9 takes two 6-seat tables');
select is((public.availability(tests.venue_id('copper-bar'), '2026-11-27') #>> '{units,0,keys,0,remaining}')::int, 10,
  'the held tables are gone from availability');

select tests.clear_authentication();
select results_eq(
  format($$ select b.manage_token_hash = encode(extensions.digest(%L, 'sha256'), 'hex'), b.client_id is not null
            from tablehold.bookings b where b.id = %L $$, :'hold'::jsonb ->> 'manage_token', :'hold'::jsonb ->> 'id'),
  $$ values (true, true) $$, 'only the token''s sha256 is stored, and the guest became a client');
select results_eq(format($$ select quantity, active, expires_at from tablehold.allocations where booking_id = %L $$, :'hold'::jsonb ->> 'id'),
  $$ values (2, true, '2026-11-25 12:05Z'::timestamptz) $$, 'the allocation is active and frees itself when the hold expires');
select is((select c.name from tablehold.clients c where c.id = (:'hold'::jsonb ->> 'client_id')::uuid), 'Ada', 'the client is Ada');

select * from finish();
rollback;
