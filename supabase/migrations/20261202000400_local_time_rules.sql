-- Local time everywhere (issue 8): one conversion from a venue's wall clock to instants, service
-- days that tile time across every clock change, hours after midnight on the service date's night,
-- pacing buckets on the venue's clock, and configuration that cannot contradict the service day.
--
-- The rules (README, "Local time"):
-- 1. A wall-clock time of a venue becomes the FIRST instant at which the venue's clocks show that
--    time or later (tablehold.local_instant): in a repeated hour the first pass, in a skipped hour
--    the instant the clocks jump forward. Service days, opening hours and slots all use it, so the
--    service day of date d is [local_instant(d + cutover), local_instant(d + 1 + cutover)): the days
--    tile time exactly, and service_date_of(t) is the day whose window holds t.
-- 2. A time before the venue's cutover is on the next calendar day, for opening hours as for slots:
--    weekly hours 00:30-03:00 of a Friday are the early hours of Saturday, the end of Friday's night.
--    Hours and slots must lie within one service day (cutover to next cutover); triggers refuse
--    the rest, so every start the grid offers belongs to the date it is offered for.
-- 3. Pacing buckets are spans of the venue's wall clock: floor((local start - local midnight of the
--    service date) / per) * per, with per dividing a day. Both passes of a repeated hour share a
--    bucket; a skipped hour leaves its buckets empty. Covers are counted within the service date.
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

/** Hours of a service date as instants: a time before the venue's cutover is on the next calendar
 *  day (the early hours after the date's evening), closes <= opens means the day after the opening.
 *  The one placement rule for opening hours, exceptions and slots.
 *  Example: cutover 05:00, Friday 2026-11-27, 00:30-03:00 = Saturday 00:30 to 03:00, local time. */
create function tablehold.service_span(p_venue tablehold.venues, p_date date, p_from time, p_to time)
returns tstzrange
language sql
stable
begin atomic
  select tablehold.local_span(p_venue.timezone,
    p_date + (p_from < p_venue.service_day_cutover)::int, p_from, p_to);
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

/** The venue's opening spans for a service date: the date's exception if any, else the weekly hours,
 *  placed by tablehold.service_span (hours before the cutover are the night's early hours). */
create or replace function tablehold.opening_spans(p_venue tablehold.venues, p_date date)
returns setof tstzrange
language sql
stable
begin atomic
  select tablehold.service_span(p_venue, p_date, e.opens, e.closes)
    from tablehold.opening_exceptions e
   where e.venue_id = p_venue.id and e.service_date = p_date and not e.closed
  union all
  select tablehold.service_span(p_venue, p_date, h.opens, h.closes)
    from tablehold.opening_hours h
   where h.venue_id = p_venue.id
     and h.weekday = extract(isodow from p_date)
     and not exists (
       select 1 from tablehold.opening_exceptions e
        where e.venue_id = p_venue.id and e.service_date = p_date);
end;

/** A slot's window on a service date. A slot starting before the venue cutover is on the next calendar day. */
create or replace function tablehold.slot_window(p_venue tablehold.venues, p_slot tablehold.slots, p_date date)
returns tstzrange
language sql
stable
begin atomic
  select tablehold.service_span(p_venue, p_date, p_slot.starts, p_slot.ends);
end;

/** How long a table booking of this party size lasts. */
create or replace function tablehold.turn_time(p_venue tablehold.venues, p_party_size int)
returns interval
language plpgsql
stable
set search_path = ''
as $$
declare
  v_turn interval;
begin
  select t.duration into v_turn from tablehold.turn_times t
   where t.venue_id = p_venue.id and p_party_size between t.min_party and t.max_party
   order by t.min_party desc limit 1;
  return coalesce(v_turn, p_venue.default_turn);
end;
$$;

/** The table start times of a service date for a booking lasting p_turn: every start_grid step from
 *  each opening, counted in real elapsed time (DST nights neither skip nor repeat a start), that
 *  still ends by that opening's close. The one home of the opening-hours rule for tables:
 *  plan_time accepts exactly these starts and available_times lists them. */
create function tablehold.table_starts(p_venue tablehold.venues, p_date date, p_turn interval)
returns setof timestamptz
language sql
stable
begin atomic
  select pg_catalog.lower(s) + (n * extract(epoch from p_venue.start_grid))::float8 * interval '1 second'
    from tablehold.opening_spans(p_venue, p_date) s,
         pg_catalog.generate_series(0::bigint,
           pg_catalog.floor(extract(epoch from pg_catalog.upper(s) - p_turn - pg_catalog.lower(s))
                            / extract(epoch from p_venue.start_grid))::bigint) n;
end;

