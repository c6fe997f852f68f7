-- The retention job's batch (tablehold.prune_history, migration 20261202186600) with the default
-- windows (availability events 7 days, staff events 30, audit 365, resume window 24 hours). Pruned:
-- an availability event older than its window that a later event of its key supersedes; every event
-- of a night over since before the window; staff events and audit rows older than theirs. Kept: the
-- latest event of each key of a night that can still change, however old (the engine continues the
-- key from it), and everything younger than its window. Only trusted callers may prune.
begin;
select plan(16);
select tests.freeze_time('2026-10-01 12:00Z');

-- a night long over: one event, written on 2026-10-01
select from public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-10-03',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Old", "email": "old@example.com"}');

select tests.freeze_time('2026-11-25 12:00Z');
-- a night ahead: taken (v1), freed (v2), taken again (v3), all aged ten days below
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Ada", "email": "ada@example.com", "date_of_birth": "1990-01-01"}') ->> 'id' as first \gset
select from public.cancel(:'first');
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Bo", "email": "bo@example.com", "date_of_birth": "1990-01-01"}') ->> 'id' as second \gset
-- a change of today: young
select from public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-28',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "New", "email": "new@example.com"}');
set constraints all immediate;  -- the staff feed lines are written at commit,
select from tablehold.publish_staff_events();  -- and numbered after it

-- age the rows as if time had passed (the guards stand down for the engine flag only)
select from set_config('tablehold.engine', 'on', true);
update public.availability_events set occurred_at = occurred_at - interval '10 days'
 where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27';
update public.staff_events set occurred_at = tablehold.clock() - interval '40 days' where booking_id = :'first';
update public.staff_events set occurred_at = tablehold.clock() - interval '10 days' where booking_id = :'second';
select from set_config('tablehold.engine', '', true);
update tablehold.audit_log set at = tablehold.clock() - interval '400 days' where entity_id = :'first';
update tablehold.audit_log set at = tablehold.clock() - interval '100 days' where entity_id = :'second';

create view pg_temp.vault_versions as
  select array_agg(version order by version) as versions from public.availability_events
   where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27';
select is((select versions from pg_temp.vault_versions), array[1, 2, 3]::bigint[], 'the night ahead has three events, ten days old');
select ok((select count(*) from public.staff_events where booking_id = :'first') > 0
          and (select count(*) from tablehold.audit_log where entity_id = :'first') > 0,
  'the first booking has staff feed lines and audit rows, 40 days and 400 days old');
select count(*)::int as staff_before from public.staff_events \gset
select count(*)::int as events_before from public.availability_events \gset
select count(*)::int as audit_before from tablehold.audit_log \gset

-- only trusted callers prune: a host acting through the server's connection cannot
select tests.authenticate_as_seed_user('host@the-vault.test');
set local role postgres;
select throws_ok($$ select tablehold.prune_history() $$, 'TH011', 'You are not allowed to do that.', 'a host cannot prune');
select tests.clear_authentication();

select tablehold.prune_history() as pruned \gset
select is((select versions from pg_temp.vault_versions), array[3]::bigint[],
  'the superseded events went; the latest of the key stays, old as it is, while its night can still change');
select is((select through_version from tablehold.outbox_pruned where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27'),
  2::bigint, 'the night records the highest version it lost, so a stream resuming before it starts from a snapshot');
select is((select count(*)::int from public.availability_events
            where venue_id = tests.venue_id('copper-bar') and service_date = '2026-10-03'), 0,
  'every event of a night over since before the window went, the latest too');
select is((select count(*)::int from public.availability_events
            where venue_id = tests.venue_id('copper-bar') and service_date = '2026-11-28'), 1,
  'a young event stays');
select is((select count(*)::int from public.staff_events where booking_id = :'first'), 0, 'a staff event older than 30 days went');
select is((select count(*)::int from public.staff_events where booking_id = :'second'), 1, 'one of 10 days stays');
select is((select count(*)::int from tablehold.audit_log where entity_id = :'first'), 0, 'an audit row older than a year went');
select ok((select count(*) from tablehold.audit_log where entity_id = :'second') > 0, 'one of 100 days stays');
select is(:'pruned'::jsonb, jsonb_build_object(
    'availability_events', :events_before - (select count(*) from public.availability_events),
    'staff_events', :staff_before - (select count(*) from public.staff_events),
    'audit_log', :audit_before - (select count(*) from tablehold.audit_log)), 'it says how many rows went from each table');
select is((tablehold.prune_history() ->> 'availability_events')::int, 0, 'a second batch finds nothing more');
select results_eq(format($$ select public.channel_resumable(%L, '2026-11-27', v) from unnest(array[1, 2, 3, 4]) v $$, tests.venue_id('the-vault')),
  $$ values (false), (true), (true), (false) $$,
  'a stream may resume after version 2 or 3, not after 1 (version 2 is gone) nor after 4 (there is none yet)');

-- the kept event still carries its key on: the next change continues from it
select from public.cancel(:'second');
-- (were v3 gone too, the engine would take the key for untouched, and a guest freeing the last unit
-- taken would look like no change at all: no event)
select is((select array_agg(remaining order by version) from public.availability_events
            where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27'),
  (select array[v.remaining, v.remaining + 1] from public.availability_events v
    where v.venue_id = tests.venue_id('the-vault') and v.service_date = '2026-11-27' and v.version = 3),
  'the next change of the key continues from the kept event: one more unit free');
select is((select version from tablehold.channels where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27'), 4::bigint,
  'and the channel''s version never goes back');

select * from finish();
rollback;
