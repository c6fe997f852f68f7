-- Allocations, capacity and holds: what a booking occupies (a unit, a time range, a quantity), the
-- venue-night channel lock that every writer of allocations takes first, the one rule that decides
-- whether a unit can take a booking (tablehold.unit_free_check), and how holds lapse.
--
-- Two kinds of inventory, two mechanisms, both enforced on allocations so they hold for every
-- entry path (README, "How overbooking is prevented"):
-- * exclusive units (tables, booths, exclusive sections): the exclusion constraint
--   allocations_unit_during_excl; no two active allocations of a unit overlap, at any isolation level.
-- * pooled units: counting, under the row lock of the venue-night's channel (tablehold.lock_channels).
--   The same lock orders the night's event versions (20261202100700_events_and_feeds.sql).
-- A hold's allocation carries expires_at: every count treats a lapsed hold as free, and a booking
-- that takes a unit expires the lapsed holds in its way, so correctness never waits for the
-- sweeper (pg_cron, below), which expires the rest in small batches.

create table tablehold.allocations (
  id           bigint primary key generated always as identity,
  booking_id   uuid not null references tablehold.bookings (id) on delete cascade,
  unit_id      uuid not null,
  venue_id     uuid not null,
  service_date date not null,
  during       tstzrange not null,
  quantity     int not null default 1 check (quantity >= 1),
  exclusive    boolean not null,
  active       boolean not null,
  superseded   boolean not null default false,
  expires_at   timestamptz,
  created_at   timestamptz not null default now(),
  foreign key (unit_id, venue_id) references tablehold.units (id, venue_id),
  constraint allocations_during_check check (not isempty(during) and not lower_inf(during) and not upper_inf(during)),
  constraint allocations_exclusive_quantity_check check (not exclusive or quantity = 1),
  -- The guarantee for tables, booths and exclusive sections: no two active allocations of one unit overlap.
  constraint allocations_unit_during_excl exclude using gist (unit_id with =, during with &&) where (active and exclusive)
);
comment on table tablehold.allocations is 'Inventory a booking or block occupies: a unit, a time range and a quantity. Active while the booking holds inventory; a hold''s allocation frees itself at expires_at even before the sweeper marks it.';
comment on column tablehold.allocations.superseded is 'Replaced by a modification: kept for history, never taken again (a re-take restores only the current set).';
create index allocations_unit_date_idx on tablehold.allocations (unit_id, service_date) where active;
create index allocations_booking_idx on tablehold.allocations (booking_id);
create index allocations_venue_date_idx on tablehold.allocations (venue_id, service_date) where active;
-- A unit's allocations narrowed by time, so a unit's history never slows its bookings.
create index allocations_unit_during_idx on tablehold.allocations using gist (unit_id, during) where active;

-- The venue-night channels: one row per (venue, service date), its lock and its event version.
create table tablehold.channels (
  venue_id     uuid not null references tablehold.venues (id) on delete cascade,
  service_date date not null,
  version      bigint not null default 0,
  primary key (venue_id, service_date)
);
comment on table tablehold.channels is 'One availability channel per (venue, service date); version rises by exactly 1 per event.';

/** Take the row locks of a venue's channels (one per service date), creating the rows if needed,
 *  in date order, and record them in the transaction-local setting tablehold.locked_channels, so
 *  that later steps of the same transaction know they hold them (a subtransaction that rolls back
 *  releases both; tablehold.channel_locked reads it). The engine flag is on while it writes the
 *  channel rows, which direct edits may not touch.
 *  WARNING: every writer of allocations takes the channel of the service date it changes first
 *  (the allocation trigger does it for direct edits too). One lock per venue-night serializes its
 *  writers, which the gap-free event versions need anyway; it makes counting exact at READ
 *  COMMITTED, and since locks are always taken channel first, in date order, writers never wait on
 *  each other in a cycle. */
