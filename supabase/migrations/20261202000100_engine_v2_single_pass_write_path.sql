-- Engine v2, the write path: one pass per booking.
--
-- What changed, and why (measured by `npm run bench -- statements`):
--   * public.book writes the booking once, in its final status (confirmed or pending_approval),
--     with its price totals: it no longer inserts a hold and rewrites it, which ran the allocation,
--     audit, event and staff-feed triggers twice.
--   * A refusal on inventory that is sold out is decided before any lock is taken or any row
--     written (the "lock-free refusal"): at that instant nothing was free, so the answer is correct.
--   * Every helper on the hot path reads the clock once and is plpgsql (plans cached per session),
--     not a SQL function with `set search_path` (never inlined, so parsed and planned again at each
--     call site on PostgreSQL 15). used_at_peak called tablehold.clock() once per allocation row.
--   * The staff feed's deferred trigger kept one custom setting per booking
--     (tablehold.staff_started_<id>); PostgreSQL walks every custom setting at the exit of each
--     `set search_path` function, so a pooled connection slowed down with every booking it made.
--     One setting holding a small map replaces them.
--   * A GiST index on (unit_id, during) over active allocations narrows a unit's allocations by time,
--     so a unit's history no longer slows its bookings.
--
-- The engine flag. WARNING: the engine's own functions set the transaction-local setting
-- tablehold.engine to 'on' around the rows they write after validating them; the guard triggers
-- (tablehold.in_engine()) then stand down. Direct edits (Studio, psql, the service role) never set
-- it, so they meet every guard. Only the table owner and the service role can write these tables at
-- all, and setting the flag yourself is bypassing the engine: don't.

/** True while the engine's own functions write (the transaction-local setting tablehold.engine). */
create function tablehold.in_engine()
returns boolean
language sql
stable
as $$
  select coalesce(pg_catalog.current_setting('tablehold.engine', true), '') = 'on';
$$;

/** Turn the engine flag on (p_on) or back to what it was (p_previous), returning the value before.
 *  Use as an assignment (v_was := tablehold.engine_on()) so it costs no statement. */
create function tablehold.engine_on()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_was text := coalesce(current_setting('tablehold.engine', true), '');
  v_on text := set_config('tablehold.engine', 'on', true);
begin
  return v_was;
end;
$$;

create function tablehold.engine_restore(p_was text)
returns text
language plpgsql
volatile
set search_path = ''
as $$
begin
  return set_config('tablehold.engine', coalesce(p_was, ''), true);
end;
$$;

-- The clock and the caller, cheap to call: plpgsql caches their plans.

create or replace function tablehold.clock()
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  v_frozen text := current_setting('tablehold.frozen_now', true);
begin
  if coalesce(v_frozen, '') <> '' and pg_has_role(session_user, 'postgres', 'member') then
    return v_frozen::timestamptz;
  end if;
  return now();
end;
$$;

/** The caller's JWT claims, as auth.jwt() reads them. auth.jwt() and auth.role() carry
 *  `set search_path` on Supabase, so each call is parsed and planned as a statement of its own;
 *  these are plpgsql (one cached expression) for the engine's hot path. */
create function tablehold.jwt()
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(nullif(current_setting('request.jwt.claim', true), ''), nullif(current_setting('request.jwt.claims', true), ''))::jsonb;
end;
$$;

/** The caller's JWT role, as auth.role() reads it. */
create function tablehold.jwt_role()
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role');
end;
$$;

create or replace function tablehold.actor_role()
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(tablehold.jwt_role(), session_user::text);
end;
$$;

create or replace function tablehold.actor_id()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_sub text := tablehold.jwt() ->> 'sub';
begin
  return case when v_sub ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then v_sub::uuid end;
end;
$$;

create or replace function tablehold.caller_rank(p_venue_id uuid)
returns int
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role text := tablehold.jwt_role();
  v_uid uuid;
  v_rank int;
