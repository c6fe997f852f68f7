-- Rate limits counted in PostgreSQL, no Redis (concern: abuse limits, new).
--
--   * tablehold.rate_counters: hits per bucket (a hashed '<route class>:<kind>:<value>', e.g. the
--     write routes of one client address) per fixed window, spread over a few shard rows so that a
--     burst of one bucket (a thousand guests behind one address, a venue's own Wi-Fi) does not
--     queue on one row. Unlogged: counters are worth nothing after a crash, and a table that writes
--     no WAL lets its one-statement transactions commit without waiting for a WAL flush.
--   * tablehold.rate_limit(buckets, limits, windows): one statement that counts the request against
--     each of its buckets and answers each bucket's sliding-window estimate (the previous window
--     weighted by how much of it still overlaps the last `window` seconds, plus the current one)
--     and, when over, how long to wait. The Edge Functions call it on the pool, outside the
--     request's transaction (functions/_shared/limits.ts), so a counter row is locked for one
--     statement, never for a booking's whole SERIALIZABLE transaction.
--   * pg_cron prunes windows older than two hours every ten minutes.

/** Request counts per bucket, window and shard (see tablehold.rate_limit). */
create unlogged table tablehold.rate_counters (
  bucket       uuid        not null,
  window_start timestamptz not null,
  shard        smallint    not null check (shard >= 0),
  hits         int         not null check (hits >= 0),
  primary key (bucket, window_start, shard)
) with (fillfactor = 70);  -- room for HOT updates: the counters are rewritten in place
comment on table tablehold.rate_counters is
  'Rate limit counters: hits per bucket (md5 of the bucket key, so no address or email is kept) per fixed window, over a few shard rows. Written by tablehold.rate_limit only; unlogged (lost on a crash, by design).';

/** Count one request against each bucket and say where it stands. A bucket is a key
 *  ('write:ip:203.0.113.7', 'write:email:ada@example.com'), its limit and its window in seconds
 *  (1 to 3600); the three arrays run in parallel. Answers one row per bucket: its sliding-window
 *  estimate including this request (`hits`), the limit, and `retry_after`, the seconds until one
 *  more request would be allowed (0 while within the limit). Refused requests count too: a client
 *  that keeps hammering stays refused.
 *
 *  One statement: each bucket's hit lands on shard pg_backend_pid() % p_shards of its window
 *  (rows locked in bucket order, so two requests sharing buckets never deadlock), and the other
 *  shards and the previous window are read in the same statement (their committed values: a
 *  concurrent hit on another shard may be missed by a few, never a hit on this row).
 *  Example: select * from tablehold.rate_limit(array['write:ip:203.0.113.7'], array[20], array[60]); */
create function tablehold.rate_limit(p_buckets text[], p_limits int[], p_windows int[], p_shards int default 8)
returns table (bucket text, hits int, max_hits int, retry_after int)
language plpgsql
volatile
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_now double precision := extract(epoch from tablehold.clock());
begin
  if cardinality(p_buckets) is distinct from cardinality(p_limits) or cardinality(p_buckets) is distinct from cardinality(p_windows)
     or exists (select 1 from unnest(p_limits, p_windows) l(max_hits, win) where l.max_hits < 1 or l.win not between 1 and 3600)
     or p_shards not between 1 and 64 then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('problem', 'one limit >= 1 and one window of 1 to 3600 seconds per bucket'));
  end if;
  return query
  with k as (
    select b.key, md5(b.key)::uuid as id, b.max_hits, b.win,
           to_timestamp(floor(v_now / b.win) * b.win) as ws,
           (v_now - floor(v_now / b.win) * b.win) / b.win as elapsed  -- how much of the window has passed, 0 to 1
    from unnest(p_buckets, p_limits, p_windows) b(key, max_hits, win)
  ), hit as (
    insert into tablehold.rate_counters as c (bucket, window_start, shard, hits)
    select k.id, k.ws, (pg_backend_pid() % p_shards)::smallint, 1 from k order by k.id
    on conflict on constraint rate_counters_pkey do update set hits = c.hits + 1
    returning c.bucket, c.window_start, c.shard, c.hits
  ), seen as (
    select k.key, k.max_hits, k.win, k.elapsed,
           hit.hits + coalesce((select sum(c.hits) from tablehold.rate_counters c
                                where c.bucket = k.id and c.window_start = k.ws and c.shard <> hit.shard), 0) as cur,
           coalesce((select sum(c.hits) from tablehold.rate_counters c
                     where c.bucket = k.id and c.window_start = k.ws - make_interval(secs => k.win)), 0) as prev
    from k join hit on hit.bucket = k.id and hit.window_start = k.ws
  )
  select s.key, ceil(s.prev * (1 - s.elapsed) + s.cur)::int, s.max_hits,
         case when s.prev * (1 - s.elapsed) + s.cur <= s.max_hits then 0
              -- one more fits once the previous window's weight has dropped far enough in this window
              when s.cur < s.max_hits then greatest(1, ceil(s.win * ((1 - (s.max_hits - s.cur - 1)::numeric / s.prev) - s.elapsed)))::int
              -- or, past this window's own count, once this window has faded enough in the next
              else greatest(1, ceil(s.win * ((1 - s.elapsed) + (1 - (s.max_hits - 1)::numeric / s.cur))))::int
         end
  from seen s;
end;
$$;
comment on function tablehold.rate_limit(text[], int[], int[], int) is
  'Count one request against each bucket (key, limit, window seconds) in one statement; answers each bucket''s sliding-window estimate and the seconds until one more request fits (0 while within the limit). Called by the Edge Functions before the request''s transaction.';

/** Delete the counters of windows that ended more than two hours ago (run every ten minutes). */
create function tablehold.prune_rate_counters()
returns int
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_count int;
begin
  delete from tablehold.rate_counters c where c.window_start < tablehold.clock() - interval '2 hours';
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

do $$
begin
  perform cron.schedule('tablehold-prune-rate-counters', '*/10 * * * *', 'select tablehold.prune_rate_counters()');
end;
$$;

alter table tablehold.rate_counters enable row level security;
create policy "only the server reads rate counters" on tablehold.rate_counters for select to service_role using (true);
revoke all on tablehold.rate_counters from public, anon, authenticated;
grant all on tablehold.rate_counters to service_role;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