create function tablehold.lock_channels(p_venue_id uuid, p_dates date[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
  v_locked text := coalesce(current_setting('tablehold.locked_channels', true), '');
begin
  insert into tablehold.channels as c (venue_id, service_date)
  select distinct p_venue_id, d from unnest(p_dates) d where d is not null
  order by 2
  on conflict (venue_id, service_date) do update set version = c.version;  -- creates or locks, in date order
  v_locked := set_config('tablehold.locked_channels',
    v_locked || ' ' || p_venue_id || ':' || array_to_string(p_dates, ' ' || p_venue_id || ':'), true);
  v_was := tablehold.engine_restore(v_was);
end;
$$;

/** Whether this transaction holds the lock of a venue's channel for a service date. */
create function tablehold.channel_locked(p_venue_id uuid, p_service_date date)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  return position(' ' || p_venue_id || ':' || p_service_date
                  in coalesce(current_setting('tablehold.locked_channels', true), '')) > 0;
end;
$$;

-- Capacity, read once per call and narrowed by time.
/** The domain error for an unavailable unit: tables and booths are TABLE_NOT_AVAILABLE, sections and seat options SECTION_NOT_AVAILABLE. */
create function tablehold.unavailable_code(p_unit_type tablehold.unit_type)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when p_unit_type in ('table', 'booth') then 'TABLE_NOT_AVAILABLE' else 'SECTION_NOT_AVAILABLE' end;
$$;

/** A pooled unit's use over p_window: the units in use at the busiest instant by active
 *  allocations whose hold has not lapsed (leaving out p_exclude_id), and whether a lapsed hold that
 *  nobody has expired yet overlaps the window. The peak is reached at the window start or at some
 *  allocation's start, so only those instants are checked. One query whatever the number of live
 *  holds, narrowed by the GiST index on (unit_id, during). */
create function tablehold.pooled_use(p_unit_id uuid, p_window tstzrange, p_exclude_id bigint default null,
  out used int, out lapsed boolean)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
begin
  with overlapping as (
    select a.during, a.quantity, a.expires_at <= v_now as lapsed
    from tablehold.allocations a
    where a.unit_id = p_unit_id
      and a.active
      and a.during && p_window
      and a.id is distinct from p_exclude_id
  ), live as (
    select o.during, o.quantity from overlapping o where o.lapsed is not true
  ), instants as (
    select lower(p_window) as t
    union
    select lower(l.during) from live l where lower(l.during) > lower(p_window)
  )
  select coalesce(max((select coalesce(sum(l.quantity), 0) from live l where l.during @> i.t)), 0)::int,
         coalesce((select bool_or(o.lapsed) from overlapping o), false)
    into used, lapsed
    from instants i;
end;
$$;

/** Units of a pooled unit in use at the busiest instant of p_window (tablehold.pooled_use). */
create function tablehold.used_at_peak(p_unit_id uuid, p_window tstzrange, p_exclude_id bigint default null)
returns int
language plpgsql
stable
set search_path = ''
as $$
begin
  return (tablehold.pooled_use(p_unit_id, p_window, p_exclude_id)).used;
end;
$$;

/** Whether an exclusive unit is taken over p_window right now (a live allocation overlaps it), and
 *  whether a lapsed hold nobody has expired yet overlaps it (it must be expired before the
 *  exclusion constraint lets anything in). One query. */
create function tablehold.exclusive_overlap(p_unit_id uuid, p_window tstzrange, p_exclude_id bigint default null,
  out taken boolean, out lapsed boolean)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
begin
  select coalesce(bool_or(a.expires_at is null or a.expires_at > v_now), false),
         coalesce(bool_or(a.expires_at <= v_now), false)
    into taken, lapsed
    from tablehold.allocations a
   where a.unit_id = p_unit_id and a.active and a.during && p_window and a.id is distinct from p_exclude_id;
end;
$$;

/** Whether p_unit can take p_quantity over p_window right now: raises the unit's unavailable code
 *  when it is out of service (for a guest booking, not a staff block), taken (exclusive: a live
 *  allocation overlaps) or would go over capacity (pooled). Returns whether a lapsed hold nobody has
 *  expired yet overlaps the window (never counted; the caller that takes the unit expires it).
 *  The one home of the capacity rule: the lock-free refusal calls it on the committed state, the
 *  allocation trigger again under the channel lock. */
create function tablehold.unit_free_check(p_unit tablehold.units, p_window tstzrange, p_quantity int,
  p_kind tablehold.booking_kind, p_exclude_id bigint default null)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
  v_overlap record;
begin
  if p_unit.out_of_service and p_kind = 'booking' then
    perform tablehold.fail(tablehold.unavailable_code(p_unit.unit_type),
      jsonb_build_object('unit_id', p_unit.id, 'out_of_service', true));
  end if;
  if p_unit.capacity_mode = 'exclusive' then
    v_overlap := tablehold.exclusive_overlap(p_unit.id, p_window, p_exclude_id);
    if v_overlap.taken then
      perform tablehold.fail(tablehold.unavailable_code(p_unit.unit_type), jsonb_build_object('unit_id', p_unit.id));
    end if;
  else
    v_overlap := tablehold.pooled_use(p_unit.id, p_window, p_exclude_id);
    if v_overlap.used + p_quantity > p_unit.capacity then
      perform tablehold.fail(tablehold.unavailable_code(p_unit.unit_type),
        jsonb_build_object('unit_id', p_unit.id, 'remaining', greatest(p_unit.capacity - v_overlap.used, 0)));
    end if;
  end if;
  return v_overlap.lapsed;
end;
$$;

/** Expire, now, every hold on this unit overlapping p_window whose time is up, so it never
 *  blocks anyone, without waiting for the sweeper. */
create function tablehold.expire_stale_holds(p_unit_id uuid, p_window tstzrange)
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_count int;
begin
  update tablehold.bookings b
     set status = 'expired', status_reason = 'hold_expired'
   where b.status = 'held'
     and b.hold_expires_at <= v_now
     and b.id in (
       select a.booking_id from tablehold.allocations a
       where a.unit_id = p_unit_id and a.active and a.during && p_window and a.expires_at <= v_now
     );
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

-- A booking's status decides whether its allocations are live.
/** A status change brings the booking's allocations along (free, stop the hold expiry, or re-take
 *  them, which the allocation trigger checks under the channel lock). */
create function tablehold.tg_bookings__after_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_active boolean := tablehold.status_holds_inventory(new.status);
  v_expires timestamptz := case when new.status = 'held' then new.hold_expires_at end;
begin
  update tablehold.allocations a
     set active = v_active, expires_at = v_expires
   where a.booking_id = new.id
     and (a.active is distinct from v_active or a.expires_at is distinct from v_expires)
     -- a freed allocation stays freed; only a re-take (from expired) brings back the current set
     and (a.active or old.status = 'expired') and not a.superseded;

  if new.client_id is not null and new.status is distinct from old.status and new.status in ('seated', 'no_show') then
    update tablehold.clients c
       set visit_count = c.visit_count + (new.status = 'seated')::int,
           no_show_count = c.no_show_count + (new.status = 'no_show')::int
     where c.id = new.client_id;
  end if;
  return null;
end;
$$;
create trigger tg_bookings__after_update
after update of status, hold_expires_at on tablehold.bookings
for each row execute function tablehold.tg_bookings__after_update();

-- Every allocation write, whoever makes it.
/** Fill an allocation from its booking and unit, lock its channel, and refuse anything that would
 *  overbook it (tablehold.unit_free_check, backed for exclusive units by the exclusion constraint).
 *  Inside the engine the channel is already locked. */
create function tablehold.tg_allocations__before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_unit tablehold.units;
  v_now timestamptz := tablehold.clock();
begin
  select * into v_booking from tablehold.bookings b where b.id = new.booking_id;
  if tg_op = 'INSERT' then
    new.venue_id := v_booking.venue_id;
    new.service_date := v_booking.service_date;
    new.during := coalesce(new.during, v_booking.during);
    new.active := tablehold.status_holds_inventory(v_booking.status);
    new.expires_at := case when v_booking.status = 'held' then v_booking.hold_expires_at end;
  end if;

  select * into v_unit from tablehold.units u where u.id = new.unit_id;
  if not found then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'unit', 'unit_id', new.unit_id));
  end if;
  new.exclusive := v_unit.capacity_mode = 'exclusive';

  if new.active and not tablehold.status_holds_inventory(v_booking.status) then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('problem', 'the booking does not hold inventory',
      'status', v_booking.status));
  end if;
  if not (new.active and (new.expires_at is null or new.expires_at > v_now)) then
    return new;
  end if;
  if tg_op = 'UPDATE'
     and old.active and (old.expires_at is null or old.expires_at > v_now)
     and new.unit_id = old.unit_id and new.during = old.during and new.quantity <= old.quantity then
    return new;  -- nothing more is taken
  end if;

  -- WARNING: the channel lock is what makes counting safe at READ COMMITTED: whatever takes
  -- inventory holds it (the engine's own inserts took it before writing the booking).
  if not tablehold.in_engine() then
    perform tablehold.lock_channels(new.venue_id, array[new.service_date]
      || case when tg_op = 'UPDATE' and old.service_date <> new.service_date then array[old.service_date] else '{}' end);
  end if;
  if tablehold.unit_free_check(v_unit, new.during, new.quantity, v_booking.kind, new.id) then
    -- a lapsed hold never blocks or counts: expire the ones on the window being taken, now
    perform tablehold.expire_stale_holds(new.unit_id, new.during);
  end if;
  return new;
end;
$$;
create trigger tg_allocations__before_write
before insert or update on tablehold.allocations
for each row execute function tablehold.tg_allocations__before_write();

/** Direct writes to allocations (not the engine's, nor its triggers'): the current allocation of a
 *  booking whose allocations are its inventory (tablehold.status_keeps_inventory) is not deleted,
 *  deactivated, superseded or given to another booking. Moving or stretching a live one onto free
 *  inventory is allowed (the allocation trigger checks capacity). */
create function tablehold.tg_allocations__guard()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_status tablehold.booking_status;
begin
  select b.status into v_status from tablehold.bookings b where b.id = old.booking_id;
  if old.superseded or not tablehold.status_keeps_inventory(v_status)
     or (tablehold.status_holds_inventory(v_status) and not old.active) then
    return case when tg_op = 'DELETE' then old else new end;  -- history, not inventory
  end if;
  if tg_op = 'DELETE' or new.booking_id <> old.booking_id or new.superseded
     or (old.active and not new.active)
     or (v_status = 'expired' and (new.unit_id, new.during, new.quantity) is distinct from (old.unit_id, old.during, old.quantity)) then
    perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', 'tablehold.allocations', 'operation', lower(tg_op),
      'problem', 'the booking holds this inventory, or may take it back: without it the same table or units could be sold twice',
      'use', 'public.cancel the booking (or update its status to cancelled), or public.modify it onto other units'));
  end if;
  return new;
