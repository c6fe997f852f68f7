-- At SERIALIZABLE (the Edge Functions' default level) a booking change does not take the venue's
-- staff-feed counter at commit, where every other writer of the venue would make it fail with
-- 40001: its staff event is written complete but unnumbered to tablehold.staff_events_pending, and
-- tablehold.publish_staff_events numbers it after the commit (the Edge Functions call it, the SSE
-- poll and a cron job too), gap-free after the venue's last seq. Nobody else may edit the pending
-- rows, and erasing the guest reaches them too. Here the commit-time trigger is fired with
-- `set constraints all immediate` and the numbering runs in the same transaction.
begin isolation level serializable;
select plan(11);
select tests.freeze_time('2026-11-25 12:00Z');
select v.id as venue, u.id as unit from tablehold.venues v join tablehold.units u on u.venue_id = v.id
 where v.slug = 'copper-bar' and u.code = 'table' \gset
select coalesce(max(seq), 0) as last_seq from public.staff_events where venue_id = :'venue' \gset

select tests.authenticate_as_anon();
select public.book(p_venue_id => :'venue', p_party_size => 2, p_date => '2026-11-27', p_unit_ids => array[:'unit']::uuid[],
  p_guest => '{"name": "Ada Lovelace", "email": "ada@example.test"}') as booked \gset
set constraints all immediate;
set constraints all deferred;
select tests.clear_authentication();

select results_eq($$ select booking_id, event ->> 'reference', event ->> 'status', event ->> 'guest_name', event ->> 'actor_role', event ? 'seq'
                     from tablehold.staff_events_pending $$,
  format($$ values (%L::uuid, %L, 'confirmed', 'Ada Lovelace', 'guest', false) $$, :'booked'::jsonb ->> 'id', :'booked'::jsonb ->> 'reference'),
  'the commit-time trigger writes the booking''s staff event, complete, without a seq');
select is((select count(*) from public.staff_events where booking_id = (:'booked'::jsonb ->> 'id')::uuid), 0::bigint,
  'and nothing on the feed yet');
select is((select coalesce(max(seq), 0) from tablehold.staff_feeds where venue_id = :'venue'), :'last_seq'::bigint,
  'nor does it touch the venue''s counter row');

select throws_ok($$ update tablehold.staff_events_pending set event = event || '{"status": "cancelled"}' $$,
  'TH017', 'This change must go through tablehold''s functions.', 'a pending staff event cannot be edited directly');
select throws_ok($$ delete from tablehold.staff_events_pending $$,
  'TH017', 'This change must go through tablehold''s functions.', 'nor deleted');

select is(tablehold.publish_staff_events(:'venue'), 1, 'publish_staff_events numbers the venue''s one pending event');
select results_eq(format($$ select seq, reference, previous_status::text, status::text, units, guest_name, actor_role
                            from public.staff_events where booking_id = %L $$, :'booked'::jsonb ->> 'id'),
  format($$ values (%s::bigint + 1, %L, null, 'confirmed', '{table}'::text[], 'Ada Lovelace', 'guest') $$,
         :'last_seq', :'booked'::jsonb ->> 'reference'),
  'as the row a READ COMMITTED writer would have written, with the venue''s next seq');
select is((select seq from tablehold.staff_feeds where venue_id = :'venue'), :'last_seq'::bigint + 1,
  'the counter moves on by one');
select is_empty($$ select 1 from tablehold.staff_events_pending $$, 'nothing is left pending');

-- a second change, erased before anyone numbers it
select tests.authenticate_as_anon();
select public.book(p_venue_id => :'venue', p_party_size => 2, p_date => '2026-11-27', p_unit_ids => array[:'unit']::uuid[],
  p_guest => '{"name": "Grace Hopper", "email": "grace@example.test"}') ->> 'client_id' as grace \gset
set constraints all immediate;
select tests.clear_authentication();
update tablehold.clients set erased_at = now(), name = 'erased' where id = :'grace';
select is((select count(*) from tablehold.staff_events_pending where event ->> 'guest_name' is null), 1::bigint,
  'erasing the guest blanks the name in their pending staff event too');

select is((select schedule || ' | ' || command from cron.job where jobname = 'tablehold-publish-staff-events'),
  '* * * * * | select tablehold.publish_staff_events()', 'a cron job numbers whatever is left pending every minute');

select * from finish();
rollback;
