-- client_update takes name, email, phone, date_of_birth, notes and tags. Any other key (the
-- visit counts, the venue, the linked user) is refused with INVALID_REQUEST and nothing changes.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select public.client_create(tests.venue_id('nora-kitchen'), 'Ada Lovelace', 'ada@example.test') as ada \gset

select throws_ok(format($$select public.client_update(%L, '{"name": "Ada King", "visit_count": 99}')$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'visit_count cannot be set, even next to a valid field');
select throws_ok(format($$select public.client_update(%L, jsonb_build_object('venue_id', tests.venue_id('copper-bar')))$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'nor can the venue');
select throws_ok(format($$select public.client_update(%L, jsonb_build_object('user_id', tests.user_id('guest@example.test')))$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'nor the linked user');
select throws_ok(format($$select public.client_update(%L, '["name"]')$$, :'ada'::jsonb ->> 'id'),
  'TH013', 'The request is not valid.', 'changes must be an object');
select is(public.client_get((:'ada'::jsonb ->> 'id')::uuid) - 'bookings', :'ada'::jsonb, 'the client is exactly as created');

select * from finish();
rollback;