begin
  if coalesce(v_role, 'service_role') = 'service_role' then
    return 4;
  end if;
  if tablehold.jwt() ->> 'api_key_id' is not null then
    return case when 'manage' = any (tablehold.api_key_scopes(p_venue_id)) then 1 else 0 end;
  end if;
  v_uid := tablehold.actor_id();
  if v_role <> 'authenticated' or v_uid is null then
    return 0;
  end if;
  select max(case sm.role when 'owner' then 3 when 'manager' then 2 else 1 end) into v_rank
    from tablehold.staff_members sm
    join tablehold.venues v on v.id = p_venue_id
   where sm.user_id = v_uid
     and (sm.venue_id = v.id or sm.operator_id = v.operator_id);
  return coalesce(v_rank, 0);
end;
$$;

create or replace function tablehold.require_api_scope(p_venue_id uuid, p_scope text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_scopes text[];
begin
  if tablehold.jwt() ->> 'api_key_id' is null then
    return;
  end if;
  v_scopes := tablehold.api_key_scopes(p_venue_id);
  if v_scopes is null or not (p_scope = any (v_scopes) or 'manage' = any (v_scopes)) then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('required_scope', p_scope));
  end if;
end;
$$;

-- Capacity, read once per call and narrowed by time.

create index allocations_unit_during_idx on tablehold.allocations using gist (unit_id, during) where active;

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
create or replace function tablehold.used_at_peak(p_unit_id uuid, p_window tstzrange, p_exclude_id bigint default null)
returns int
language plpgsql
stable
set search_path = ''
as $$
begin
  return (tablehold.pooled_use(p_unit_id, p_window, p_exclude_id)).used;
end;
$$;

create or replace function tablehold.expire_stale_holds(p_unit_id uuid, p_window tstzrange)
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

/** Fill an allocation from its booking and unit, lock its channel, and refuse anything that would
 *  overbook it: counting for pooled units, an overlap check (backed by the exclusion constraint)
 *  for exclusive ones. Inside the engine the channel is already locked. */
create or replace function tablehold.tg_allocations__before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_unit tablehold.units;
  v_now timestamptz := tablehold.clock();
  v_used int;
  v_overlap record;
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
  if v_unit.out_of_service and v_booking.kind = 'booking' then
    perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type),
      jsonb_build_object('unit_id', v_unit.id, 'out_of_service', true));
  end if;

  if new.exclusive then
    v_overlap := tablehold.exclusive_overlap(new.unit_id, new.during, new.id);
    if v_overlap.taken then
      perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type), jsonb_build_object('unit_id', v_unit.id));
    end if;
    if v_overlap.lapsed then
      -- a lapsed hold never blocks anyone: expire it now rather than wait for the sweeper
      perform tablehold.expire_stale_holds(new.unit_id, new.during);
    end if;
  else
    v_overlap := tablehold.pooled_use(new.unit_id, new.during, new.id);
    v_used := v_overlap.used;
    if v_overlap.lapsed then
      -- lapsed holds never count; expire the ones on the key being touched, now
      perform tablehold.expire_stale_holds(new.unit_id, new.during);
    end if;
    if v_used + new.quantity > v_unit.capacity then
      perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type),
        jsonb_build_object('unit_id', v_unit.id, 'remaining', greatest(v_unit.capacity - v_used, 0)));
    end if;
  end if;
  return new;
end;
$$;

/** Channel locks, as before, with the engine flag on for the channel rows (direct edits of
 *  tablehold.channels are refused). */
