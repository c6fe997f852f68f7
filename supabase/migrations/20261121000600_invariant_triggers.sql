-- The invariants, as triggers, so they hold for every entry path: the engine functions,
-- supabase-js RPC, and staff editing rows directly in Supabase Studio.

/** The booking status machine. Returns true when old -> new is allowed. */
create function tablehold.transition_allowed(p_from tablehold.booking_status, p_to tablehold.booking_status)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select (p_from, p_to) in (
    ('held', 'confirmed'), ('held', 'pending_approval'), ('held', 'cancelled'), ('held', 'expired'),
    ('pending_approval', 'confirmed'), ('pending_approval', 'rejected'), ('pending_approval', 'cancelled'),
    ('confirmed', 'seated'), ('confirmed', 'cancelled'), ('confirmed', 'no_show'),
    ('seated', 'completed'),
    -- confirming a hold after it expired re-takes the inventory if it is still free
    ('expired', 'confirmed'), ('expired', 'pending_approval')
  );
$$;

/** Statuses in which a booking holds inventory. */
create function tablehold.status_holds_inventory(p_status tablehold.booking_status)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_status in ('held', 'pending_approval', 'confirmed', 'seated');
$$;

create function tablehold.tg_bookings__before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
  v_now timestamptz := tablehold.clock();
begin
  if tg_op = 'INSERT' then
    if new.status not in ('held', 'pending_approval', 'confirmed') then
      perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', null, 'to', new.status));
    end if;
    select * into v_venue from tablehold.venues v where v.id = new.venue_id;
    if new.status = 'held' and new.hold_expires_at is null then
      new.hold_expires_at := v_now + v_venue.hold_ttl;
    end if;
    new.held_at := case when new.status = 'held' then coalesce(new.held_at, v_now) end;
    new.confirmed_at := case when new.status = 'confirmed' then coalesce(new.confirmed_at, v_now) end;
    new.submitted_at := case when new.status <> 'held' then coalesce(new.submitted_at, v_now) end;
    new.created_by := coalesce(new.created_by, tablehold.actor_id());
    new.created_by_role := coalesce(new.created_by_role, tablehold.actor_role());
    return new;
  end if;

  if new.status is distinct from old.status then
    -- a staff block is confirmed until it is lifted (cancelled); it is never seated or completed
    if not tablehold.transition_allowed(old.status, new.status)
       or (new.kind = 'block' and not (old.status = 'confirmed' and new.status = 'cancelled')) then
      perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', old.status, 'to', new.status));
    end if;
    if new.status in ('confirmed', 'pending_approval') then
      new.submitted_at := coalesce(new.submitted_at, v_now);
    end if;
    case new.status
      when 'confirmed' then new.confirmed_at := v_now;
      when 'cancelled' then new.cancelled_at := v_now;
      when 'seated' then new.seated_at := v_now;
      when 'completed' then new.completed_at := v_now;
      else null;
    end case;
  end if;
  new.updated_at := v_now;
  return new;
end;
$$;

create trigger tg_bookings__before_write
before insert or update on tablehold.bookings
for each row execute function tablehold.tg_bookings__before_write();

/** After a status change, bring the booking's allocations along: free them, or stop their
 *  hold expiry, or re-take them (the allocation triggers re-check capacity). */
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

  if new.client_id is not null and new.status is distinct from old.status then
    update tablehold.clients c
       set visit_count = c.visit_count + (new.status = 'seated')::int,
           no_show_count = c.no_show_count + (new.status = 'no_show')::int
     where c.id = new.client_id and new.status in ('seated', 'no_show');
  end if;
  return null;
end;
$$;

create trigger tg_bookings__after_update
after update of status, hold_expires_at on tablehold.bookings
for each row execute function tablehold.tg_bookings__after_update();

/** Expire, now, every hold on this unit overlapping p_window whose time is up, so it never
 *  blocks anyone, without waiting for the sweeper. */
create function tablehold.expire_stale_holds(p_unit_id uuid, p_window tstzrange)
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_count int;
begin
  update tablehold.bookings b
     set status = 'expired', status_reason = 'hold_expired'
   where b.status = 'held'
     and b.hold_expires_at <= tablehold.clock()
     and b.id in (
       select a.booking_id from tablehold.allocations a
       where a.unit_id = p_unit_id and a.active and a.during && p_window
     );
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

/** Fill an allocation from its booking and unit, lock its channel, and refuse anything that would
 *  overbook it: counting for pooled units, an overlap check (backed by the exclusion constraint)
 *  for exclusive ones. */
create function tablehold.tg_allocations__before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_unit tablehold.units;
  v_now timestamptz := tablehold.clock();
  v_used int;
