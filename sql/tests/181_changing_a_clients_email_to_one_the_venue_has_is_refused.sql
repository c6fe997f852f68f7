-- Client emails are unique per venue whatever their case (creating a duplicate: 067). The same
-- holds when editing: another client's email, in any case or with stray spaces, is refused with
-- CLIENT_EMAIL_TAKEN; a client may change the case of their own.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_seed_user('owner@nora-dining.test');
select public.client_create(tests.venue_id('nora-kitchen'), 'Ada Lovelace', 'ada@example.test') ->> 'id' as ada \gset
select public.client_create(tests.venue_id('nora-kitchen'), 'Bo Diddley', 'bo@example.test') ->> 'id' as bo \gset

select throws_ok(format($$select public.client_update(%L, '{"email": "Ada@Example.test"}')$$, :'bo'),
  'TH015', 'A client with that email already exists at this venue.', 'Bo cannot take Ada''s email in other capitals');
select throws_ok(format($$select public.client_update(%L, '{"email": "  ada@example.test "}')$$, :'bo'),
  'TH015', 'A client with that email already exists at this venue.', 'nor with spaces around it');
select is(public.client_update(:'ada', '{"email": "ADA@example.test"}') ->> 'email', 'ADA@example.test',
  'Ada may change the case of her own email');
select is(public.client_get(:'bo') ->> 'email', 'bo@example.test', 'Bo keeps his email');

select * from finish();
rollback;
