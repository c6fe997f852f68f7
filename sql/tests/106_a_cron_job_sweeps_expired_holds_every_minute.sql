-- pg_cron runs the sweeper: every minute with pg_cron 1.4 (this cluster), '10 seconds' from 1.5.
-- It calls the procedure that sweeps in batches and commits after each, so that no night stays
-- locked for longer than one batch (a function cannot commit).
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

select is((select (regexp_match(extversion, '^(\d+)\.(\d+)'))::int[] from pg_extension where extname = 'pg_cron'), array[1, 4], 'this cluster runs pg_cron 1.4');
select is((select count(*) from cron.job where jobname = 'tablehold-sweep-expired-holds'), 1::bigint,
  'the job tablehold-sweep-expired-holds is scheduled once');
select is((select schedule || ' | ' || command || ' | ' || active::text from cron.job where jobname = 'tablehold-sweep-expired-holds'),
  '* * * * * | call tablehold.sweep_expired_holds_in_batches() | true', 'it calls the batched sweeper every minute');
select is((select username || '@' || database from cron.job where jobname = 'tablehold-sweep-expired-holds'),
  'postgres@postgres', 'it runs as postgres in the postgres database, a trusted caller of the sweeper');

select * from finish();
rollback;