begin
  select * into v_booking from tablehold.bookings b where b.id = new.booking_id;
  if tg_op = 'INSERT' then
    new.venue_id := v_booking.venue_id;
    new.service_date := v_booking.service_date;
    new.during := coalesce(new.during, v_booking.during);
    new.active := tablehold.status_holds_inventory(v_booking.status);
    new.expires_at := case when v_booking.status = 'held' then v_booking.hold_expires_at end;
  end if;

  -- WARNING: the channel lock is what makes counting safe at READ COMMITTED; every writer takes it first.
  perform tablehold.lock_channels(new.venue_id, array[new.service_date]
    || case when tg_op = 'UPDATE' and old.service_date <> new.service_date then array[old.service_date] else '{}' end);
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

  if v_unit.out_of_service and v_booking.kind = 'booking' then
    perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type),
      jsonb_build_object('unit_id', v_unit.id, 'out_of_service', true));
  end if;

  perform tablehold.expire_stale_holds(new.unit_id, new.during);

  if new.exclusive then
    if exists (
      select 1 from tablehold.allocations a
      where a.unit_id = new.unit_id and a.active and a.during && new.during and a.id is distinct from new.id
    ) then
      perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type), jsonb_build_object('unit_id', v_unit.id));
    end if;
  else
    v_used := tablehold.used_at_peak(new.unit_id, new.during, new.id);
    if v_used + new.quantity > v_unit.capacity then
      perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type),
        jsonb_build_object('unit_id', v_unit.id, 'remaining', greatest(v_unit.capacity - v_used, 0)));
    end if;
  end if;
  return new;
end;
$$;

create trigger tg_allocations__before_write
before insert or update on tablehold.allocations
for each row execute function tablehold.tg_allocations__before_write();

