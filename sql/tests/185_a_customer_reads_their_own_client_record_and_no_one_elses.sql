-- Carol has an account and nora-kitchen linked her client record to it. Signed in, she reads her
-- record and her bookings (through the API and through RLS), books as herself without re-entering
-- details, and may erase herself; Dave's record stays invisible to her.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.create_supabase_user('carol', 'carol@example.test') as carol_uid \gset
select public.client_create(tests.venue_id('nora-kitchen'), 'Carol', 'carol@example.test', p_user_id => :'carol_uid') ->> 'id' as carol \gset
select public.client_create(tests.venue_id('nora-kitchen'), 'Dave', 'dave@example.test') ->> 'id' as dave \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_client_id => :'dave') ->> 'id' as dave_booking \gset

select tests.authenticate_as('carol');
select is(public.client_get(:'carol') ->> 'linked_user', 'true', 'Carol reads her own record');
select throws_ok(format('select public.client_get(%L)', :'dave'), 'TH010', 'We couldn''t find that.', 'Dave''s record does not exist for her');
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 20:00 America/New_York') ->> 'client_id',
  :'carol', 'booking without details, she books as her own client');
select is((select array_agg(name) from tablehold.clients), array['Carol'], 'RLS shows her only her own client row');
select is((select count(*) from tablehold.bookings), 1::bigint, 'and only her own booking');
select throws_ok($$select public.clients_search(tests.venue_id('nora-kitchen'), 'Dave')$$,
  'TH011', 'You are not allowed to do that.', 'she cannot search the guest book');
select is(public.client_erase(:'carol') ->> 'name', 'Erased client', 'she may erase herself');

select * from finish();
rollback;
