-- The hold sweeper (pg_cron) and the operational metrics.

/** Mark every hold whose time is up as expired, freeing its inventory and emitting hold_expired
 *  events. Correctness never waits for this: an expired hold already counts as free everywhere.
 *  Channels are locked in the engine's order and held to commit, so each run sweeps at most
 *  p_limit holds (500 by default: well under a second) and bookings never wait long behind it;
 *  the next run takes the rest. Service role and database only. */
create function public.sweep_expired_holds(p_limit int default 500)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_hold record;
  v_swept int := 0;
begin
  perform tablehold.require_rank(null, 4);
  -- channel by channel, in the engine's lock order (venue, date)
  for v_hold in
    select b.id, b.venue_id, b.service_date from tablehold.bookings b
    where b.status = 'held' and b.hold_expires_at <= tablehold.clock()
    order by b.venue_id, b.service_date, b.id
    limit greatest(coalesce(p_limit, 500), 1)
  loop
    perform tablehold.lock_channels(v_hold.venue_id, array[v_hold.service_date]);
    update tablehold.bookings b set status = 'expired', status_reason = 'hold_expired'
     where b.id = v_hold.id and b.status = 'held' and b.hold_expires_at <= tablehold.clock();
    v_swept := v_swept + 1;
  end loop;
  return v_swept;
end;
$$;
comment on function public.sweep_expired_holds(int) is 'Expire holds whose TTL has passed. Run by pg_cron (job tablehold-sweep-expired-holds).';

/** Count a refused booking attempt. The refused transaction has rolled back, so the caller (the
 *  Edge Functions, or any trusted client) records it afterwards in a transaction of its own.
 *  p_stale: the caller's availability view was behind (error detail "stale": true). */
create function public.record_refusal(p_venue_id uuid, p_code text, p_stale boolean default false)
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
  insert into tablehold.refusals as r (venue_id, day, code, stale, count)
  values (p_venue_id, (tablehold.clock() at time zone v_timezone)::date, p_code, coalesce(p_stale, false), 1)
  on conflict (venue_id, day, code, stale) do update set count = r.count + 1;
end;
$$;

create view tablehold.venue_daily_metrics
with (security_invoker = true)
as
with made as (
  -- the day a booking happened, on the engine clock, in the venue's zone
  select b.venue_id, (coalesce(b.held_at, b.submitted_at, b.created_at) at time zone v.timezone)::date as day,
    count(*) filter (where b.submitted_at is not null) as bookings_made,
    count(*) filter (where b.held_at is not null) as holds_created,
    count(*) filter (where b.held_at is not null and b.submitted_at is not null) as holds_confirmed,
    count(*) filter (where b.status = 'expired') as holds_expired
  from tablehold.bookings b join tablehold.venues v on v.id = b.venue_id
  where b.kind = 'booking'
  group by 1, 2
), by_code as (
  select r.venue_id, r.day, r.code, sum(r.count) as count, sum(r.count) filter (where r.stale) as stale
  from tablehold.refusals r
  group by 1, 2, 3
), refused as (
  select c.venue_id, c.day, sum(c.count) as refused, coalesce(sum(c.stale), 0) as stale_refused,
    jsonb_object_agg(c.code, c.count) as by_code
  from by_code c
  group by 1, 2
)
select coalesce(m.venue_id, f.venue_id) as venue_id, coalesce(m.day, f.day) as day,
  coalesce(m.bookings_made, 0) as bookings_made,
  coalesce(m.holds_created, 0) as holds_created,
  coalesce(m.holds_confirmed, 0) as holds_confirmed,
  coalesce(m.holds_expired, 0) as holds_expired,
  round(m.holds_confirmed::numeric / nullif(m.holds_created, 0), 4) as hold_conversion,
  coalesce(f.refused, 0) as conflicts_prevented,
  coalesce(f.stale_refused, 0) as stale_view_refusals,
  coalesce(f.by_code, '{}') as refusals_by_code
from made m full join refused f on f.venue_id = m.venue_id and f.day = m.day;
comment on view tablehold.venue_daily_metrics is 'Per venue and day: bookings made, guest holds created / confirmed / expired and the conversion rate (a direct booking is not a hold), refused attempts by error code (conflicts prevented) and those refused because the caller''s view was stale.';

/** A venue's operational metrics for a date range (manager and up). */
create function public.venue_metrics(p_venue_id uuid, p_from date, p_to date)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 2);
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 366 then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'to', 'problem', 'a range of at most 366 days'));
  end if;
  return coalesce((
    select jsonb_agg(to_jsonb(m) - 'venue_id' order by m.day)
    from tablehold.venue_daily_metrics m
    where m.venue_id = p_venue_id and m.day between p_from and p_to), '[]');
end;
$$;

-- pg_cron: '10 seconds' where pg_cron >= 1.5 (hosted Supabase), every minute otherwise.
-- cron.schedule upserts by job name, so re-running this is harmless.
create extension if not exists pg_cron;
do $$
declare
  v_version int[] := (select (regexp_match(e.extversion, '^(\d+)\.(\d+)'))::int[] from pg_extension e where e.extname = 'pg_cron');
begin
  perform cron.schedule('tablehold-sweep-expired-holds',
    case when v_version >= array[1, 5] then '10 seconds' else '* * * * *' end,
    'select public.sweep_expired_holds()');
end;
$$;
