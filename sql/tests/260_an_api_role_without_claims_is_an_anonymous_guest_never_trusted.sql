-- Trust is decided by the database role, not by the absence of JWT claims (migration
-- 20261202186000). The API roles (anon, authenticated) without request.jwt.claims are anonymous
-- guests; claims never make them trusted; the roles that own the engine (postgres here, as Studio,
-- psql and pg_cron connect) and service_role stay trusted without claims; any other role is a guest
-- whatever claims it sets itself.
begin;
select plan(14);
select tests.freeze_time('2026-11-25 12:00Z');

create function pg_temp.act_as(p_role text, p_claims text) returns void language sql as $$
  select set_config('role', p_role, true), set_config('request.jwt.claims', coalesce(p_claims, ''), true);
$$;
create function pg_temp.kind() returns text language sql as $$ select tablehold.caller_kind() $$;

-- what the engine makes of each caller, read through caller_rank (which authenticated may call)
select pg_temp.act_as('authenticated', null);
select is(tablehold.caller_rank(tests.venue_id('the-vault')), 0, 'authenticated without claims ranks as a guest, not as trusted (4)');
select throws_ok($$ select public.table_live_status(tests.venue_id('nora-kitchen')) $$,
  'TH011', 'You are not allowed to do that.', 'and cannot see the floor');
select throws_ok($$ select public.venue_metrics(tests.venue_id('the-vault'), '2026-11-01', '2026-11-30') $$,
  'TH011', 'You are not allowed to do that.', 'nor read the metrics');
select ok(not (public.availability(tests.venue_id('the-vault'), '2026-11-27') #> '{units,0,keys,0}' ? 'staff_state'),
  'and reads the guest view of availability');

select pg_temp.act_as('authenticated', '{"role": "service_role"}');
select is(tablehold.caller_rank(tests.venue_id('the-vault')), 0, 'authenticated claiming the service role is still no more than a guest');
select throws_ok($$ select public.table_live_status(tests.venue_id('nora-kitchen')) $$,
  'TH011', 'You are not allowed to do that.', 'and cannot see the floor either');

select pg_temp.act_as('anon', '{"role": "anon"}');
select ok(not (public.availability(tests.venue_id('the-vault'), '2026-11-27') #> '{units,0,keys,0}' ? 'staff_state'),
  'anon reads the guest view');
select pg_temp.act_as('anon', null);
select lives_ok($$ select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-28',
    p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.com"}') $$,
  'anon without claims books as a guest, with contact details');
select tests.clear_authentication();
select is((select created_by_role || ' / ' || coalesce(created_by::text, 'no user') from tablehold.bookings
            where venue_id = tests.venue_id('copper-bar') order by created_at desc limit 1),
  'anon / no user', 'and is recorded as anon, not as the database');

-- the roles that own the engine, and the service role, stay trusted without claims
select is(pg_temp.kind(), 'service', 'postgres without claims (Studio, psql, cron) is trusted');
select pg_temp.act_as('service_role', null);
select is(tablehold.caller_rank(null), 4, 'service_role without claims is trusted');
select tests.clear_authentication();
select pg_temp.act_as('postgres', (select json_build_object('role', 'authenticated', 'sub', tests.user_id('host@the-vault.test'))::text));
select is(tablehold.caller_rank(tests.venue_id('the-vault')), 1, 'postgres carrying a host''s claims acts as that host');

-- any other role: a guest, whatever claims it sets
select tests.clear_authentication();
create role tablehold_test_reporting nologin;
grant tablehold_test_reporting to postgres;
grant usage on schema tablehold to tablehold_test_reporting;
grant execute on all functions in schema tablehold to tablehold_test_reporting;
select pg_temp.act_as('tablehold_test_reporting', null);
select pg_temp.kind() as without_claims \gset
select pg_temp.act_as('tablehold_test_reporting', '{"role": "service_role"}');
select pg_temp.kind() as with_claims \gset
reset role;
select tests.clear_authentication();
select is(:'without_claims'::text, 'anon', 'a role that does not own the engine is anonymous without claims');
select is(:'with_claims'::text, 'anon', 'and stays anonymous with the claims it set itself');

select * from finish();
rollback;
