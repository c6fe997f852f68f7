-- CLIENT_EMAIL_TAKEN: a venue's client list has one client per email, whatever its case. The
-- same email at another venue is another client.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select from public.client_create(tests.venue_id('nora-kitchen'), 'Ada Lovelace', 'ada@example.com');

select throws_ok($$ select public.client_create(tests.venue_id('nora-kitchen'), 'A. Lovelace', 'ADA@Example.com') $$,
  'TH015', 'A client with that email already exists at this venue.', 'the host cannot add Ada a second time');
-- the-vault's manager, at their own venue
select tests.authenticate_as_seed_user('manager@the-vault.test');
select lives_ok($$ select public.client_create(tests.venue_id('the-vault'), 'Ada Lovelace', 'ada@example.com') $$,
  'another venue may have its own Ada');

select * from finish();
rollback;
