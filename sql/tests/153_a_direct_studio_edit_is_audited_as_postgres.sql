-- A manager edits a booking row directly in Supabase Studio (a postgres session, no JWT): the
-- change is audited with actor_role postgres, no user, and the row before and after.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York') ->> 'id' as booking_id \gset
select max(id) as booked from tablehold.audit_log \gset

update tablehold.bookings set occasion = 'anniversary', special_requests = 'window seat' where id = :'booking_id';

select is((select count(*) from tablehold.audit_log where id > :booked), 1::bigint, 'the edit writes one audit row');
select is(
  (select entity || ' ' || entity_id || ' ' || action || ' ' || actor_role || ' ' || coalesce(actor_user_id::text, 'no user') from tablehold.audit_log where id > :booked),
  'bookings ' || :'booking_id' || ' update postgres no user', 'it names the booking, the update and the postgres role');
select is(
  (select jsonb_build_object('before', before -> 'occasion', 'after', after -> 'occasion', 'requests', after -> 'special_requests') from tablehold.audit_log where id > :booked),
  '{"before": null, "after": "anniversary", "requests": "window seat"}'::jsonb, 'with the row before and after');
select is((select reason is null and not override from tablehold.audit_log where id > :booked), true, 'no reason, no override');

select * from finish();
rollback;
