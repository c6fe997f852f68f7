-- tablehold.rate_limit counts one request against each of its buckets in one statement and answers a
-- sliding-window estimate: this window's hits plus the previous window's, weighted by how much of it
-- still lies within the last `window` seconds. Over the limit it says how many seconds until one more
-- request fits. Counters are spread over shard rows (a hot bucket does not queue on one row), keep
-- no address or email in clear, and are pruned after two hours.
begin;
select plan(14);

create function pg_temp.hit(p_buckets text[], p_limits int[], p_windows int[])
returns table (bucket text, hits int, max_hits int, retry_after int) language sql as $$
  select * from tablehold.rate_limit(p_buckets, p_limits, p_windows) order by 1;
$$;

select tests.freeze_time('2026-11-25 12:00:00Z');
select results_eq($$ select hits, retry_after from pg_temp.hit('{write:ip:203.0.113.7}', '{2}', '{60}') $$,
  $$ values (1, 0) $$, 'a first request is within a limit of 2 a minute');
select results_eq($$ select hits, retry_after from pg_temp.hit('{write:ip:203.0.113.7}', '{2}', '{60}') $$,
  $$ values (2, 0) $$, 'so is a second');
select results_eq($$ select hits, max_hits, retry_after from pg_temp.hit('{write:ip:203.0.113.7}', '{2}', '{60}') $$,
  $$ values (3, 2, 100) $$,
  'a third is over, and must wait for this minute to end and fade enough in the next (60 s + 40 s)');

select tests.freeze_time('2026-11-25 12:01:30Z');
select results_eq($$ select hits, retry_after from pg_temp.hit('{write:ip:203.0.113.7}', '{2}', '{60}') $$,
  $$ values (3, 30) $$,
  'half way through the next minute the last one still counts half: 3 x 0.5 + 1 is over, fine again in 30 s');

select tests.freeze_time('2026-11-25 12:02:45Z');
select results_eq($$ select hits, retry_after from pg_temp.hit('{write:ip:203.0.113.7}', '{2}', '{60}') $$,
  $$ values (2, 0) $$, 'three quarters into the minute after: 1 x 0.25 + 1 fits');
select results_eq(
  $$ select bucket, hits, retry_after from pg_temp.hit('{write:ip:203.0.113.7,write:email:ada@example.com}', '{2,5}', '{60,60}') $$,
  $$ values ('write:email:ada@example.com', 1, 0), ('write:ip:203.0.113.7', 3, 45) $$,
  'each bucket of a request is counted and answered on its own (the address: full for this minute, 15 s + 30 s)');

select is((select shard::int from tablehold.rate_counters
           where bucket = md5('write:ip:203.0.113.7')::uuid and window_start = '2026-11-25 12:02Z'),
  pg_backend_pid() % 8, 'a connection counts on its own shard of the bucket');
insert into tablehold.rate_counters (bucket, window_start, shard, hits)
values (md5('write:ip:198.51.100.4')::uuid, '2026-11-25 12:02Z', (pg_backend_pid() + 1) % 8, 5);
select results_eq($$ select hits from pg_temp.hit('{write:ip:198.51.100.4}', '{10}', '{60}') $$,
  $$ values (6) $$, 'and reads the other shards'' hits with its own');
select is_empty($$ select 1 from information_schema.columns
                   where table_schema = 'tablehold' and table_name = 'rate_counters' and data_type = 'text' $$,
  'the counters keep only a hash of each bucket''s key');

select throws_ok($$ select * from tablehold.rate_limit('{a}', '{2}', '{0}') $$, 'TH013', 'The request is not valid.',
  'a window of 0 seconds is refused');
select throws_ok($$ select * from tablehold.rate_limit('{a,b}', '{2}', '{60}') $$, 'TH013', 'The request is not valid.',
  'so are buckets without a limit each');

select tests.freeze_time('2026-11-25 14:10Z');
select is(tablehold.prune_rate_counters(), (select count(*)::int from tablehold.rate_counters where window_start < '2026-11-25 12:10Z'),
  'pruning deletes the windows that ended more than two hours ago');
select is((select schedule || ' | ' || command from cron.job where jobname = 'tablehold-prune-rate-counters'),
  '*/10 * * * * | select tablehold.prune_rate_counters()', 'pg_cron prunes every ten minutes');
select is((select relpersistence::text from pg_class where oid = 'tablehold.rate_counters'::regclass), 'u',
  'the counters are unlogged: no WAL, so their one-statement transactions commit without a flush');

select * from finish();
rollback;
