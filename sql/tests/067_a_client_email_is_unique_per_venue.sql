-- CLIENT_EMAIL_TAKEN: a venue's client list has one client per email, whatever its case. The
-- same email at another venue is another client.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}';
select from public.client_create('00000000-0000-4000-b000-000000000003', 'Ada Lovelace', 'ada@example.com');

select throws_ok($$ select public.client_create('00000000-0000-4000-b000-000000000003', 'A. Lovelace', 'ADA@Example.com') $$,
  'TH015', 'A client with that email already exists at this venue.', 'the host cannot add Ada a second time');
-- the-vault's manager, at their own venue
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000104", "role": "authenticated"}';
select lives_ok($$ select public.client_create('00000000-0000-4000-b000-000000000002', 'Ada Lovelace', 'ada@example.com') $$,
  'another venue may have its own Ada');

select * from finish();
rollback;