/** Why a booking on service date p_date over p_during could not be made at p_now, or null:
 *  'past' (a table's start, a slot's end, a date's last closing time has gone), 'notice' (inside
 *  the venue's minimum notice) or 'horizon' (beyond the booking horizon); the last two unless a
 *  manager overrides. The one home of the booking-window rule: plan_time raises it, available_times
 *  lists only starts it passes. */
create function tablehold.booking_window_problem(
  p_venue tablehold.venues, p_mode tablehold.booking_mode, p_date date, p_during tstzrange,
  p_now timestamptz, p_override boolean)
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  if upper(p_during) <= p_now or (p_mode = 'time' and lower(p_during) < p_now)
     or (p_mode = 'date' and (select max(upper(s)) from tablehold.opening_spans(p_venue, p_date) s) <= p_now) then
    return 'past';
  end if;
  if not p_override then
    if least(lower(p_during), upper(p_during) - interval '1 second') < p_now + p_venue.min_notice
       and (p_mode = 'time' or upper(p_during) <= p_now + p_venue.min_notice) then
      return 'notice';
    end if;
    if p_date > tablehold.service_date_of(p_venue, p_now + p_venue.booking_horizon) then
      return 'horizon';
    end if;
  end if;
  return null;
end;
$$;

/** Resolve and validate when a booking would happen: slot, service date or start time, opening
 *  hours (overnight spans and exceptions included), the start-time grid (tablehold.table_starts),
 *  and the booking window (tablehold.booking_window_problem: no past, minimum notice and horizon
 *  unless a manager overrides). Reads the clock once. */
create or replace function tablehold.plan_time(
  p_venue tablehold.venues, p_mode tablehold.booking_mode, p_party_size int,
  p_date date, p_slot text, p_start timestamptz, p_override boolean)
returns tablehold.booking_plan
language plpgsql
stable
set search_path = ''
as $$
declare
  v_plan tablehold.booking_plan;
  v_slot tablehold.slots;
  v_now timestamptz := tablehold.clock();
  v_turn interval;
  v_problem text;
begin
  v_plan.mode := p_mode;
  case p_mode
    when 'slot' then
      if p_date is null or p_slot is null then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'slot', 'problem', 'date and slot are required'));
      end if;
      select * into v_slot from tablehold.slots s where s.venue_id = p_venue.id and s.code = p_slot;
      if not found then
        perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'slot', 'slot', p_slot));
      end if;
      if not extract(isodow from p_date)::smallint = any (v_slot.weekdays) then
        perform tablehold.fail('OUTSIDE_OPENING_HOURS', jsonb_build_object('slot', p_slot, 'date', p_date));
      end if;
      v_plan.service_date := p_date;
      v_plan.slot_id := v_slot.id;
      v_plan.during := tablehold.slot_window(p_venue, v_slot, p_date);
      v_plan.occupies := v_plan.during;
    when 'date' then
      if p_date is null then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
      end if;
      v_plan.service_date := p_date;
      v_plan.during := tablehold.service_window(p_venue, p_date);
      v_plan.occupies := v_plan.during;
    else
      if p_start is null then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'start', 'problem', 'start is required'));
      end if;
      v_turn := tablehold.turn_time(p_venue, p_party_size);
      v_plan.service_date := tablehold.service_date_of(p_venue, p_start);
      if p_date is not null and p_date <> v_plan.service_date then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'start is not on that service date'));
      end if;
      v_plan.during := tstzrange(p_start, p_start + v_turn);
      v_plan.occupies := tstzrange(p_start, p_start + v_turn + p_venue.buffer);
  end case;

  -- opening hours: a table start is one of the date's grid starts; a slot lies inside one opening
  -- span; a date needs the venue open that date
  if not (case
       when p_mode = 'time' then exists (
         select 1 from tablehold.table_starts(p_venue, v_plan.service_date, v_turn) g where g = p_start)
       else exists (
         select 1 from tablehold.opening_spans(p_venue, v_plan.service_date) s
          where p_mode = 'date' or s @> v_plan.during)
     end) then
    perform tablehold.fail('OUTSIDE_OPENING_HOURS', jsonb_build_object(
      'service_date', v_plan.service_date, 'starts_at', lower(v_plan.during)));
  end if;

  v_problem := tablehold.booking_window_problem(p_venue, p_mode, v_plan.service_date, v_plan.during, v_now, p_override);
  case v_problem
    when 'past' then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'past'));
    when 'notice' then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'notice', 'min_notice', p_venue.min_notice));
    when 'horizon' then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'horizon', 'horizon', p_venue.booking_horizon));
    else
      null;
  end case;
  return v_plan;
end;
$$;

