-- The two live feeds: public.availability_events (public, anon reads it) and public.staff_events
-- (booking changes with guest names: staff of the venue only) are both in the supabase_realtime
-- publication; tablehold.append_event wakes the SSE streams on each event, and the staff event trigger
-- runs at commit (deferrable, initially deferred).
begin;
select plan(10);

select set_eq($$ select t.tablename::text from pg_publication_tables t
                 where t.pubname = 'supabase_realtime' and t.tablename in ('availability_events', 'staff_events') and t.schemaname = 'public' $$,
  array['availability_events', 'staff_events'], 'both feed tables are in the supabase_realtime publication');
select is((select count(*)::int from pg_trigger where tgrelid = 'public.availability_events'::regclass and tgname like '%notify%'), 0,
  'no NOTIFY trigger: tablehold.append_event, the one writer of events, announces each one in the statement that appends it');
select results_eq($$ select t.tgdeferrable, t.tginitdeferred, c.condeferrable, c.condeferred
                     from pg_trigger t join pg_constraint c on c.oid = t.tgconstraint
                     where t.tgrelid = 'tablehold.bookings'::regclass and t.tgname = 'tg_bookings__staff_event' $$,
  $$ values (true, true, true, true) $$, 'the staff event trigger on bookings is a constraint trigger, deferrable initially deferred');

-- just one staff event at the-vault and one at nora-kitchen, written as the engine would (direct
-- edits of the feed are refused: 179)
select set_config('tablehold.engine', 'on', true);
delete from public.staff_events;
insert into public.staff_events (venue_id, seq, service_date, booking_id, reference, kind, status, party_size, starts_at, ends_at, guest_name, units, actor_role)
values (tests.venue_id('the-vault'), 1, '2026-11-27', gen_random_uuid(), 'BR-261127-VAULT1', 'booking', 'confirmed', 4,
        '2026-11-27 22:00Z', '2026-11-28 01:00Z', 'Ada Lovelace', '{vip-booth-1}', 'guest'),
       (tests.venue_id('nora-kitchen'), 1, '2026-11-27', gen_random_uuid(), 'BR-261127-NORA01', 'booking', 'confirmed', 2,
        '2026-11-27 23:00Z', '2026-11-28 00:30Z', 'Grace Hopper', '{t1}', 'guest');
select set_config('tablehold.engine', '', true);

select tests.authenticate_as_anon();
select lives_ok($$ select count(*) from public.availability_events $$, 'anon reads the availability events');
select throws_ok($$ select count(*) from public.staff_events $$,
  '42501', 'permission denied for table staff_events', 'anon may not read the staff events at all');

-- guest@example.test is a signed-in customer with no staff role
select tests.authenticate_as_seed_user('guest@example.test');
select is_empty($$ select reference from public.staff_events $$, 'a signed-in customer sees no staff event');

-- the-vault's host
select tests.authenticate_as_seed_user('host@the-vault.test');
select results_eq($$ select reference, guest_name from public.staff_events $$,
  $$ values ('BR-261127-VAULT1', 'Ada Lovelace') $$, 'the-vault''s host sees the-vault''s events and not nora-kitchen''s');
select throws_ok($$ insert into public.staff_events (venue_id, seq, service_date, booking_id, reference, kind, status, party_size, starts_at, ends_at, actor_role)
                    values (tests.venue_id('the-vault'), 2, '2026-11-27', gen_random_uuid(), 'BR-FORGED', 'booking', 'confirmed', 2,
                            '2026-11-27 22:00Z', '2026-11-28 01:00Z', 'host') $$,
  '42501', 'permission denied for table staff_events', 'staff read the feed but cannot write to it');

-- nora-kitchen's host
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select results_eq($$ select reference, guest_name from public.staff_events $$,
  $$ values ('BR-261127-NORA01', 'Grace Hopper') $$, 'nora-kitchen''s host sees only nora-kitchen''s events');

-- northern-nights' owner is staff at every venue of the operator, the-vault included
select tests.authenticate_as_seed_user('owner@northern-nights.test');
select results_eq($$ select reference from public.staff_events $$,
  $$ values ('BR-261127-VAULT1') $$, 'the operator''s owner sees the-vault''s events, not another operator''s');

select * from finish();
rollback;
