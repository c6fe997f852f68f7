-- Who may call what. Guests (anon) get the booking operations; signed-in users also get the staff
-- operations (which check the staff role themselves); the sweeper and refusal counter are for
-- trusted server code only. Nothing private is callable, except caller_rank for the RLS policies.
begin;
select plan(12);
select tests.freeze_time('2026-11-25 12:00Z');

select set_eq($$ select p.proname::text from pg_proc p
                 where p.pronamespace = 'public'::regnamespace and has_function_privilege('anon', p.oid, 'execute') $$,
  array['availability', 'availability_text', 'availability_etag', 'available_times', 'suggest_tables', 'refresh_channel', 'channel_version', 'channel_resumable', 'booking_get',
        'hold', 'book', 'confirm', 'cancel', 'modify'],
  'anon may execute exactly the guest operations');
select set_eq($$ select p.proname::text from pg_proc p
                 where p.pronamespace = 'public'::regnamespace and not has_function_privilege('authenticated', p.oid, 'execute') $$,
  array['sweep_expired_holds', 'record_refusal'],
  'signed-in users may execute every public operation except the sweeper and the refusal counter');
select is_empty($$ select p.proname::text from pg_proc p
                   where p.pronamespace = 'public'::regnamespace and not has_function_privilege('service_role', p.oid, 'execute') $$,
  'the service role may execute every public operation');
select is_empty($$ select p.proname::text from pg_proc p
                   where p.pronamespace = 'tablehold'::regnamespace and has_function_privilege('anon', p.oid, 'execute') $$,
  'anon may execute no private function');
select set_eq($$ select p.proname::text from pg_proc p
                 where p.pronamespace = 'tablehold'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute') $$,
  array['caller_rank'], 'signed-in users may execute only caller_rank of the private functions (the RLS policies use it)');

select tests.authenticate_as_anon();
select throws_ok($$ select public.approve(gen_random_uuid()) $$,
  '42501', 'permission denied for function approve', 'anon cannot call approve');
select throws_ok($$ select public.block(tests.venue_id('copper-bar'), array[tests.unit_id('copper-bar', 'table')], 'x', '2026-11-27') $$,
  '42501', 'permission denied for function block', 'anon cannot call block');
select throws_ok($$ select public.sweep_expired_holds() $$,
  '42501', 'permission denied for function sweep_expired_holds', 'anon cannot run the sweeper');

select from tests.create_supabase_user('customer');
select tests.authenticate_as('customer');
select throws_ok($$ select public.sweep_expired_holds() $$,
  '42501', 'permission denied for function sweep_expired_holds', 'a signed-in user cannot run the sweeper');
select throws_ok($$ select public.record_refusal(tests.venue_id('copper-bar'), 'NOT_FOUND') $$,
  '42501', 'permission denied for function record_refusal', 'a signed-in user cannot count refusals');

select tests.authenticate_as_service_role();
select is(public.sweep_expired_holds(), 0, 'the service role runs the sweeper');
select lives_ok($$ select public.record_refusal(tests.venue_id('copper-bar'), 'SECTION_NOT_AVAILABLE') $$,
  'the service role counts a refusal');

select * from finish();
rollback;
