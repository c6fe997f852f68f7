-- A client record linked to an auth user lets that user read it, manage its bookings without a token
-- and erase it. Only the service role (or a trusted database session) or the user themselves may
-- make that link (migration 20261202186200): a host naming another user's id is refused and nothing
-- is written; unlinked records are created as before.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');

select tests.create_supabase_user('stranger') as stranger \gset
select tests.user_id('host@the-vault.test') as host \gset
select count(*) as clients_before from tablehold.clients where venue_id = tests.venue_id('the-vault') \gset

select tests.authenticate_as_seed_user('host@the-vault.test');
select throws_ok(format($$ select public.client_create(p_venue_id => tests.venue_id('the-vault'), p_name => 'Mallory',
    p_email => 'mallory@example.com', p_user_id => %L) $$, :'stranger'),
  'TH011', 'You are not allowed to do that.', 'a host cannot link a client record to another user');
select is(tests.error_detail(format($$ select public.client_create(p_venue_id => tests.venue_id('the-vault'), p_name => 'Mallory',
    p_user_id => %L) $$, :'stranger')) ->> 'field', 'user_id', 'the refusal names the field');
select lives_ok(format($$ select public.client_create(p_venue_id => tests.venue_id('the-vault'), p_name => 'The Host',
    p_email => 'host-as-guest@example.com', p_user_id => %L) $$, :'host'),
  'a host may link a record to themselves');
select lives_ok($$ select public.client_create(p_venue_id => tests.venue_id('the-vault'), p_name => 'Walk-in',
    p_email => 'walk-in@example.com') $$, 'and creates unlinked records as before');

select tests.authenticate_as_service_role();
select lives_ok(format($$ select public.client_create(p_venue_id => tests.venue_id('the-vault'), p_name => 'Linked by the server',
    p_email => 'linked@example.com', p_user_id => %L) $$, :'stranger'),
  'the service role links a record to any user');
select tests.clear_authentication();
select is((select count(*)::int from tablehold.clients where user_id = :'stranger'::uuid), 1,
  'the one record linked to that user is the service role''s');
select is((select count(*) - :clients_before from tablehold.clients where venue_id = tests.venue_id('the-vault'))::int, 3,
  'the refused attempt wrote nothing: three records were added, not four');

select tests.authenticate_as('stranger');
select is((public.client_get((select id from tablehold.clients where user_id = :'stranger'::uuid)) ->> 'name'),
  'Linked by the server', 'and the user reads it as their own');

select * from finish();
rollback;
