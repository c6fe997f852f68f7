-- Venues and time: what a venue is and sells (operators, venues, opening hours and exceptions, turn
-- times, areas, slots, inventory units, combinations of tables, pacing rules), and the one set of
-- rules that turns the venue's wall clock into instants (README, "Local time").
--
-- 1. A wall-clock time of a venue becomes the FIRST instant at which the venue's clocks show that
--    time or later (tablehold.local_instant): in a repeated hour the first pass, in a skipped hour
--    the instant the clocks jump forward. Service days, opening hours and slots all use it, so the
--    service day of date d is [local_instant(d + cutover), local_instant(d + 1 + cutover)): the days
--    tile time exactly, and service_date_of(t) is the day whose window holds t.
-- 2. A time before the venue's cutover is on the next calendar day, for opening hours as for slots:
--    weekly hours 00:30-03:00 of a Friday are the early hours of Saturday, the end of Friday's night.
--    Hours and slots must lie within one service day (cutover to next cutover); triggers refuse
--    the rest, so every start the grid offers belongs to the date it is offered for.
-- 3. Table start times (tablehold.table_starts) and the booking window (tablehold.booking_window_problem)
--    each have one home here: plan_time accepts a start exactly when available_times lists it.
-- Pacing buckets, also on the venue's clock, are counted where bookings are placed
-- (20261202100800_placing_a_booking.sql, tablehold.check_pacing).
--
-- Performance: the SQL helpers are BEGIN ATOMIC bodies without SET clauses and with qualified
-- names, so the planner inlines them into their callers (plan_time, available_times, the
-- snapshots); helpers that need statements (local_instant, turn_time) are plpgsql, whose plans are
-- cached per session.

-- What a venue is: it decides nothing by itself (the units do), but the API shows it.
create type tablehold.venue_kind as enum ('bar', 'club', 'restaurant');

-- pooled: N interchangeable units, counted; exclusive: one unit, kept apart by the exclusion constraint.
create type tablehold.capacity_mode as enum ('pooled', 'exclusive');

-- How a unit is booked: per slot, per service date, or at start times on the grid (tables).
create type tablehold.booking_mode as enum ('slot', 'date', 'time');
-- What a unit is; tables and booths are refused as TABLE_NOT_AVAILABLE, the rest as SECTION_NOT_AVAILABLE.
create type tablehold.unit_type as enum ('table', 'booth', 'section', 'seat_option');

/** True when `p_timezone` is an IANA zone name PostgreSQL knows. Used by check constraints. */
create function tablehold.is_valid_timezone(p_timezone text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select exists (select 1 from pg_catalog.pg_timezone_names t where t.name = p_timezone);
$$;

create table tablehold.operators (
  id         uuid primary key default gen_random_uuid(),
  slug       text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name       text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);
comment on table tablehold.operators is 'The business that owns one or more venues.';

create table tablehold.venues (
  id                  uuid primary key default gen_random_uuid(),
  operator_id         uuid not null references tablehold.operators (id),
  slug                text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name                text not null check (length(name) between 1 and 200),
  kind                tablehold.venue_kind not null,
  timezone            text not null constraint venues_timezone_check check (tablehold.is_valid_timezone(timezone)),
  service_day_cutover time not null default '05:00',
  booking_horizon     interval not null default '180 days' check (booking_horizon > interval '0'),
  min_notice          interval not null default '0' check (min_notice >= interval '0'),
  min_party           int not null default 1,
  max_party           int not null default 50,
  min_age             int check (min_age between 1 and 99),
  hold_ttl            interval not null default '5 minutes' check (hold_ttl > interval '0' and hold_ttl <= interval '1 day'),
  start_grid          interval not null default '15 minutes' check (start_grid >= interval '1 minute'),
  default_turn        interval not null default '2 hours' check (default_turn > interval '0'),
  buffer              interval not null default '0' check (buffer >= interval '0'),
  requires_approval   boolean not null default false,
  created_at          timestamptz not null default now(),
  constraint venues_party_limits_check check (min_party >= 1 and max_party >= min_party and max_party <= 500)
);
comment on table tablehold.venues is 'A bar, club or restaurant. Times are interpreted in its IANA timezone; a service day runs from service_day_cutover to the next day''s cutover, so a 01:30 booking belongs to the previous date.';
comment on column tablehold.venues.start_grid is 'Table venues offer start times every start_grid from opening.';
comment on column tablehold.venues.buffer is 'Kept free after each table booking (clearing, resetting).';

/** The venue row, or NOT_FOUND. */
create function tablehold.venue(p_venue_id uuid)
returns tablehold.venues
language plpgsql
stable
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
begin
  select * into v_venue from tablehold.venues v where v.id = p_venue_id;
  if not found then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'venue'));
  end if;
  return v_venue;
end;
$$;

-- When a venue opens, and its named windows.
create table tablehold.opening_hours (
  id       bigint primary key generated always as identity,
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  weekday  smallint not null check (weekday between 1 and 7),
  opens    time not null,
  closes   time not null,
  unique (venue_id, weekday, opens)
);
comment on table tablehold.opening_hours is 'Weekly hours per ISO weekday (1 = Monday) of the service date. closes <= opens spans midnight (22:00 to 04:00); a time before the venue cutover is on the next calendar day (00:30-03:00 on a Friday is the early hours of Saturday, Friday''s night). Hours lie within one service day (a trigger refuses the rest).';

create table tablehold.opening_exceptions (
  venue_id     uuid not null references tablehold.venues (id) on delete cascade,
  service_date date not null,
  closed       boolean not null default false,
  opens        time,
  closes       time,
  note         text,
  primary key (venue_id, service_date),
  constraint opening_exceptions_hours_check check (closed or (opens is not null and closes is not null))
);
comment on table tablehold.opening_exceptions is 'A closed day, or special hours replacing the weekly hours for one service date.';

