-- The sweeper expires holds as a set, and each expired hold leaves its trail: one audit row for the
-- booking (held → expired) with the allocations it released inside (before: active; after:
-- released), made by the database session that swept (pg_cron runs as postgres), and one line on
-- the venue's staff feed per booking (held → expired, hold_expired), written with the expiry and
-- left pending like every writer's, numbered after commit (tablehold.publish_staff_events). A live
-- hold leaves none.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');

create temp table lapsed (id uuid) on commit drop;
insert into lapsed select (public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')]::uuid[], p_guest => jsonb_build_object('name', 'Guest ' || n, 'email', 'guest-' || n || '@example.test')) ->> 'id')::uuid
  from generate_series(1, 3) n;
insert into lapsed select (public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')]::uuid[], p_override => true) ->> 'id')::uuid;
select tests.freeze_time('2026-11-25 12:03Z');
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')]::uuid[]) ->> 'id' as live \gset
set constraints all immediate;  -- the staff feed of the holds made above
select coalesce(max(id), 0) as mark, (select coalesce(max(id), 0) from tablehold.staff_events_pending) as pending_mark
  from tablehold.audit_log \gset

set constraints all deferred;
select tests.freeze_time('2026-11-25 12:06Z');
select is(public.sweep_expired_holds(), 4, 'the sweep expires the four lapsed holds');

select set_eq(format($$ select entity_id::uuid, before ->> 'status' as before, after ->> 'status' as after, after ->> 'status_reason' as reason, actor_role, actor_user_id
                          from tablehold.audit_log where id > %s and entity = 'bookings' $$, :mark),
  $$ select id, 'held' as before, 'expired' as after, 'hold_expired' as reason, 'postgres' as actor_role, null::uuid as actor_user_id from lapsed $$,
  'each expired booking has one audit row, held → expired, made by the postgres session');
select set_eq(format($$ select (x.b ->> 'booking_id')::uuid, x.b ->> 'active' as before, x.a ->> 'active' as after, x.a ->> 'expires_at' as expires_at
                          from tablehold.audit_log l,
                               lateral (select b, a from jsonb_array_elements(l.before -> 'allocations') b
                                        join jsonb_array_elements(l.after -> 'allocations') a on a ->> 'id' = b ->> 'id') x
                         where l.id > %s and l.entity = 'bookings' $$, :mark),
  $$ select a.booking_id, 'true' as before, 'false' as after, null as expires_at from tablehold.allocations a where a.booking_id in (select id from lapsed) $$,
  'each allocation it released is in its booking''s audit row, active before, released after (no audit row of its own)');
select is_empty(format($$ select 1 from tablehold.audit_log where id > %s and entity_id = %L $$, :mark, :'live'),
  'the live hold has no new audit row');

set constraints all immediate;
select is((select count(*)::int from tablehold.staff_events_pending where id > :pending_mark), 4,
  'the sweep writes the staff feed lines itself, with the expiry, and commit adds none: four pending lines');
select tablehold.publish_staff_events();
select set_eq($$ select booking_id, previous_status::text, status::text, reason, actor_role, units from public.staff_events where status = 'expired' and booking_id in (select id from lapsed) $$,
  $$ select b.id, 'held' as previous_status, 'expired' as status, 'hold_expired' as reason, 'database' as actor_role,
            array(select distinct u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id where a.booking_id = b.id order by u.code)
       from tablehold.bookings b where b.id in (select id from lapsed) $$,
  'numbered, they are one staff feed line per expired booking: held → expired, hold_expired, by the database, with its units');

select * from finish();
rollback;