end;
$$;
create trigger tg_allocations__guard
before update or delete on tablehold.allocations
for each row when (not tablehold.in_engine() and pg_trigger_depth() = 0)
execute function tablehold.tg_allocations__guard();

/** A unit edited directly (Studio) must not end up overbooked: lowering a pooled unit's capacity
 *  below what live allocations already use, or changing how a unit in use is counted, is refused. */
create function tablehold.tg_units__before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_peak int;
begin
  if new.capacity_mode <> old.capacity_mode or new.booking_mode <> old.booking_mode then
    if exists (select 1 from tablehold.allocations a where a.unit_id = new.id and a.active
               and upper(a.during) > tablehold.clock()) then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'capacity_mode',
        'problem', 'the unit has live allocations; block or move them first'));
    end if;
  end if;
  if new.capacity < old.capacity then
    -- no booking may slip in while the new capacity is checked: hold every channel from today on
    perform tablehold.lock_channels(new.venue_id, array(
      select distinct a.service_date from tablehold.allocations a
      where a.unit_id = new.id and a.active and upper(a.during) > tablehold.clock()));
    select max(tablehold.used_at_peak(new.id, a.during)) into v_peak
      from tablehold.allocations a
     where a.unit_id = new.id and a.active and upper(a.during) > tablehold.clock()
       and (a.expires_at is null or a.expires_at > tablehold.clock());
    if v_peak > new.capacity then
      perform tablehold.fail(tablehold.unavailable_code(new.unit_type),
        jsonb_build_object('unit_id', new.id, 'in_use', v_peak, 'capacity', new.capacity));
    end if;
  end if;
  return new;