/** Start times a table venue offers on a service date for a party: exactly the starts plan_time
 *  accepts (tablehold.table_starts inside the booking window), each with how many single tables are
 *  free and whether any table or combination fits. */
create or replace function public.available_times(p_venue_id uuid, p_date date, p_party_size int)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
  v_turn interval;
  v_now timestamptz := tablehold.clock();
begin
  v_venue := tablehold.venue(p_venue_id);
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  if p_party_size is null or p_party_size < v_venue.min_party or p_party_size > v_venue.max_party then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party));
  end if;
  v_turn := tablehold.turn_time(v_venue, p_party_size);
  return coalesce((
    select jsonb_agg(jsonb_build_object('starts_at', g.at, 'tables_free', c.singles, 'bookable', c.options > 0) order by g.at)
    from tablehold.table_starts(v_venue, p_date, v_turn) g(at)
    cross join lateral (
      select count(*) filter (where t.kind = 'single') as singles, count(*) as options
      from tablehold.table_candidates(v_venue.id, tstzrange(g.at, g.at + v_turn + v_venue.buffer), p_party_size) t
    ) c
    where tablehold.booking_window_problem(v_venue, 'time', p_date, tstzrange(g.at, g.at + v_turn), v_now, false) is null
  ), '[]');
end;
$$;

-- Configuration that would contradict the rules above is refused where it is written, whatever
-- writes it (Studio, a migration, seed code).

/** Do hours from p_from to p_to (p_to <= p_from: the next day) lie within one service day, from the
 *  cutover to the next day's cutover, with a time before the cutover on the next calendar day?
 *  Measured on the wall clock, as minutes after the cutover: from in [0, 24h), to in (0, 24h].
 *  Example (cutover 05:00): 22:00-04:00 and 00:30-03:00 and 05:00-05:00 do; 22:00-06:00 does not. */
create function tablehold.within_service_day(p_cutover time, p_from time, p_to time)
returns boolean
language sql
immutable
begin atomic
  select p_from - p_cutover + interval '24 hours' * (p_from < p_cutover)::int
       < p_to - p_cutover + interval '24 hours' * (p_to <= p_cutover)::int;
end;

/** Refuse, as INVALID_REQUEST, hours (opening hours, an exception's hours, a slot) of a venue with
 *  cutover p_cutover that do not lie within one service day: a start listed for a date must belong
 *  to that date. p_field names what was refused. */
create function tablehold.require_within_service_day(p_cutover time, p_from time, p_to time, p_field text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not tablehold.within_service_day(p_cutover, p_from, p_to) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', p_field,
      'problem', format('%s to %s does not lie within one service day, which runs from the %s cutover to the next day''s (a time before the cutover is on the next calendar day)',
                        to_char(p_from, 'HH24:MI'), to_char(p_to, 'HH24:MI'), to_char(p_cutover, 'HH24:MI')),
      'from', p_from, 'to', p_to, 'service_day_cutover', p_cutover));
  end if;
end;
$$;

/** Trigger of opening_hours, opening_exceptions and slots: the row's hours, from column TG_ARGV[0]
 *  to column TG_ARGV[1], must lie within one service day of its venue. A closed exception has none. */
create function tablehold.tg_hours__before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_row jsonb := to_jsonb(new);
begin
  if not coalesce((v_row ->> 'closed')::boolean, false) and v_row ->> tg_argv[0] is not null and v_row ->> tg_argv[1] is not null then
    perform tablehold.require_within_service_day(
      (select v.service_day_cutover from tablehold.venues v where v.id = (v_row ->> 'venue_id')::uuid),
      (v_row ->> tg_argv[0])::time, (v_row ->> tg_argv[1])::time, tg_table_name);
  end if;
  return new;
end;
$$;

create trigger tg_opening_hours__before_write
before insert or update of venue_id, opens, closes on tablehold.opening_hours
for each row execute function tablehold.tg_hours__before_write('opens', 'closes');
create trigger tg_opening_exceptions__before_write
before insert or update of venue_id, closed, opens, closes on tablehold.opening_exceptions
for each row execute function tablehold.tg_hours__before_write('opens', 'closes');
create trigger tg_slots__before_write
before insert or update of venue_id, starts, ends on tablehold.slots
for each row execute function tablehold.tg_hours__before_write('starts', 'ends');

/** Moving a venue's cutover must keep its hours and slots within one service day. (Its timezone may
 *  change freely: the rules are on the wall clock, and instants follow through local_instant.)
 *  To move the cutover past existing hours, change the hours first, or delete and re-add them in
 *  the same transaction. */
