-- Local time everywhere (issue 8): one conversion from a venue's wall clock to instants, so that
-- service days tile time across every clock change.
--
-- The rules (README, "Local time"):
-- 1. A wall-clock time of a venue becomes the FIRST instant at which the venue's clocks show that
--    time or later (tablehold.local_instant): in a repeated hour the first pass, in a skipped hour
--    the instant the clocks jump forward. Service days, opening hours and slots all use it, so the
--    service day of date d is [local_instant(d + cutover), local_instant(d + 1 + cutover)): the days
--    tile time exactly, and service_date_of(t) is the day whose window holds t.
--
-- Performance: the SQL helpers are BEGIN ATOMIC bodies without SET clauses and with qualified
-- names, so the planner inlines them into their callers (plan_time, available_times, the
-- snapshots); helpers that need statements (local_instant, turn_time) are plpgsql, whose plans are
-- cached per session. Function signatures are unchanged.

/** The first instant at which the clocks of zone p_timezone show p_local or later.
 *  Usually the one instant showing p_local. In a repeated hour (clocks going back) it is the first
 *  pass; in a skipped hour (clocks jumping forward) it is the instant of the jump.
 *  PostgreSQL's own `p_local at time zone p_timezone` takes the second pass of a repeated time and,
 *  for a skipped time, an instant past the jump by as much as p_local is inside the gap.
 *  Assumes a zone changes its offset at most once within a day, as real zones do.
 *  Example: local_instant('America/New_York', '2026-11-01 01:30') = 2026-11-01 05:30Z (EDT, the first 01:30);
 *           local_instant('America/New_York', '2026-03-08 02:30') = 2026-03-08 07:00Z (03:00 EDT, the jump).
 *  No `set search_path`: it is called several times per booking and per service date, the clause
 *  costs a configuration save and restore on every call, and the body uses only pg_catalog. */
create function tablehold.local_instant(p_timezone text, p_local timestamp)
returns timestamptz
language plpgsql
immutable
strict
as $$
declare
  v_at timestamptz := p_local at time zone p_timezone;
  v_shows timestamp := v_at at time zone p_timezone;
  v_before timestamptz := v_at - interval '1 day';
  v_first timestamptz;
  v_lo bigint;
  v_hi bigint;
  v_mid bigint;
begin
  if v_shows = p_local then
    -- p_local exists; if the clocks went back within the day, the offset before the change may
    -- have shown it earlier: that is the first pass
    v_first := (p_local - ((v_before at time zone p_timezone) - (v_before at time zone 'UTC'))) at time zone 'UTC';
    if v_first < v_at and (v_first at time zone p_timezone) = p_local then
      return v_first;
    end if;
    return v_at;
  end if;
  -- p_local was skipped. v_at shows p_local + (the jump), so the jump happened in
  -- (v_at - (v_shows - p_local), v_at]. Transitions fall on whole seconds: bisect the seconds,
  -- keeping "before the jump" at v_lo and "after" at v_hi.
  v_lo := floor(extract(epoch from v_at - (v_shows - p_local)))::bigint;
  v_hi := ceil(extract(epoch from v_at))::bigint;
  while v_hi - v_lo > 1 loop
    v_mid := (v_lo + v_hi) / 2;
    if (pg_catalog.to_timestamp(v_mid) at time zone p_timezone) >= p_local then
      v_hi := v_mid;
    else
      v_lo := v_mid;
    end if;
  end loop;
  return pg_catalog.to_timestamp(v_hi);
end;
$$;
comment on function tablehold.local_instant(text, timestamp) is 'The first instant at which the zone''s clocks show the local time or later: the first pass of a repeated time, the jump for a skipped one. Every venue wall-clock time becomes an instant through this.';

/** A local (date, time) span as an instant range: closes <= opens means the next day. Each end is
 *  the first instant the clocks show it (tablehold.local_instant), so a span inside a skipped hour
 *  is empty and one across a clock change lasts as long as the clocks say. */
create or replace function tablehold.local_span(p_timezone text, p_date date, p_opens time, p_closes time)
returns tstzrange
language sql
stable
begin atomic
  select pg_catalog.tstzrange(
    tablehold.local_instant(p_timezone, p_date + p_opens),
    tablehold.local_instant(p_timezone, p_date + (p_closes <= p_opens)::int + p_closes));
end;

/** The window of a service date: from the cutover on that date to the next day's cutover, in the
 *  venue's zone, each taken as the first instant the clocks show it (a cutover in a repeated hour
 *  starts the day at its first pass; in a skipped hour, when the clocks jump). Consecutive windows
 *  share their bounds, so service days tile time with no gap and no overlap. */
create or replace function tablehold.service_window(p_venue tablehold.venues, p_date date)
returns tstzrange
language sql
stable
begin atomic
  select pg_catalog.tstzrange(
    tablehold.local_instant(p_venue.timezone, p_date + p_venue.service_day_cutover),
    tablehold.local_instant(p_venue.timezone, p_date + 1 + p_venue.service_day_cutover));
end;

/** The service date an instant belongs to: the date whose service_window holds it (01:30 on a club
 *  night belongs to the previous date). The clock reading less the cutover gives the date, except
 *  after the clocks went back across a cutover, when the next day has already begun. */
create or replace function tablehold.service_date_of(p_venue tablehold.venues, p_at timestamptz)
returns date
language sql
stable
begin atomic
  select ((p_at at time zone p_venue.timezone) - p_venue.service_day_cutover)::date
    + (tablehold.local_instant(p_venue.timezone,
         ((p_at at time zone p_venue.timezone) - p_venue.service_day_cutover)::date + 1 + p_venue.service_day_cutover) <= p_at)::int;
end;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