create or replace function tablehold.lock_channels(p_venue_id uuid, p_dates date[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
begin
  insert into tablehold.channels as c (venue_id, service_date)
  select distinct p_venue_id, d from unnest(p_dates) d where d is not null
  order by 2
  on conflict (venue_id, service_date) do update set version = c.version;  -- creates or locks, in date order
  v_was := tablehold.engine_restore(v_was);
end;
$$;

/** Append one event to a channel, taking the next version (the channel row is locked by the
 *  writer already), and wake the SSE streams (delivered only if the transaction commits). */
create or replace function tablehold.append_event(
  p_unit tablehold.units, p_service_date date, p_slot_id uuid, p_key tstzrange,
  p_previous text, p_new text, p_remaining int, p_reason text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
  v_version bigint;
  v_channel text := p_unit.venue_id::text || ':' || p_service_date::text;
begin
  insert into tablehold.channels as c (venue_id, service_date, version)
  values (p_unit.venue_id, p_service_date, 1)
  on conflict (venue_id, service_date) do update set version = c.version + 1
  returning c.version into v_version;

  insert into public.availability_events (
    channel, venue_id, service_date, version, unit_id, slot_id, starts_at, ends_at, capacity_mode,
    previous_state, new_state, remaining, capacity, reason, occurred_at)
  values (
    v_channel, p_unit.venue_id, p_service_date, v_version,
    p_unit.id, p_slot_id, lower(p_key), upper(p_key), p_unit.capacity_mode,
    p_previous, p_new, p_remaining, p_unit.capacity, p_reason, tablehold.clock());
  v_was := tablehold.engine_restore(v_was);
end;
$$;

/** The API key id in the caller's claims, if any. */
create function tablehold.api_key_id()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_key text := tablehold.jwt() ->> 'api_key_id';
begin
  return case when v_key ~* '^[0-9a-f-]{36}$' then v_key::uuid end;
end;
$$;

/** The audit trail, one row per insert, update or delete (see the original), reading the claims
 *  through the engine's cached helpers. */
create or replace function tablehold.tg_audit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_before jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  v_after jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  v_row jsonb := coalesce(v_after, v_before);
begin
  if tg_op = 'UPDATE' and v_before = v_after then
    return null;
  end if;
  insert into tablehold.audit_log (venue_id, entity, entity_id, action, actor_user_id, actor_role,
    api_key_id, before, after, reason, override)
  values (
    (case when tg_table_name = 'venues' then v_row ->> 'id' else v_row ->> 'venue_id' end)::uuid,
    tg_table_name, v_row ->> 'id', lower(tg_op), tablehold.actor_id(), tablehold.actor_role(),
    tablehold.api_key_id(), v_before, v_after,
    nullif(current_setting('tablehold.audit_reason', true), ''),
    coalesce(nullif(current_setting('tablehold.override', true), '')::boolean, false));
  return null;
end;
$$;

/** A status change brings the booking's allocations along (free, stop the hold expiry, or re-take
 *  them, which the allocation trigger checks under the channel lock). */
create or replace function tablehold.tg_bookings__after_update()
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

/** The staff feed, one event per booking per commit (see the original for the design). The status
 *  a booking started from in this transaction is kept in ONE setting holding a map
 *  (tablehold.staff_started = {"<booking id>": "<status>|new"}), never one setting per booking. */
create or replace function tablehold.tg_bookings__staff_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now tablehold.bookings;
  v_map jsonb := coalesce(nullif(current_setting('tablehold.staff_started', true), ''), '{}')::jsonb;
  v_started text := v_map ->> new.id::text;
  v_was text;
begin
  select * into v_now from tablehold.bookings b where b.id = new.id;
  if not found then
    return null;
  end if;
  if (new.status, new.during, new.party_size, new.service_date)
     is distinct from (v_now.status, v_now.during, v_now.party_size, v_now.service_date) then
    if v_started is null then
      perform set_config('tablehold.staff_started', (v_map || jsonb_build_object(new.id::text,
        coalesce(case when tg_op = 'UPDATE' then old.status::text end, 'new')))::text, true);
    end if;
    return null;
  end if;
  if v_started is not null then
    perform set_config('tablehold.staff_started', (v_map - new.id::text)::text, true);
  end if;
  v_was := tablehold.engine_on();
  with feed as (
    insert into tablehold.staff_feeds as f (venue_id, seq) values (v_now.venue_id, 1)
    on conflict (venue_id) do update set seq = f.seq + 1
    returning f.seq
  )
  insert into public.staff_events (venue_id, seq, service_date, booking_id, reference, kind, previous_status, status,
    party_size, starts_at, ends_at, guest_name, units, actor_user_id, actor_role, api_key_id, reason, occurred_at)
  select v_now.venue_id, feed.seq, v_now.service_date, v_now.id, v_now.reference, v_now.kind,
    case when v_started is not null then nullif(v_started, 'new')::tablehold.booking_status
         when tg_op = 'UPDATE' then old.status end,
    v_now.status, v_now.party_size, lower(v_now.during), upper(v_now.during),
    (select c.name from tablehold.clients c where c.id = v_now.client_id),
    array(select distinct u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
          where a.booking_id = v_now.id and not a.superseded order by u.code),
    tablehold.actor_id(), tablehold.actor_label(v_now.venue_id),
    tablehold.api_key_id(),
    coalesce(v_now.block_reason, v_now.status_reason), tablehold.clock()
  from feed;
  perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', v_now.venue_id)::text);
  v_was := tablehold.engine_restore(v_was);
  return null;
end;
$$;

-- Placing a booking in one pass.

/** The inventory a booking request names, checked against the party and the plan: the units
 *  (in id order) and how many of each it takes. Raises NOT_FOUND, INVALID_REQUEST and
 *  INVALID_PARTY_SIZE as tablehold.allocate always has. */
create function tablehold.check_units(p_venue_id uuid, p_unit_ids uuid[], p_mode tablehold.booking_mode,
  p_party_size int, p_rank int, out units tablehold.units[], out quantity int)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_unit tablehold.units;
begin
  select array_agg(u order by u.id) into units
    from tablehold.units u where u.id = any (p_unit_ids) and u.venue_id = p_venue_id;
  if coalesce(cardinality(units), 0) <> cardinality(array(select distinct x from unnest(p_unit_ids) x)) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'unit'));
  end if;
  if exists (select 1 from unnest(units) u where u.booking_mode <> p_mode) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'units are booked in different ways'));
  end if;

  if cardinality(units) = 1 then
    v_unit := units[1];
    quantity := case when v_unit.capacity_mode = 'pooled' then ceil(p_party_size::numeric / v_unit.max_covers)::int else 1 end;
    if p_party_size < v_unit.min_covers
       or (v_unit.capacity_mode = 'exclusive' and p_party_size > v_unit.max_covers)
       or quantity > v_unit.capacity then
      perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('unit_id', v_unit.id,
        'min_covers', v_unit.min_covers, 'max_covers', v_unit.max_covers));
    end if;
    return;
  end if;
  if exists (select 1 from unnest(units) u where u.capacity_mode = 'pooled') then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'book one pooled section at a time'));
  end if;
  -- joined tables: an allowed combination, or any set that seats the party when staff decide
  if not exists (
    select 1 from tablehold.combinations c
    where c.venue_id = p_venue_id and p_party_size between c.min_party and c.max_party
      and (select array_agg(cu.unit_id order by cu.unit_id) from tablehold.combination_units cu where cu.combination_id = c.id)
          = (select array_agg(u.id order by u.id) from unnest(units) u)
  ) and not (p_rank >= 1 and (select sum(u.max_covers) from unnest(units) u) >= p_party_size) then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('problem', 'not an allowed combination for this party size'));
  end if;
  quantity := 1;