create table tablehold.turn_times (
  venue_id  uuid not null references tablehold.venues (id) on delete cascade,
  min_party int not null check (min_party >= 1),
  max_party int not null,
  duration  interval not null check (duration > interval '0'),
  primary key (venue_id, min_party),
  constraint turn_times_party_check check (max_party >= min_party)
);
comment on table tablehold.turn_times is 'How long a table booking lasts by party size; venues.default_turn otherwise.';

create table tablehold.slots (
  id       uuid primary key default gen_random_uuid(),
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  code     text not null check (code ~ '^[a-z0-9_]{1,64}$'),
  name     text not null,
  weekdays smallint[] not null default '{1,2,3,4,5,6,7}' constraint slots_weekdays_check check (weekdays <@ '{1,2,3,4,5,6,7}' and cardinality(weekdays) > 0),
  starts   time not null,
  ends     time not null,
  unique (venue_id, code)
);
comment on table tablehold.slots is 'Named windows on the weekly schedule (a club night''s 21:00 slot). A start before the venue cutover falls on the next calendar day; ends <= starts spans midnight. Slots lie within one service day (a trigger refuses the rest).';

-- What a venue sells.
create table tablehold.areas (
  id       uuid primary key default gen_random_uuid(),
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  name     text not null check (length(name) between 1 and 100),
  unique (venue_id, name)
);

create table tablehold.units (
  id                uuid primary key default gen_random_uuid(),
  venue_id          uuid not null references tablehold.venues (id) on delete cascade,
  area_id           uuid references tablehold.areas (id) on delete set null,
  code              text not null check (code ~ '^[a-z0-9_-]{1,64}$'),
  name              text not null,
  unit_type         tablehold.unit_type not null,
  capacity_mode     tablehold.capacity_mode not null,
  booking_mode      tablehold.booking_mode not null,
  capacity          int not null default 1,
  min_covers        int not null default 1 check (min_covers >= 1),
  max_covers        int not null default 1,
  premium           boolean not null default false,
  min_spend         numeric(10, 2) not null default 0 check (min_spend >= 0),
  deposit           numeric(10, 2) not null default 0 check (deposit >= 0),
  requires_approval boolean not null default false,
  out_of_service    boolean not null default false,
  sort              int not null default 0,
  unique (venue_id, code),
  unique (id, venue_id),
  constraint units_capacity_check check (capacity >= 1 and (capacity_mode = 'pooled' or capacity = 1)),
  constraint units_covers_check check (max_covers >= min_covers),
  -- Pooled inventory is counted per slot or per service date; time-grid inventory is exclusive.
  constraint units_pooled_mode_check check (capacity_mode = 'exclusive' or booking_mode in ('slot', 'date'))
);
comment on table tablehold.units is 'Bookable inventory. pooled: capacity interchangeable units (a section of 10 standing tables, a bar''s seat option), a party takes ceil(party / max_covers) of them, enforced by counting. exclusive: one table, booth or exclusive section, enforced by an exclusion constraint.';
comment on column tablehold.units.max_covers is 'Largest party for one unit (pooled: per unit of capacity).';
create index units_venue_idx on tablehold.units (venue_id);

create table tablehold.combinations (
  id        uuid primary key default gen_random_uuid(),
  venue_id  uuid not null references tablehold.venues (id) on delete cascade,
  name      text not null,
  min_party int not null check (min_party >= 1),
  max_party int not null,
  constraint combinations_party_check check (max_party >= min_party)
);
comment on table tablehold.combinations is 'Sets of tables the operator allows to be joined, with the party sizes the joined set takes.';

create table tablehold.combination_units (
  combination_id uuid not null references tablehold.combinations (id) on delete cascade,
  unit_id        uuid not null references tablehold.units (id) on delete cascade,
  primary key (combination_id, unit_id)
);
create index combination_units_unit_idx on tablehold.combination_units (unit_id);

create table tablehold.pacing_rules (
  id         uuid primary key default gen_random_uuid(),
  venue_id   uuid not null references tablehold.venues (id) on delete cascade,
  area_id    uuid references tablehold.areas (id) on delete cascade,
  per        interval not null check (per >= interval '5 minutes'),
  max_covers int not null check (max_covers >= 1),
  unique nulls not distinct (venue_id, area_id, per),
  constraint pacing_rules_per_divides_day_check check (per <= interval '1 day' and 86400 % extract(epoch from per) = 0)
);
comment on table tablehold.pacing_rules is 'At most max_covers (sum of party sizes) may start per interval, across the venue (area_id null) or one area.';
comment on column tablehold.pacing_rules.per is 'The interval: at most a day and dividing it evenly (5, 15, 30 minutes, an hour…), so buckets sit on the venue''s clock from local midnight: an hourly rule counts 19:00-20:00.';

-- From the wall clock to instants.
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
create function tablehold.local_span(p_timezone text, p_date date, p_opens time, p_closes time)
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
create function tablehold.service_window(p_venue tablehold.venues, p_date date)
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
create function tablehold.service_date_of(p_venue tablehold.venues, p_at timestamptz)
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
create function tablehold.opening_spans(p_venue tablehold.venues, p_date date)
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
create function tablehold.slot_window(p_venue tablehold.venues, p_slot tablehold.slots, p_date date)
returns tstzrange
language sql
stable
begin atomic
  select tablehold.service_span(p_venue, p_date, p_slot.starts, p_slot.ends);
end;

/** How long a table booking of this party size lasts. */
create function tablehold.turn_time(p_venue tablehold.venues, p_party_size int)
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
