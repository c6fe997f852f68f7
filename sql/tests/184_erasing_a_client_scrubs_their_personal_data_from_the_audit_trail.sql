-- The audit trail must not keep what erasure removes: after Ada is erased, no audit row holds her
-- name, contact details, birth date, notes, tags or her bookings' special requests, while the
-- rest of each row (statuses, counts, who did what) stays, and other clients' rows are untouched.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_special_requests => 'nut allergy', p_guest => '{"name": "Ada Lovelace", "email": "ada@example.test", "phone": "+1 212 555 0100"}') as booked \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 20:00 America/New_York', p_special_requests => 'high chair', p_guest => '{"name": "Bo Diddley", "email": "bo@example.test"}') ->> 'id' as bo_booking \gset
select tests.clear_authentication();
update tablehold.clients set notes = 'prefers booth', tags = '{regular}' where id = (:'booked'::jsonb ->> 'client_id')::uuid;

select is((select count(*) from tablehold.audit_log where to_jsonb(audit_log)::text ~ 'Lovelace|ada@example|555 0100|nut allergy|prefers booth'),
  3::bigint, 'before erasure three rows carry her data: the client''s insert and edit, the booking''s one write');
select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select public.client_erase((:'booked'::jsonb ->> 'client_id')::uuid) ->> 'name' as erased_name \gset
select tests.clear_authentication();

select is((select count(*) from tablehold.audit_log where to_jsonb(audit_log)::text ~ 'Lovelace|ada@example|555 0100|nut allergy|prefers booth|regular'),
  0::bigint, 'afterwards no audit row mentions any of it');
select is(
  (select count(*) from tablehold.audit_log l, lateral (select jsonb_object_keys(coalesce(l.before, '{}')) union select jsonb_object_keys(coalesce(l.after, '{}'))) k(key)
    where (l.entity_id = :'booked'::jsonb ->> 'client_id' or l.entity_id = :'booked'::jsonb ->> 'id')
      and k.key in ('name', 'email', 'phone', 'date_of_birth', 'notes', 'tags', 'user_id', 'special_requests')),
  0::bigint, 'her client and booking rows no longer have the personal keys at all');
select is(
  (select array_agg(distinct after ->> 'status') from tablehold.audit_log where entity = 'bookings' and entity_id = :'booked'::jsonb ->> 'id'),
  array['confirmed'], 'her booking row keeps its status');
select results_eq(
  format($$select actor_user_id::text, actor_role, reason, after ->> 'erased_at' from tablehold.audit_log
            where entity = 'clients' and entity_id = %L and action = 'update' and after ->> 'erased_at' is not null$$, :'booked'::jsonb ->> 'client_id'),
  $$values (tests.user_id('manager@nora-kitchen.test')::text, 'authenticated', 'erased', '2026-11-25T12:00:00+00:00')$$,
  'the erasure itself is audited: by the manager, reason erased');
select is((select count(*) from tablehold.audit_log where to_jsonb(audit_log)::text ~ 'Diddley|bo@example|high chair'), 2::bigint,
  'Bo''s two rows (client insert, booking write) are untouched');

select * from finish();
rollback;