end;
$$;

/** Refuse, without taking any lock or writing anything, when the named units cannot take the
 *  booking right now: out of service, or (committed state) taken or sold out. Correct as a refusal:
 *  at the instant of the read nothing was free. A pass is only a hint: the allocation trigger
 *  checks again under the channel lock. */
create function tablehold.refuse_if_unavailable(p_units tablehold.units[], p_occupies tstzrange, p_quantity int,
  p_kind tablehold.booking_kind, p_exclude_booking uuid default null)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_unit tablehold.units;
  v_used int;
begin
  foreach v_unit in array p_units loop
    if v_unit.out_of_service and p_kind = 'booking' then
      perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type),
        jsonb_build_object('unit_id', v_unit.id, 'out_of_service', true));
    end if;
    if v_unit.capacity_mode = 'exclusive' then
      if (tablehold.exclusive_overlap(v_unit.id, p_occupies)).taken then
        perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type), jsonb_build_object('unit_id', v_unit.id));
      end if;
    else
      v_used := tablehold.used_at_peak(v_unit.id, p_occupies);
      if v_used + p_quantity > v_unit.capacity then
        perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type),
          jsonb_build_object('unit_id', v_unit.id, 'remaining', greatest(v_unit.capacity - v_used, 0)));
      end if;
    end if;
  end loop;
end;
$$;