end;
$$;
create trigger tg_units__before_update
before update of capacity, capacity_mode, booking_mode on tablehold.units
for each row execute function tablehold.tg_units__before_update();

-- The hold sweeper.
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

/** Expire the holds of one channel whose time is up, so the channel's version and events catch
 *  up before a snapshot is served (the Edge availability route calls it; anyone may). */
create function public.refresh_channel(p_venue_id uuid, p_date date)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_count int := 0;
begin
  perform tablehold.venue(p_venue_id);
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  -- the usual case, nothing to expire, takes no lock: readers never queue behind writers
  if not exists (select 1 from tablehold.bookings b
                 where b.venue_id = p_venue_id and b.service_date = p_date
                   and b.status = 'held' and b.hold_expires_at <= tablehold.clock()) then
    return 0;
  end if;
  perform tablehold.lock_channels(p_venue_id, array[p_date]);
  for v_id in
    select b.id from tablehold.bookings b
    where b.venue_id = p_venue_id and b.service_date = p_date
      and b.status = 'held' and b.hold_expires_at <= tablehold.clock()
    order by b.id
  loop
    update tablehold.bookings b set status = 'expired', status_reason = 'hold_expired'
     where b.id = v_id and b.status = 'held';
    v_count := v_count + 1;
  end loop;
  return v_count;
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
