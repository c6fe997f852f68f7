-- Refusal counts spread over shards, so refused attempts never queue behind each other.
--
-- A refused attempt is counted after its transaction rolled back (public.record_refusal), in a
-- transaction of its own. With one counter row per (venue, day, code, stale), every refusal of a
-- flash crowd updated the same row and held its lock through its commit's flush: 950 refusals of
-- one section passed that row one at a time (BENCHMARKS, "Engine v2": the flash crowd's counting
-- took 3.5 s of database time, most of it waiting for the row). Each connection now counts into its
-- own shard (its backend pid modulo 16); readers sum the shards, as venue_daily_metrics already
-- does with its group by.

alter table tablehold.refusals add column shard smallint not null default 0
  constraint refusals_shard_check check (shard between 0 and 15);
alter table tablehold.refusals drop constraint refusals_pkey,
  add constraint refusals_pkey primary key (venue_id, day, code, stale, shard);
comment on column tablehold.refusals.shard is 'Which of 16 counters of the (venue, day, code, stale) this row is: the recording connection''s backend pid modulo 16, so concurrent refusals rarely update one row. Sum over shards to read a count.';

/** Count a refused booking attempt (see 20261202101100), into the connection's shard. */
create or replace function public.record_refusal(p_venue_id uuid, p_code text, p_stale boolean default false)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_timezone text;
begin
  perform tablehold.require_rank(p_venue_id, 4);
  v_timezone := (tablehold.venue(p_venue_id)).timezone;
  if not exists (select 1 from tablehold.error_codes e where e.code = p_code) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'code', 'problem', 'unknown error code'));
  end if;
  insert into tablehold.refusals as r (venue_id, day, code, stale, shard, count)
  values (p_venue_id, (tablehold.clock() at time zone v_timezone)::date, p_code, coalesce(p_stale, false),
          pg_backend_pid() % 16, 1)
  on conflict (venue_id, day, code, stale, shard) do update set count = r.count + 1;
end;
$$;