/** Take the inventory of a booking that already exists in its final status: explicit units (checked
 *  by check_units), or the best free tables (auto-assignment, moving on to the next candidate when
 *  a concurrent booking took one or its area's pacing refuses it; only candidates whose need for
 *  approval matches the booking's status). Pacing is checked with p_pacing. Raises
 *  SECTION_NOT_AVAILABLE / TABLE_NOT_AVAILABLE / NO_TABLE_AVAILABLE / PACING_LIMIT_REACHED, and
 *  corrects the booking's totals only when the inventory taken differs from what it was written with. */
create or replace function tablehold.allocate(
  p_booking tablehold.bookings, p_plan tablehold.booking_plan, p_unit_ids uuid[], p_rank int, p_area_id uuid, p_pacing boolean)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_check record;
  v_candidate record;
  v_done boolean := false;
  v_paced boolean := false;
  v_approval boolean;
begin
  if p_unit_ids is null then
    v_approval := p_booking.status = 'pending_approval';
    for v_candidate in
      select c.*, exists (select 1 from tablehold.units u where u.id = any (c.unit_ids) and u.requires_approval) as needs_approval
      from tablehold.table_candidates(p_booking.venue_id, p_plan.occupies, p_booking.party_size, p_area_id) c
    loop
      -- a confirmed booking never lands on tables that need a manager's approval
      continue when v_candidate.needs_approval and not v_approval and p_booking.status <> 'held' and p_rank < 2;
      begin
        insert into tablehold.allocations (booking_id, unit_id, during)
        select p_booking.id, x.id, p_plan.occupies from unnest(v_candidate.unit_ids) x(id);
        if p_pacing then
          perform tablehold.check_pacing(p_booking.id);
        end if;
        v_done := true;
      exception
        when sqlstate 'TH002' or exclusion_violation then
          v_done := false;  -- a concurrent booking won this one: try the next candidate
        when sqlstate 'TH008' then
          v_done := false;  -- this area is paced out: another area may still take the party
          v_paced := true;
      end;
      exit when v_done;
    end loop;
    if not v_done and v_paced then
      perform tablehold.fail('PACING_LIMIT_REACHED', jsonb_build_object('party_size', p_booking.party_size, 'starts_at', lower(p_plan.during)));
    elsif not v_done then
      perform tablehold.fail('NO_TABLE_AVAILABLE', jsonb_build_object('party_size', p_booking.party_size, 'starts_at', lower(p_plan.during)));
    end if;
    if (v_candidate.deposit, v_candidate.min_spend) is distinct from (p_booking.deposit_total, p_booking.min_spend_total) then
      update tablehold.bookings b set deposit_total = v_candidate.deposit, min_spend_total = v_candidate.min_spend
       where b.id = p_booking.id;
    end if;
    return;
  end if;

  v_check := tablehold.check_units(p_booking.venue_id, p_unit_ids, p_plan.mode, p_booking.party_size, p_rank);
  begin
    insert into tablehold.allocations (booking_id, unit_id, during, quantity)
    select p_booking.id, u.id, p_plan.occupies, v_check.quantity from unnest(v_check.units) u;
  exception when exclusion_violation then
    perform tablehold.fail('TABLE_NOT_AVAILABLE', jsonb_build_object('unit_ids', p_unit_ids));
  end;
  if p_pacing then
    perform tablehold.check_pacing(p_booking.id);
  end if;
  update tablehold.bookings b
     set deposit_total = t.deposit, min_spend_total = t.min_spend
    from (select coalesce(sum(u.deposit), 0) * v_check.quantity as deposit, coalesce(sum(u.min_spend), 0) * v_check.quantity as min_spend
            from unnest(v_check.units) u) t
   where b.id = p_booking.id and (b.deposit_total, b.min_spend_total) is distinct from (t.deposit, t.min_spend);
end;
$$;

/** Place a booking in one pass: validate, find or create the client, refuse at once (no lock, no
 *  write) when the inventory is visibly gone, then lock the venue-night, write the booking in its
 *  final status (held, or confirmed / pending_approval for public.book) with its totals, and take
 *  the inventory. The shared body of public.hold and public.book. */