/** Append one event to a channel, taking the next version. The channel row lock orders events. */
create function tablehold.append_event(
  p_unit tablehold.units, p_service_date date, p_slot_id uuid, p_key tstzrange,
  p_previous text, p_new text, p_remaining int, p_reason text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_version bigint;
begin
  insert into tablehold.channels as c (venue_id, service_date, version)
  values (p_unit.venue_id, p_service_date, 1)
  on conflict (venue_id, service_date) do update set version = c.version + 1
  returning c.version into v_version;

  insert into public.availability_events (
    channel, venue_id, service_date, version, unit_id, slot_id, starts_at, ends_at, capacity_mode,
    previous_state, new_state, remaining, capacity, reason, occurred_at)
  values (
    p_unit.venue_id::text || ':' || p_service_date::text, p_unit.venue_id, p_service_date, v_version,
    p_unit.id, p_slot_id, lower(p_key), upper(p_key), p_unit.capacity_mode,
    p_previous, p_new, p_remaining, p_unit.capacity, p_reason, tablehold.clock());
end;
$$;

/** Emit events for every public availability key of a unit touched by a change to p_window on a
 *  service date, when the key's public state differs from the last event written for it.
 *  pooled: keys are the slot windows (or the service-day window) overlapping p_window; an out-of-service
 *  unit has none remaining. exclusive: the key is p_window itself, taken while an active allocation has
 *  exactly that window; an out-of-service unit takes its whole service-day window.
 *  A key with no event yet was at its initial state: everything free, as the unit was before this
 *  change (p_before, when the unit itself changed). */
create function tablehold.emit_unit_events(
  p_unit_id uuid, p_service_date date, p_window tstzrange, p_reason text, p_before tablehold.units default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_unit tablehold.units;
  v_venue tablehold.venues;
  v_key record;
  v_remaining int;
  v_state text;
  v_prev_state text;
  v_prev_remaining int;
begin
  select * into v_unit from tablehold.units u where u.id = p_unit_id;
  select * into v_venue from tablehold.venues v where v.id = v_unit.venue_id;

  for v_key in
    select null::uuid as slot_id, p_window as key
     where v_unit.capacity_mode = 'exclusive'
    union all
    select null, tablehold.service_window(v_venue, p_service_date)
     where v_unit.capacity_mode = 'pooled' and v_unit.booking_mode = 'date'
    union all
    select s.id, tablehold.slot_window(v_venue, s, p_service_date)
      from tablehold.slots s
     where v_unit.capacity_mode = 'pooled' and v_unit.booking_mode = 'slot'
       and s.venue_id = v_unit.venue_id
       and extract(isodow from p_service_date)::smallint = any (s.weekdays)
       and tablehold.slot_window(v_venue, s, p_service_date) && p_window
  loop
    if v_unit.capacity_mode = 'exclusive' then
      -- taken by an allocation with exactly this window, or the whole service day while out of service
      v_remaining := case when exists (
        select 1 from tablehold.allocations a
        where a.unit_id = v_unit.id and a.active and a.during = v_key.key
          and (a.expires_at is null or a.expires_at > tablehold.clock())
      ) or (v_unit.out_of_service and v_key.key = tablehold.service_window(v_venue, p_service_date)) then 0 else 1 end;
    elsif v_unit.out_of_service then
      v_remaining := 0;
    else
      v_remaining := greatest(v_unit.capacity - tablehold.used_at_peak(v_unit.id, v_key.key), 0);
    end if;
    v_state := case when v_remaining > 0 then 'available' else 'unavailable' end;

    select e.new_state, e.remaining into v_prev_state, v_prev_remaining
      from public.availability_events e
     where e.venue_id = v_unit.venue_id and e.service_date = p_service_date and e.unit_id = v_unit.id
       and e.starts_at = lower(v_key.key) and e.ends_at = upper(v_key.key)
     order by e.version desc limit 1;
    if not found then
      v_prev_remaining := case
        when coalesce(p_before.out_of_service, v_unit.out_of_service)
             and (v_unit.capacity_mode = 'pooled' or v_key.key = tablehold.service_window(v_venue, p_service_date)) then 0
        when v_unit.capacity_mode = 'pooled' then coalesce(p_before.capacity, v_unit.capacity)
        else 1 end;
      v_prev_state := case when v_prev_remaining > 0 then 'available' else 'unavailable' end;
    end if;

    if v_prev_state <> v_state or v_prev_remaining <> v_remaining then
      perform tablehold.append_event(v_unit, p_service_date, v_key.slot_id, v_key.key,
        v_prev_state, v_state, v_remaining, p_reason);
    end if;
  end loop;
end;
$$;

/** Why a booking's inventory changed, for the public event. */
create function tablehold.event_reason(p_booking_id uuid, p_taken boolean)
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(nullif(current_setting('tablehold.reason', true), ''), case
    when b.kind = 'block' then case when p_taken then 'blocked' else 'unblocked' end
    when p_taken then 'booking_requested'
    when b.status = 'expired' then 'hold_expired'
    when b.status in ('cancelled', 'rejected', 'completed', 'no_show') then b.status::text
    else 'released'
  end)
  from tablehold.bookings b where b.id = p_booking_id;
$$;

create function tablehold.tg_allocations__after_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE')
     and (tg_op = 'DELETE' or old.unit_id <> new.unit_id or old.during <> new.during or old.service_date <> new.service_date) then
    perform tablehold.emit_unit_events(old.unit_id, old.service_date, old.during,
      coalesce(nullif(current_setting('tablehold.reason', true), ''), 'modified'));
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform tablehold.emit_unit_events(new.unit_id, new.service_date, new.during,
      tablehold.event_reason(new.booking_id, new.active));
  end if;
  return null;
end;
$$;

create trigger tg_allocations__after_write
after insert or update or delete on tablehold.allocations
for each row execute function tablehold.tg_allocations__after_write();

/** The audit trail: one row per insert, update or delete, with the actor from the JWT claims
 *  (user, role, API key) or the database user, and the reason and override flag the engine set
 *  for this transaction (tablehold.audit_reason, tablehold.override). */
create function tablehold.tg_audit()
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
    case when (auth.jwt() ->> 'api_key_id') ~* '^[0-9a-f-]{36}$' then (auth.jwt() ->> 'api_key_id')::uuid end,
    v_before, v_after,
    nullif(current_setting('tablehold.audit_reason', true), ''),
    coalesce(nullif(current_setting('tablehold.override', true), '')::boolean, false));
  return null;
end;
$$;

create trigger tg_bookings__audit after insert or update or delete on tablehold.bookings
for each row execute function tablehold.tg_audit();
create trigger tg_allocations__audit after insert or update or delete on tablehold.allocations
for each row execute function tablehold.tg_audit();
create trigger tg_clients__audit after insert or update or delete on tablehold.clients
for each row execute function tablehold.tg_audit();
create trigger tg_units__audit after insert or update or delete on tablehold.units
for each row execute function tablehold.tg_audit();
create trigger tg_venues__audit after insert or update or delete on tablehold.venues
for each row execute function tablehold.tg_audit();
create trigger tg_staff_members__audit after insert or update or delete on tablehold.staff_members
for each row execute function tablehold.tg_audit();
create trigger tg_api_keys__audit after insert or update or delete on tablehold.api_keys
for each row execute function tablehold.tg_audit();

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

/** Taking a unit out of service (or back), or changing a pooled unit's capacity, changes public
 *  availability without touching allocations: emit the events on every service date from today to
 *  the booking horizon on which the venue opens or a channel exists. */
create function tablehold.tg_units__after_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(new.venue_id);
  v_today date := tablehold.service_date_of(v_venue, tablehold.clock());
  v_date date;
begin
  for v_date in
    select d::date from generate_series(v_today, tablehold.service_date_of(v_venue, tablehold.clock() + v_venue.booking_horizon), interval '1 day') d
  loop
    if exists (select 1 from tablehold.opening_spans(v_venue, v_date))
       or exists (select 1 from tablehold.channels c where c.venue_id = new.venue_id and c.service_date = v_date) then
      perform tablehold.emit_unit_events(new.id, v_date, tablehold.service_window(v_venue, v_date),
        case when new.out_of_service and not old.out_of_service then 'out_of_service'
             when old.out_of_service and not new.out_of_service then 'back_in_service'
             else 'capacity_changed' end, old);
    end if;
  end loop;
  return null;
end;
$$;

create trigger tg_units__after_update
after update of out_of_service, capacity on tablehold.units
for each row when (old.out_of_service is distinct from new.out_of_service or old.capacity is distinct from new.capacity)
execute function tablehold.tg_units__after_update();
