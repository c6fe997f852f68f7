-- nora-kitchen's manager books a table, then cancels it "guest called". Every row the engine
-- writes is in the audit trail with the manager's user id and JWT role; the cancel rows carry
-- the booking before and after, and the reason given.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_source => 'staff') ->> 'id' as booking_id \gset
select max(id) as before_cancel from tablehold.audit_log \gset
select public.cancel(:'booking_id', p_reason => 'guest called') ->> 'status' as cancelled \gset
select tests.clear_authentication();

select is(
  (select array_agg(distinct coalesce(actor_user_id::text, 'none') || ' ' || actor_role) from tablehold.audit_log
    where entity_id = :'booking_id' or after ->> 'booking_id' = :'booking_id'),
  array[tests.user_id('manager@nora-kitchen.test') || ' authenticated'], 'every row is attributed to the manager, role authenticated');
select is((select count(*) from tablehold.audit_log where entity = 'bookings' and entity_id = :'booking_id' and action = 'insert'),
  1::bigint, 'the booking''s insert is audited once');
select results_eq(
  format($$select entity, action, before ->> 'status', after ->> 'status', before ->> 'active', after ->> 'active', reason
            from tablehold.audit_log where id > %s order by id$$, :before_cancel),
  $$values ('allocations', 'update', null, null, 'true', 'false', 'guest called'),
           ('bookings', 'update', 'confirmed', 'cancelled', null, null, 'guest called')$$,
  'the cancel writes the allocation release and the status change, each with its before and after and the reason');
select is(
  (select after ->> 'status_reason' from tablehold.audit_log where id > :before_cancel and entity = 'bookings'),
  'guest called', 'the reason is on the booking row too');
select is(
  (select array_agg(distinct venue_id) from tablehold.audit_log where id > :before_cancel), array[tests.venue_id('nora-kitchen')],
  'the rows belong to the venue');
select is((select bool_or(override) from tablehold.audit_log where id > :before_cancel), false, 'nothing was overridden');

select * from finish();
rollback;
