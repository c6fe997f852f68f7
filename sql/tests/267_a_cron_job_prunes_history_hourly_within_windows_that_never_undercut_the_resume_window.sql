-- Retention (migration 20261202186600): pg_cron runs the batched pruning every hour; the windows are
-- one row with documented defaults, edited with SQL, and an outbox window shorter than the resume
-- window is refused: nothing a reconnecting client may still ask for is ever pruned. A longer window
-- keeps more: with the availability events kept 30 days, ten-day-old superseded events stay.
begin;
select plan(9);
select tests.freeze_time('2026-11-25 12:00Z');

select is((select schedule || ' | ' || command || ' | ' || active::text || ' | ' || username from cron.job
            where jobname = 'tablehold-prune-history'),
  '37 * * * * | call tablehold.prune_history_in_batches() | true | postgres',
  'the job calls the batched pruning every hour, as postgres (a trusted caller)');
select results_eq($$ select resume_window, availability_events, staff_events, audit_log from tablehold.retention $$,
  $$ values (interval '24 hours', interval '7 days', interval '30 days', interval '365 days') $$,
  'the windows are one row with the documented defaults');

select throws_ok($$ update tablehold.retention set availability_events = interval '12 hours' $$, '23514',
  'new row for relation "retention" violates check constraint "retention_outbox_check"',
  'availability events cannot be kept for less than the resume window');
select throws_ok($$ update tablehold.retention set resume_window = interval '60 days' $$, '23514',
  'new row for relation "retention" violates check constraint "retention_outbox_check"',
  'nor can the resume window outgrow what is kept');
select throws_ok($$ insert into tablehold.retention default values $$, '23505',
  'duplicate key value violates unique constraint "retention_pkey"', 'there is one row of windows');
select throws_ok($$ delete from tablehold.retention $$, 'TH017', 'This change must go through tablehold''s functions.',
  'and it cannot be deleted');
select lives_ok($$ update tablehold.retention set availability_events = interval '30 days', audit_log = interval '2 years' $$,
  'longer windows are an update');

-- ten-day-old superseded events: kept under a 30-day window
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Ada", "email": "ada@example.com", "date_of_birth": "1990-01-01"}') ->> 'id' as booking \gset
select from public.cancel(:'booking');
select from set_config('tablehold.engine', 'on', true);
update public.availability_events set occurred_at = occurred_at - interval '10 days'
 where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27';
select from set_config('tablehold.engine', '', true);
select from tablehold.prune_history();
select is((select count(*)::int from public.availability_events where venue_id = tests.venue_id('the-vault') and service_date = '2026-11-27'), 2,
  'with a 30-day window, ten-day-old events stay');
select is_empty($$ select 1 from pg_proc p where p.proname in ('prune_history', 'prune_history_in_batches')
                     and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute')) $$,
  'neither anon nor signed-in users may run the pruning');

select * from finish();
rollback;