create or replace function tablehold.place_booking(
  p_venue_id uuid, p_party_size int, p_date date, p_slot text, p_start timestamptz,
  p_unit_ids uuid[], p_area_id uuid, p_guest jsonb, p_client_id uuid, p_source text,
  p_idempotency_key text, p_seen_version bigint, p_special_requests text, p_occasion text,
  p_payment_ref text, p_override boolean, p_confirm boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_override boolean := coalesce(p_override, false);
  v_venue tablehold.venues;
  v_rank int;
  v_mode tablehold.booking_mode;
  v_plan tablehold.booking_plan;
  v_client tablehold.clients;
  v_booking tablehold.bookings;
  v_check record;
  v_first record;
  v_needs_approval boolean := false;
  v_status tablehold.booking_status;
  v_deposit numeric(10, 2) := 0;
  v_min_spend numeric(10, 2) := 0;
  v_request_hash text;
  v_token text := encode(extensions.gen_random_bytes(24), 'hex');
  v_dob date;
  v_state text; v_message text; v_detail text; v_hint text;
  v_constraint text;
  v_was text;
begin
  v_venue := tablehold.venue(p_venue_id);
  perform tablehold.require_api_scope(p_venue_id, 'book');
  v_rank := tablehold.caller_rank(p_venue_id);
  if v_override and v_rank < 2 then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('problem', 'only managers may override'));
  end if;
  if coalesce(p_source, 'web') not in ('web', 'app', 'staff', 'assistant') then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'source', 'problem', 'one of web, app, staff, assistant'));
  end if;
  if p_source = 'staff' and v_rank < 1 then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('problem', 'source staff is for staff'));
  end if;

  v_request_hash := md5(jsonb_build_array(p_party_size, p_date, p_slot, p_start, p_unit_ids, p_area_id,
    p_guest, p_client_id, p_source, p_special_requests, p_occasion, p_payment_ref, p_override, p_confirm)::text);
  if p_idempotency_key is not null then
    select * into v_booking from tablehold.bookings b
     where b.venue_id = p_venue_id and b.idempotency_key = p_idempotency_key;
    if found then
      if v_booking.request_hash is distinct from v_request_hash then
        perform tablehold.fail('IDEMPOTENCY_CONFLICT', jsonb_build_object('idempotency_key', p_idempotency_key));
      end if;
      return tablehold.booking_json(v_booking.id) || jsonb_build_object('replayed', true);
    end if;
  end if;

  if p_party_size is null or p_party_size < v_venue.min_party or p_party_size > v_venue.max_party then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party));
  end if;

  if p_unit_ids is null or cardinality(p_unit_ids) = 0 then
    v_mode := 'time';
    p_unit_ids := null;
  else
    select u.booking_mode into v_mode from tablehold.units u
     where u.id = p_unit_ids[1] and u.venue_id = p_venue_id;
    if not found then
      perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'unit'));
    end if;
  end if;
  v_plan := tablehold.plan_time(v_venue, v_mode, p_party_size, p_date, p_slot, p_start, v_override);

  v_client := tablehold.resolve_client(p_venue_id, v_rank, p_client_id, p_guest);
  if v_venue.min_age is not null then
    begin
      v_dob := coalesce((p_guest ->> 'date_of_birth')::date, v_client.date_of_birth);
    exception when invalid_datetime_format or datetime_field_overflow then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date_of_birth'));
    end;
    if v_dob is null and not v_override then
      perform tablehold.fail('DATE_OF_BIRTH_REQUIRED', jsonb_build_object('min_age', v_venue.min_age));
    end if;
    if v_dob is not null and extract(year from age(v_plan.service_date, v_dob)) < v_venue.min_age then
      perform tablehold.fail('UNDERAGE', jsonb_build_object('min_age', v_venue.min_age));
    end if;
  end if;

  -- the inventory, its totals and whether it needs approval, known before anything is written;
  -- a refusal here takes no lock and writes nothing
  begin
    if p_unit_ids is null then
      select c.*, exists (select 1 from tablehold.units u where u.id = any (c.unit_ids) and u.requires_approval) as needs_approval
        into v_first
        from tablehold.table_candidates(p_venue_id, v_plan.occupies, p_party_size, p_area_id) c
       limit 1;
      if not found then
        perform tablehold.fail('NO_TABLE_AVAILABLE', jsonb_build_object('party_size', p_party_size, 'starts_at', lower(v_plan.during)));
      end if;
      v_deposit := v_first.deposit;
      v_min_spend := v_first.min_spend;
      v_needs_approval := v_first.needs_approval;
    else
      v_check := tablehold.check_units(p_venue_id, p_unit_ids, v_mode, p_party_size, v_rank);
      perform tablehold.refuse_if_unavailable(v_check.units, v_plan.occupies, v_check.quantity, 'booking');
      select coalesce(sum(u.deposit), 0) * v_check.quantity, coalesce(sum(u.min_spend), 0) * v_check.quantity,
             coalesce(bool_or(u.requires_approval), false)
        into v_deposit, v_min_spend, v_needs_approval
        from unnest(v_check.units) u;
    end if;
  exception when sqlstate 'TH001' or sqlstate 'TH002' or sqlstate 'TH016' then
    if p_seen_version is null then
      raise;
    end if;
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform tablehold.reraise_with_staleness(p_venue_id, v_plan.service_date, p_seen_version, v_state, v_message, v_detail, v_hint);
  end;
  v_status := case
    when not coalesce(p_confirm, false) then 'held'
    when v_rank < 2 and (v_venue.requires_approval or v_needs_approval) then 'pending_approval'
    else 'confirmed' end;

  perform tablehold.lock_channels(p_venue_id, array[v_plan.service_date]);
  perform set_config('tablehold.override', v_override::text, true);
  v_was := tablehold.engine_on();
  -- references are random: on the rare collision with another booking's, draw again
  for v_attempt in 1..5 loop
    begin
      insert into tablehold.bookings (reference, venue_id, client_id, status, party_size, service_date, slot_id, during,
        hold_expires_at, deposit_total, min_spend_total, payment_ref, special_requests, occasion, source,
        idempotency_key, request_hash, manage_token_hash)
      values (tablehold.new_reference('BR', v_plan.service_date), p_venue_id, v_client.id, v_status, p_party_size,
        v_plan.service_date, v_plan.slot_id, v_plan.during,
        case when v_status = 'held' then v_now + v_venue.hold_ttl end, v_deposit, v_min_spend,
        p_payment_ref, p_special_requests, p_occasion, coalesce(p_source, 'web')::tablehold.booking_source, p_idempotency_key, v_request_hash,
        tablehold.token_hash(v_token))
      returning * into v_booking;
      exit;
    exception
      when unique_violation then
        get stacked diagnostics v_constraint = constraint_name;
        if v_constraint = 'bookings_reference_key' and v_attempt < 5 then
          continue;
        end if;
        -- a concurrent duplicate with the same idempotency key committed first
        select * into v_booking from tablehold.bookings b
         where b.venue_id = p_venue_id and b.idempotency_key = p_idempotency_key;
        if not found then
          raise;
        end if;
        if v_booking.request_hash is distinct from v_request_hash then
          perform tablehold.fail('IDEMPOTENCY_CONFLICT', jsonb_build_object('idempotency_key', p_idempotency_key));
        end if;
        perform set_config('tablehold.override', 'false', true);
        v_was := tablehold.engine_restore(v_was);
        return tablehold.booking_json(v_booking.id) || jsonb_build_object('replayed', true);
      when check_violation then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('problem', sqlerrm));
    end;
  end loop;

  begin
    perform tablehold.allocate(v_booking, v_plan, p_unit_ids, v_rank, p_area_id, not v_override);
  exception when sqlstate 'TH001' or sqlstate 'TH002' or sqlstate 'TH008' or sqlstate 'TH016' then
    if p_seen_version is null then
      raise;
    end if;
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform tablehold.reraise_with_staleness(p_venue_id, v_plan.service_date, p_seen_version, v_state, v_message, v_detail, v_hint);
  end;
  v_was := tablehold.engine_restore(v_was);
  perform set_config('tablehold.override', 'false', true);  -- the override belongs to this booking only
  return tablehold.booking_json(v_booking.id) || jsonb_build_object('manage_token', v_token, 'replayed', false);
end;
$$;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
