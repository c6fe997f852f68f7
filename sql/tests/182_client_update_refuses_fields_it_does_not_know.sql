-- client_update takes name, email, phone, date_of_birth, notes and tags. Any other key (the
-- visit counts, the venue, the linked user) is refused with INVALID_REQUEST and nothing changes.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select set_config('role', 'authenticated', true), set_config('request.jwt.claims',
  '{"sub": "00000000-0000-4000-8000-000000000202", "role": "authenticated"}', true);
select public.client_create('00000000-0000-4000-b000-000000000003', 'Ada Lovelace', 'ada@example.test') as ada \gset

select throws_ok(format($$select public.client_update(%L, '{"name": "Ada King", "visit_count": 99}')$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'visit_count cannot be set, even next to a valid field');
select throws_ok(format($$select public.client_update(%L, '{"venue_id": "00000000-0000-4000-b000-000000000001"}')$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'nor can the venue');
select throws_ok(format($$select public.client_update(%L, '{"user_id": "00000000-0000-4000-8000-000000000301"}')$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'nor the linked user');
select throws_ok(format($$select public.client_update(%L, '["name"]')$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'changes must be an object');
select is(public.client_get((:'ada'::jsonb ->> 'id')::uuid) - 'bookings', :'ada'::jsonb, 'the client is exactly as created');

select * from finish();
rollback;