create function tablehold.tg_venues__before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_hours record;
begin
  for v_hours in
    select h.opens as from_time, h.closes as to_time, 'opening_hours' as field
      from tablehold.opening_hours h where h.venue_id = new.id
    union all
    select e.opens, e.closes, 'opening_exceptions'
      from tablehold.opening_exceptions e where e.venue_id = new.id and not e.closed
    union all
    select s.starts, s.ends, 'slots'
      from tablehold.slots s where s.venue_id = new.id
  loop
    perform tablehold.require_within_service_day(new.service_day_cutover, v_hours.from_time, v_hours.to_time, v_hours.field);
  end loop;
  return new;
end;
$$;

create trigger tg_venues__before_update
before update of service_day_cutover on tablehold.venues
for each row when (old.service_day_cutover is distinct from new.service_day_cutover)
execute function tablehold.tg_venues__before_update();

comment on table tablehold.opening_hours is 'Weekly hours per ISO weekday (1 = Monday) of the service date. closes <= opens spans midnight (22:00 to 04:00); a time before the venue cutover is on the next calendar day (00:30-03:00 on a Friday is the early hours of Saturday, Friday''s night). Hours lie within one service day (a trigger refuses the rest).';
comment on table tablehold.slots is 'Named windows on the weekly schedule (a club night''s 21:00 slot). A start before the venue cutover falls on the next calendar day; ends <= starts spans midnight. Slots lie within one service day (a trigger refuses the rest).';

/** Pacing: at most max_covers may start per interval, venue-wide or per area. Intervals are spans of
 *  the venue's wall clock, counted from local midnight of the service date: the booking's bucket is
 *  [midnight + k * per, midnight + (k + 1) * per) holding its local start, so an hourly rule's
 *  buckets are local 19:00-20:00 whatever the zone's offset (+05:30, +12:45). Across a clock change
 *  a bucket keeps its wall-clock span: both passes of a repeated hour fall into the same buckets
 *  (the cap then covers more real time, never less), and buckets inside a skipped hour are empty.
 *  Covers are counted within the booking's service date, after its own allocation, under an
 *  advisory lock per rule and bucket. */
create or replace function tablehold.check_pacing(p_booking_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_timezone text;
  v_now timestamptz := tablehold.clock();
  v_local timestamp;
  v_rule record;
  v_bucket timestamp;
  v_covers bigint;
begin
  select * into v_booking from tablehold.bookings b where b.id = p_booking_id;
  select v.timezone into v_timezone from tablehold.venues v where v.id = v_booking.venue_id;
  v_local := lower(v_booking.during) at time zone v_timezone;
  for v_rule in
    select r.* from tablehold.pacing_rules r
    where r.venue_id = v_booking.venue_id
      and (r.area_id is null or r.area_id in (
        select u.area_id from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
        where a.booking_id = p_booking_id and a.active))
    order by r.id
  loop
    v_bucket := v_booking.service_date::timestamp
      + (floor(extract(epoch from v_local - v_booking.service_date::timestamp) / extract(epoch from v_rule.per))
         * extract(epoch from v_rule.per))::float8 * interval '1 second';
    perform pg_advisory_xact_lock(hashtextextended(
      'tablehold.pacing:' || v_rule.id || ':' || v_booking.service_date || ':' || v_bucket, 0));
    select coalesce(sum(b.party_size), 0) into v_covers
      from tablehold.bookings b
     where b.venue_id = v_booking.venue_id and b.service_date = v_booking.service_date
       and b.kind = 'booking' and tablehold.status_holds_inventory(b.status)
       and (b.status <> 'held' or b.hold_expires_at > v_now)
       and (lower(b.during) at time zone v_timezone) >= v_bucket
       and (lower(b.during) at time zone v_timezone) < v_bucket + v_rule.per
       and (v_rule.area_id is null or exists (
         select 1 from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
         where a.booking_id = b.id and a.active and u.area_id = v_rule.area_id));
    if v_covers > v_rule.max_covers then
      perform tablehold.fail('PACING_LIMIT_REACHED', jsonb_build_object(
        'interval_start', tablehold.local_instant(v_timezone, v_bucket), 'per', v_rule.per, 'max_covers', v_rule.max_covers));
    end if;
  end loop;
end;
$$;

alter table tablehold.pacing_rules add constraint pacing_rules_per_divides_day_check
  check (per <= interval '1 day' and 86400 % extract(epoch from per) = 0);
comment on column tablehold.pacing_rules.per is 'The interval: at most a day and dividing it evenly (5, 15, 30 minutes, an hour…), so buckets sit on the venue''s clock from local midnight: an hourly rule counts 19:00-20:00.';

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
revoke execute on function public.available_times(uuid, date, int) from public, anon, authenticated;
grant execute on function public.available_times(uuid, date, int) to anon, authenticated, service_role;
