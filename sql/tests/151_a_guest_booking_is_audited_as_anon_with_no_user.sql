-- A guest with the anon key holds a booth, then cancels with their manage token: the audit rows
-- name the role anon and no user; the client record created for them is audited the same way.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select max(id) as seeded from tablehold.audit_log \gset
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}') as held \gset
select public.cancel((:'held'::jsonb ->> 'id')::uuid, :'held'::jsonb ->> 'manage_token', 'changed plans') ->> 'status' as cancelled \gset
select tests.clear_authentication();

select is(
  (select array_agg(distinct entity || ' by ' || actor_role || coalesce(' ' || actor_user_id::text, ''))
     from tablehold.audit_log where id > :seeded),
  array['allocations by anon', 'bookings by anon', 'clients by anon'], 'the client, booking and allocation rows are all by anon, no user');
select is((select after ->> 'name' from tablehold.audit_log where entity = 'clients' and action = 'insert' and id > :seeded),
  'Ada', 'the client insert keeps the new row');
select results_eq(
  format($$select before ->> 'status', after ->> 'status', reason from tablehold.audit_log
            where entity = 'bookings' and entity_id = %L and action = 'update' and before ->> 'status' is distinct from after ->> 'status'$$,
         :'held'::jsonb ->> 'id'),
  $$values ('held', 'cancelled', 'changed plans')$$, 'the guest''s cancel is audited from held to cancelled with their reason');
select is((select count(*) from tablehold.audit_log where id > :seeded and api_key_id is not null),
  0::bigint, 'no API key was involved');

select * from finish();
rollback;
