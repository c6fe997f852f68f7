-- Engine v2, third pass: the engine writes its own rows once, complete, and announces and audits
-- them itself; the row triggers stay as the guards and the engine for direct edits.
--
--   * While tablehold.engine_writes() is true (the transaction-local setting tablehold.engine_writes,
--     set only by the engine's take step and by place_booking), the allocation triggers (fill,
--     capacity check, events), the booking insert defaults and the booking and allocation audit
--     triggers stand down: the engine has filled, checked (under the channel lock), announced and
--     audited those rows already. Direct edits (Studio, psql) never set it and meet every trigger.
--   * tablehold.take is the one step that takes inventory for a booking, for place_booking and for
--     public.modify (through tablehold.allocate): it re-checks each unit under the channel lock,
--     expires a lapsed hold in the way through the ordinary path, inserts the allocations complete
--     in one statement, and appends each changed key's event. A unit with one public key over the
--     window (an exclusive unit, a date-booked section) gets its event from the count it has just
--     made; a slot-booked section, whose slots may overlap, goes through tablehold.emit_unit_events.
--   * A guest booking writes one audit row for the operation: the booking as written, with its
--     allocations. A new client record is its own audited change (erasure scrubs it there).
--   * The hot helpers answer as plpgsql expressions, which cost no statement: the reference and
--     manage-token hash, the inventory status rule, the event reason, the actor's label, the
--     booking document; the caller's units are read once; pacing reads its rules in one query.
--   * availability_events.venue_id no longer has its own foreign key: every event names a unit,
--     whose foreign key (on delete cascade) already ties the event to the unit's venue.

-- The flag -------------------------------------------------------------------------------------

/** True while the engine writes rows it has checked and will announce and audit itself (the
 *  transaction-local setting tablehold.engine_writes). WARNING: setting it yourself bypasses the
 *  capacity check of direct allocation writes: only tablehold.take and place_booking set it. */
create function tablehold.engine_writes()
returns boolean
language sql
stable
as $$
  select coalesce(pg_catalog.current_setting('tablehold.engine_writes', true), '') = 'on';
$$;

create or replace trigger tg_allocations__before_write
before insert or update on tablehold.allocations
for each row when (not tablehold.engine_writes())
execute function tablehold.tg_allocations__before_write();

create or replace trigger tg_allocations__after_write
after insert or update or delete on tablehold.allocations
for each row when (not tablehold.engine_writes())
execute function tablehold.tg_allocations__after_write();

create or replace trigger tg_allocations__audit
after insert or update or delete on tablehold.allocations
for each row when (not tablehold.engine_writes())
execute function tablehold.tg_audit();

create or replace trigger tg_bookings__audit
after insert or update or delete on tablehold.bookings
for each row when (not tablehold.engine_writes())
execute function tablehold.tg_audit();

-- Cheap helpers --------------------------------------------------------------------------------

/** Statuses in which a booking holds its inventory. */
create or replace function tablehold.status_holds_inventory(p_status tablehold.booking_status)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  return p_status in ('held', 'pending_approval', 'confirmed', 'seated');
end;
$$;

/** A new booking reference, e.g. BR-261205-K7QX2M: prefix, service date, six random characters
 *  from an alphabet without look-alikes. */
create or replace function tablehold.new_reference(p_prefix text, p_date date)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_bytes bytea := extensions.gen_random_bytes(6);
  v_reference text := p_prefix || '-' || to_char(p_date, 'YYMMDD') || '-';
begin
  for i in 0..5 loop
    v_reference := v_reference || substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (get_byte(v_bytes, i) % 31), 1);
  end loop;
  return v_reference;
end;
$$;

/** The stored form of a manage token or API key: its SHA-256, hex. */
create or replace function tablehold.token_hash(p_token text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return encode(extensions.digest(convert_to(p_token, 'UTF8'), 'sha256'), 'hex');
end;
$$;

/** The reason an availability event gives for a booking's inventory being taken (p_taken) or
 *  released, unless the operation set one (tablehold.reason). */
create function tablehold.event_reason_for(p_kind tablehold.booking_kind, p_status tablehold.booking_status, p_taken boolean)
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(nullif(current_setting('tablehold.reason', true), ''), case
    when p_kind = 'block' then case when p_taken then 'blocked' else 'unblocked' end
    when p_taken then 'booking_requested'
    when p_status = 'expired' then 'hold_expired'
    when p_status in ('cancelled', 'rejected', 'completed', 'no_show') then p_status::text
    else 'released'
  end);
end;
$$;

create or replace function tablehold.event_reason(p_booking_id uuid, p_taken boolean)
returns text
language sql
stable
set search_path = ''
as $$
  select tablehold.event_reason_for(b.kind, b.status, p_taken) from tablehold.bookings b where b.id = p_booking_id;
$$;

/** Who made a change, for the staff view. */
create or replace function tablehold.actor_label(p_venue_id uuid)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_role text := tablehold.jwt_role();
begin
  if tablehold.api_key_id() is not null then
    return 'assistant';
  elsif v_role is null then
    return 'database';
  elsif v_role = 'service_role' then
    return 'service';
  end if;
  return case tablehold.caller_rank(p_venue_id)
    when 3 then 'owner' when 2 then 'manager' when 1 then 'host'
    else case when tablehold.actor_id() is not null then 'customer' else 'guest' end end;
end;
$$;

-- The audit row --------------------------------------------------------------------------------

/** Append one audit row: the actor from the JWT claims (user, role, API key) or the database user,
 *  and the reason and override the operation set for this transaction (tablehold.audit_reason,
 *  tablehold.override). The one home of the audit row's shape: tg_audit and the engine's own
 *  operations call it. Returns the row's id (call it as an assignment: no statement of its own). */
create function tablehold.audit(p_venue_id uuid, p_entity text, p_entity_id text, p_action text,
  p_before jsonb, p_after jsonb)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into tablehold.audit_log (venue_id, entity, entity_id, action, actor_user_id, actor_role,
    api_key_id, before, after, reason, override)
  values (p_venue_id, p_entity, p_entity_id, p_action, tablehold.actor_id(), tablehold.actor_role(),
    tablehold.api_key_id(), p_before, p_after,
    nullif(current_setting('tablehold.audit_reason', true), ''),
    coalesce(nullif(current_setting('tablehold.override', true), '')::boolean, false))
  returning id into v_id;
  return v_id;
end;
$$;

/** The audit trail of direct and trigger-made writes: one row per insert, update or delete
 *  (tablehold.audit). */
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
  v_id bigint;
begin
  if tg_op = 'UPDATE' and v_before = v_after then
    return null;
  end if;
  v_id := tablehold.audit((case when tg_table_name = 'venues' then v_row ->> 'id' else v_row ->> 'venue_id' end)::uuid,
    tg_table_name, v_row ->> 'id', lower(tg_op), v_before, v_after);
  return null;
end;
$$;

-- Bookings written complete --------------------------------------------------------------------

/** Fill a new booking's timestamps and creator, and run the status machine on updates. A booking
 *  the engine writes (tablehold.engine_writes()) arrives filled. */
create or replace function tablehold.tg_bookings__before_write()
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
    if tablehold.engine_writes() then
      return new;
    end if;
    if new.status = 'held' and new.hold_expires_at is null then
      select * into v_venue from tablehold.venues v where v.id = new.venue_id;
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

/** The booking as the API returns it, from the row and what the caller already knows: its slot's
 *  code, its units ([{unit_id, code, name, quantity}] by code) and its channel's version. The one
 *  home of the document's shape (tablehold.booking_json reads the rest from the tables). */
create function tablehold.booking_document(p_booking tablehold.bookings, p_slot_code text, p_units jsonb, p_version bigint)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'id', p_booking.id, 'reference', p_booking.reference, 'venue_id', p_booking.venue_id, 'kind', p_booking.kind,
    'status', p_booking.status, 'service_date', p_booking.service_date, 'slot', p_slot_code,
    'starts_at', lower(p_booking.during), 'ends_at', upper(p_booking.during), 'party_size', p_booking.party_size,
    'hold_expires_at', case when p_booking.status = 'held' then p_booking.hold_expires_at end,
    'deposit_total', p_booking.deposit_total, 'min_spend_total', p_booking.min_spend_total,
    'payment_ref', p_booking.payment_ref, 'special_requests', p_booking.special_requests,
    'occasion', p_booking.occasion, 'source', p_booking.source,
    'client_id', p_booking.client_id, 'block_reason', p_booking.block_reason,
    'units', coalesce(p_units, '[]'), 'version', coalesce(p_version, 0));
end;
$$;

create or replace function tablehold.booking_json(p_booking_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select tablehold.booking_document(b, s.code,
    (select jsonb_agg(jsonb_build_object('unit_id', u.id, 'code', u.code, 'name', u.name, 'quantity', a.quantity) order by u.code)
       from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
      where a.booking_id = b.id and not a.superseded),
    (select c.version from tablehold.channels c where c.venue_id = b.venue_id and c.service_date = b.service_date))
  from tablehold.bookings b
  left join tablehold.slots s on s.id = b.slot_id
  where b.id = p_booking_id;
$$;

-- Channels, events, pacing ---------------------------------------------------------------------

/** Lock one channel (a venue-night), creating it, and record it as locked by this transaction
 *  (tablehold.channel_locked). Returns its version. The one home of channel locking: WARNING,
 *  a transaction locking several takes them in date order (tablehold.lock_channels). A row lock
 *  (FOR UPDATE) rather than a no-op update: it leaves no new row version behind, so the version
 *  bump that follows is the row's only update in the transaction. */
create function tablehold.lock_channel(p_venue_id uuid, p_service_date date)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
  v_version bigint;
begin
  select c.version into v_version from tablehold.channels c
   where c.venue_id = p_venue_id and c.service_date = p_service_date
  for update;
  if not found then  -- the night's first change: create it (or lock the row a concurrent first change created)
    insert into tablehold.channels as c (venue_id, service_date)
    values (p_venue_id, p_service_date)
    on conflict (venue_id, service_date) do update set version = c.version
    returning c.version into v_version;
  end if;
  v_was := set_config('tablehold.locked_channels',
    coalesce(current_setting('tablehold.locked_channels', true), '') || ' ' || p_venue_id || ':' || p_service_date, true);
  v_was := tablehold.engine_restore(v_was);
  return v_version;
end;
$$;

/** Lock a venue's channels for several dates, in date order (tablehold.lock_channel). */
create or replace function tablehold.lock_channels(p_venue_id uuid, p_dates date[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_date date;
  v_version bigint;
begin
  foreach v_date in array array(select distinct d from unnest(p_dates) d where d is not null order by d) loop
    v_version := tablehold.lock_channel(p_venue_id, v_date);
  end loop;
end;
$$;

drop function tablehold.append_event(tablehold.units, date, uuid, tstzrange, text, text, int, text);

/** Append one event to a channel, taking the next version (the writer holds the channel's lock),
 *  and wake the SSE streams in the same statement (NOTIFY tablehold_events, delivered only if the
 *  transaction commits). The one place events are appended (direct writes are refused), so the
 *  one place they are announced. Returns the version. */
create function tablehold.append_event(
  p_unit tablehold.units, p_service_date date, p_slot_id uuid, p_key tstzrange,
  p_previous text, p_new text, p_remaining int, p_reason text)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
  v_version bigint;
  v_notified text;
begin
  insert into tablehold.channels as c (venue_id, service_date, version)
  values (p_unit.venue_id, p_service_date, 1)
  on conflict (venue_id, service_date) do update set version = c.version + 1
  returning c.version into v_version;

  with appended as (
    insert into public.availability_events (
      channel, venue_id, service_date, version, unit_id, slot_id, starts_at, ends_at, capacity_mode,
      previous_state, new_state, remaining, capacity, reason, occurred_at)
    values (
      p_unit.venue_id::text || ':' || p_service_date::text, p_unit.venue_id, p_service_date, v_version,
      p_unit.id, p_slot_id, lower(p_key), upper(p_key), p_unit.capacity_mode,
      p_previous, p_new, p_remaining, p_unit.capacity, p_reason, tablehold.clock())
    returning channel, version
  )
  select pg_notify('tablehold_events', json_build_object('t', 'a', 'c', a.channel, 'v', a.version)::text)::text
    into v_notified from appended a;
  v_was := tablehold.engine_restore(v_was);
  return v_version;
end;
$$;

alter table public.availability_events drop constraint availability_events_venue_id_fkey;

-- tablehold.append_event announces each event itself
drop trigger tg_availability_events__notify on public.availability_events;
drop function tablehold.tg_availability_events__notify();

/** Refuse a booking that would take its area's (or the venue's) pacing over a rule's maximum
 *  covers starting in one local-clock interval (see the original for the rule). */
create function tablehold.check_pacing(p_booking tablehold.bookings, p_timezone text)
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_local timestamp := lower(p_booking.during) at time zone p_timezone;
  v_rule record;
  v_bucket timestamp;
  v_covers bigint;
  v_rules int := 0;
begin
  for v_rule in
    select r.* from tablehold.pacing_rules r
    where r.venue_id = p_booking.venue_id
      and (r.area_id is null or r.area_id in (
        select u.area_id from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
        where a.booking_id = p_booking.id and a.active))
    order by r.id
  loop
    v_rules := v_rules + 1;
    v_bucket := p_booking.service_date::timestamp
      + (floor(extract(epoch from v_local - p_booking.service_date::timestamp) / extract(epoch from v_rule.per))
         * extract(epoch from v_rule.per))::float8 * interval '1 second';
    perform pg_advisory_xact_lock(hashtextextended(
      'tablehold.pacing:' || v_rule.id || ':' || p_booking.service_date || ':' || v_bucket, 0));
    select coalesce(sum(b.party_size), 0) into v_covers
      from tablehold.bookings b
     where b.venue_id = p_booking.venue_id and b.service_date = p_booking.service_date
       and b.kind = 'booking' and tablehold.status_holds_inventory(b.status)
       and (b.status <> 'held' or b.hold_expires_at > v_now)
       and (lower(b.during) at time zone p_timezone) >= v_bucket
       and (lower(b.during) at time zone p_timezone) < v_bucket + v_rule.per
       and (v_rule.area_id is null or exists (
         select 1 from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
         where a.booking_id = b.id and a.active and u.area_id = v_rule.area_id));
    if v_covers > v_rule.max_covers then
      perform tablehold.fail('PACING_LIMIT_REACHED', jsonb_build_object(
        'interval_start', tablehold.local_instant(p_timezone, v_bucket), 'per', v_rule.per, 'max_covers', v_rule.max_covers));
    end if;
  end loop;
  return v_rules;
end;
$$;

create or replace function tablehold.check_pacing(p_booking_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_timezone text;
  v_rules int;
begin
  select * into v_booking from tablehold.bookings b where b.id = p_booking_id;
  select v.timezone into v_timezone from tablehold.venues v where v.id = v_booking.venue_id;
  v_rules := tablehold.check_pacing(v_booking, v_timezone);
end;
$$;

-- Taking inventory ------------------------------------------------------------------------------

drop function tablehold.unit_free_check(tablehold.units, tstzrange, int, tablehold.booking_kind, bigint);
drop function tablehold.used_at_peak(uuid, tstzrange, bigint);
drop function tablehold.pooled_use(uuid, tstzrange, bigint);
drop function tablehold.exclusive_overlap(uuid, tstzrange, bigint);

/** A pooled unit's use over p_window: the units in use at the busiest instant by active
 *  allocations whose hold has not lapsed (leaving out p_exclude_id), whether a lapsed hold that
 *  nobody has expired yet overlaps the window, and the unit's row as this statement reads it (its
 *  capacity and service state now, not when the caller first read it). The peak is reached at the
 *  window start or at some allocation's start, so only those instants are checked. One query
 *  whatever the number of live holds, narrowed by the GiST index on (unit_id, during). */
create function tablehold.pooled_use(p_unit_id uuid, p_window tstzrange, p_exclude_id bigint default null,
  out used int, out lapsed boolean, out unit tablehold.units)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_row record;
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
  select coalesce(max((select coalesce(sum(l.quantity), 0) from live l where l.during @> i.t)), 0)::int as used,
         coalesce((select bool_or(o.lapsed) from overlapping o), false) as lapsed,
         (select u from tablehold.units u where u.id = p_unit_id) as unit
    into v_row
    from instants i;
  used := v_row.used;
  lapsed := v_row.lapsed;
  unit := v_row.unit;
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

/** Whether an exclusive unit is taken over p_window right now (a live allocation overlaps it),
 *  whether a lapsed hold nobody has expired yet overlaps it (it must be expired before the
 *  exclusion constraint lets anything in), and the unit's row as this statement reads it. One
 *  query. */
create function tablehold.exclusive_overlap(p_unit_id uuid, p_window tstzrange, p_exclude_id bigint default null,
  out taken boolean, out lapsed boolean, out unit tablehold.units)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_row record;
begin
  select coalesce(bool_or(a.expires_at is null or a.expires_at > v_now), false) as taken,
         coalesce(bool_or(a.expires_at <= v_now), false) as lapsed,
         (select u from tablehold.units u where u.id = p_unit_id) as unit
    into v_row
    from tablehold.allocations a
   where a.unit_id = p_unit_id and a.active and a.during && p_window and a.id is distinct from p_exclude_id;
  taken := v_row.taken;
  lapsed := v_row.lapsed;
  unit := v_row.unit;
end;
$$;

/** Whether p_unit can take p_quantity over p_window right now: raises the unit's unavailable code
 *  when it is out of service (for a guest booking, not a staff block), taken (exclusive: a live
 *  allocation overlaps) or would go over capacity (pooled). Decides on the unit's row as the count
 *  reads it (WARNING: p_unit may have been read before the channel lock; a capacity or service
 *  change committed since must count). Returns the units in use at the window's busiest instant
 *  (used; for an exclusive unit 0), whether a lapsed hold nobody has expired yet overlaps the
 *  window (lapsed; never counted, the caller that takes the unit expires it), and that row (unit).
 *  The one home of the capacity rule: the lock-free refusal calls it on the committed state,
 *  tablehold.take and the allocation trigger again under the channel lock. */
create function tablehold.unit_free_check(p_unit tablehold.units, p_window tstzrange, p_quantity int,
  p_kind tablehold.booking_kind, p_exclude_id bigint default null,
  out lapsed boolean, out used int, out unit tablehold.units)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_exclusive record;
  v_pooled record;
  v_taken boolean := false;
begin
  if p_unit.capacity_mode = 'exclusive' then
    v_exclusive := tablehold.exclusive_overlap(p_unit.id, p_window, p_exclude_id);
    unit := v_exclusive.unit;
    lapsed := v_exclusive.lapsed;
    v_taken := v_exclusive.taken;
    used := 0;
  else
    v_pooled := tablehold.pooled_use(p_unit.id, p_window, p_exclude_id);
    unit := v_pooled.unit;
    lapsed := v_pooled.lapsed;
    used := v_pooled.used;
    v_taken := used + p_quantity > unit.capacity;
  end if;
  if unit.out_of_service and p_kind = 'booking' then
    perform tablehold.fail(tablehold.unavailable_code(unit.unit_type),
      jsonb_build_object('unit_id', unit.id, 'out_of_service', true));
  end if;
  if v_taken then
    perform tablehold.fail(tablehold.unavailable_code(unit.unit_type), jsonb_build_object('unit_id', unit.id)
      || case when unit.capacity_mode = 'pooled' then jsonb_build_object('remaining', greatest(unit.capacity - used, 0)) else '{}' end);
  end if;
end;
$$;

/** Fill an allocation from its booking and unit, lock its channel, and refuse anything that would
 *  overbook it (tablehold.unit_free_check, backed for exclusive units by the exclusion constraint).
 *  The path of direct writes and of the engine's status changes; tablehold.take writes its rows
 *  complete and checked, with this trigger standing down. */
create or replace function tablehold.tg_allocations__before_write()
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
  -- inventory holds it (the engine's own writes took it before writing the booking).
  if not tablehold.in_engine() then
    perform tablehold.lock_channels(new.venue_id, array[new.service_date]
      || case when tg_op = 'UPDATE' and old.service_date <> new.service_date then array[old.service_date] else '{}' end);
  end if;
  if (tablehold.unit_free_check(v_unit, new.during, new.quantity, v_booking.kind, new.id)).lapsed then
    -- a lapsed hold never blocks or counts: expire the ones on the window being taken, now
    perform tablehold.expire_stale_holds(new.unit_id, new.during);
  end if;
  return new;
end;
$$;

/** p_units, the venue's units a request named (p_unit_ids) as read: NOT_FOUND unless every named
 *  id was found. */
create function tablehold.require_named_units(p_units tablehold.units[], p_unit_ids uuid[])
returns tablehold.units[]
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_distinct uuid[] := '{}';
  v_id uuid;
begin
  foreach v_id in array p_unit_ids loop
    if not v_id = any (v_distinct) then
      v_distinct := v_distinct || v_id;
    end if;
  end loop;
  if coalesce(cardinality(p_units), 0) <> cardinality(v_distinct) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'unit'));
  end if;
  return p_units;
end;
$$;

/** The units a request names, of the venue, in id order (one query); NOT_FOUND when any is not the
 *  venue's. */
create function tablehold.named_units(p_venue_id uuid, p_unit_ids uuid[])
returns tablehold.units[]
language plpgsql
stable
set search_path = ''
as $$
begin
  return tablehold.require_named_units(
    array(select u from tablehold.units u where u.id = any (p_unit_ids) and u.venue_id = p_venue_id order by u.id),
    p_unit_ids);
end;
$$;

drop function tablehold.check_units(uuid, uuid[], tablehold.booking_mode, int, int);

/** Check named units (tablehold.named_units) against the party and the plan's booking mode, and
 *  return how many of each the booking takes. Raises INVALID_REQUEST and INVALID_PARTY_SIZE. */
create function tablehold.check_units(p_venue_id uuid, p_units tablehold.units[], p_mode tablehold.booking_mode,
  p_party_size int, p_rank int)
returns int
language plpgsql
stable
set search_path = ''
as $$
declare
  v_unit tablehold.units;
  v_quantity int;
  v_seats int := 0;
  v_pooled boolean := false;
begin
  foreach v_unit in array p_units loop
    if v_unit.booking_mode <> p_mode then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'units are booked in different ways'));
    end if;
    v_seats := v_seats + v_unit.max_covers;
    v_pooled := v_pooled or v_unit.capacity_mode = 'pooled';
  end loop;

  if cardinality(p_units) = 1 then
    v_unit := p_units[1];
    v_quantity := case when v_unit.capacity_mode = 'pooled' then ceil(p_party_size::numeric / v_unit.max_covers)::int else 1 end;
    if p_party_size < v_unit.min_covers
       or (v_unit.capacity_mode = 'exclusive' and p_party_size > v_unit.max_covers)
       or v_quantity > v_unit.capacity then
      perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('unit_id', v_unit.id,
        'min_covers', v_unit.min_covers, 'max_covers', v_unit.max_covers));
    end if;
    return v_quantity;
  end if;
  if v_pooled then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'book one pooled section at a time'));
  end if;
  -- joined tables: an allowed combination, or any set that seats the party when staff decide
  if not (p_rank >= 1 and v_seats >= p_party_size) and not exists (
    select 1 from tablehold.combinations c
    where c.venue_id = p_venue_id and p_party_size between c.min_party and c.max_party
      and (select array_agg(cu.unit_id order by cu.unit_id) from tablehold.combination_units cu where cu.combination_id = c.id)
          = (select array_agg(u.id order by u.id) from unnest(p_units) u)
  ) then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('problem', 'not an allowed combination for this party size'));
  end if;
  return 1;
end;
$$;

/** Take p_units (p_quantity of each) for a booking that exists in a status holding inventory:
 *  the one step that takes inventory, for place_booking and public.modify. WARNING: the caller
 *  holds the booking's channel lock; the re-check here under it is what makes the insert safe.
 *  A lapsed hold in the way is expired first through the ordinary path (its own events and audit).
 *  The allocations are inserted complete in one statement with the allocation triggers standing
 *  down (tablehold.engine_writes), then each changed public key gets its event: from the count just
 *  made for a unit with one key over the window (exclusive units, date-booked sections), through
 *  tablehold.emit_unit_events for slot-booked sections. Then pacing (p_pacing). Returns the
 *  channel's version after the last event appended here (null when emit_unit_events made it),
 *  the units as the booking document lists them, and the allocation rows. Outside place_booking
 *  (which audits the operation once) each allocation is audited here. */
create function tablehold.take(p_booking tablehold.bookings, p_plan tablehold.booking_plan,
  p_units tablehold.units[], p_quantity int, p_venue tablehold.venues, p_pacing boolean,
  out version bigint, out units jsonb, out allocations jsonb)
language plpgsql
set search_path = ''
as $$
declare
  v_outer text := coalesce(current_setting('tablehold.engine_writes', true), '');
  v_reason text := tablehold.event_reason_for(p_booking.kind, p_booking.status, true);
  v_used int[] := '{}';
  v_units tablehold.units[] := '{}';
  v_unit tablehold.units;
  v_use record;
  v_remaining int;
  v_rules int;
  v_row jsonb;
  v_audit bigint;
  v_was text;
begin
  if not tablehold.status_holds_inventory(p_booking.status) then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('problem', 'the booking does not hold inventory',
      'status', p_booking.status));
  end if;
  -- the units as they are now (read with each count, under the lock): the events below use them
  foreach v_unit in array p_units loop
    v_use := tablehold.unit_free_check(v_unit, p_plan.occupies, p_quantity, p_booking.kind);
    if v_use.lapsed then
      v_was := set_config('tablehold.engine_writes', '', true);
      perform tablehold.expire_stale_holds(v_unit.id, p_plan.occupies);
      v_was := set_config('tablehold.engine_writes', v_outer, true);
    end if;
    v_used := v_used || v_use.used;
    v_units := v_units || v_use.unit;
  end loop;

  v_was := set_config('tablehold.engine_writes', 'on', true);
  begin
    with taken as (
      insert into tablehold.allocations (booking_id, unit_id, venue_id, service_date, during, quantity, exclusive, active, expires_at)
      select p_booking.id, u.id, p_booking.venue_id, p_booking.service_date, p_plan.occupies, p_quantity,
             u.capacity_mode = 'exclusive', true, case when p_booking.status = 'held' then p_booking.hold_expires_at end
        from unnest(v_units) u
      returning *
    )
    select jsonb_agg(jsonb_build_object('unit_id', u.id, 'code', u.code, 'name', u.name, 'quantity', t.quantity) order by u.code),
           jsonb_agg(to_jsonb(t) order by t.id)
      into units, allocations
      from taken t join unnest(v_units) u on u.id = t.unit_id;
  exception when exclusion_violation then
    perform tablehold.fail('TABLE_NOT_AVAILABLE', jsonb_build_object('unit_ids', (select array_agg(u.id) from unnest(p_units) u)));
  end;
  v_was := set_config('tablehold.engine_writes', v_outer, true);

  for i in 1 .. cardinality(v_units) loop
    v_unit := v_units[i];
    if v_unit.capacity_mode = 'exclusive' then
      version := tablehold.append_event(v_unit, p_booking.service_date, null, p_plan.occupies,
        'available', 'unavailable', 0, v_reason);
    elsif v_unit.booking_mode = 'date' then
      v_remaining := greatest(v_unit.capacity - v_used[i], 0);
      version := tablehold.append_event(v_unit, p_booking.service_date, null, p_plan.occupies,
        case when v_remaining > 0 then 'available' else 'unavailable' end,
        case when v_remaining > p_quantity then 'available' else 'unavailable' end,
        greatest(v_remaining - p_quantity, 0), v_reason);
    else
      perform tablehold.emit_unit_events(v_unit.id, p_booking.service_date, p_plan.occupies, v_reason);
      version := null;
    end if;
  end loop;

  if p_pacing then
    v_rules := tablehold.check_pacing(p_booking, p_venue.timezone);
  end if;
  if v_outer <> 'on' then
    for v_row in select jsonb_array_elements(allocations) loop
      v_audit := tablehold.audit(p_booking.venue_id, 'allocations', v_row ->> 'id', 'insert', null, v_row);
    end loop;
  end if;
end;
$$;

drop function tablehold.take_units(tablehold.bookings, tablehold.booking_plan, tablehold.units[], int, boolean);
drop function tablehold.take_tables(tablehold.bookings, tablehold.booking_plan, tablehold.table_candidate[], int, boolean);

/** Take the best of p_candidates (tablehold.table_candidate_list) through tablehold.take, moving on
 *  to the next when a concurrent booking took one or its area's pacing refuses it (p_pacing); a
 *  confirmed booking by a guest never lands on tables that need a manager's approval. Returns what
 *  take returns and the totals of the tables taken. Raises NO_TABLE_AVAILABLE or
 *  PACING_LIMIT_REACHED. */
create function tablehold.take_tables(p_booking tablehold.bookings, p_plan tablehold.booking_plan,
  p_candidates tablehold.table_candidate[], p_rank int, p_venue tablehold.venues, p_pacing boolean,
  out version bigint, out units jsonb, out allocations jsonb, out deposit numeric, out min_spend numeric)
language plpgsql
set search_path = ''
as $$
declare
  v_candidate tablehold.table_candidate;
  v_tables tablehold.units[];
  v_taken record;
  v_done boolean := false;
  v_paced boolean := false;
begin
  foreach v_candidate in array coalesce(p_candidates, '{}') loop
    continue when v_candidate.needs_approval and p_booking.status = 'confirmed' and p_rank < 2;
    begin
      v_tables := tablehold.named_units(p_booking.venue_id, v_candidate.unit_ids);
      v_taken := tablehold.take(p_booking, p_plan, v_tables, 1, p_venue, p_pacing);
      v_done := true;
    exception
      when sqlstate 'TH002' then
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
  version := v_taken.version;
  units := v_taken.units;
  allocations := v_taken.allocations;
  deposit := v_candidate.deposit;
  min_spend := v_candidate.min_spend;
end;
$$;

/** Take the inventory of an existing booking whose channel(s) the caller has locked: named units
 *  (checked by tablehold.check_units) or the best free tables (tablehold.take_tables), correcting
 *  the booking's totals when they changed. public.modify's path. */
create or replace function tablehold.allocate(
  p_booking tablehold.bookings, p_plan tablehold.booking_plan, p_unit_ids uuid[], p_rank int, p_area_id uuid, p_pacing boolean)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_booking.venue_id);
  v_units tablehold.units[];
  v_quantity int;
  v_taken record;
  v_deposit numeric(10, 2) := 0;
  v_min_spend numeric(10, 2) := 0;
  v_unit tablehold.units;
begin
  if p_unit_ids is null then
    v_taken := tablehold.take_tables(p_booking, p_plan,
      tablehold.table_candidate_list(p_booking.venue_id, p_plan.occupies, p_booking.party_size, p_area_id), p_rank, v_venue, p_pacing);
    v_deposit := v_taken.deposit;
    v_min_spend := v_taken.min_spend;
  else
    v_units := tablehold.named_units(p_booking.venue_id, p_unit_ids);
    v_quantity := tablehold.check_units(p_booking.venue_id, v_units, p_plan.mode, p_booking.party_size, p_rank);
    v_taken := tablehold.take(p_booking, p_plan, v_units, v_quantity, v_venue, p_pacing);
    foreach v_unit in array v_units loop
      v_deposit := v_deposit + v_unit.deposit * v_quantity;
      v_min_spend := v_min_spend + v_unit.min_spend * v_quantity;
    end loop;
  end if;
  if (v_deposit, v_min_spend) is distinct from (p_booking.deposit_total, p_booking.min_spend_total) then
    update tablehold.bookings b set deposit_total = v_deposit, min_spend_total = v_min_spend where b.id = p_booking.id;
  end if;
end;
$$;

-- The staff feed ------------------------------------------------------------------------------

/** The staff feed, one event per booking per commit (see the original for the design), its row
 *  and its NOTIFY written in one statement. */
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
  v_notified text;
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
  ), written as (
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
  from feed
  returning venue_id
  )
  select pg_notify('tablehold_events', json_build_object('t', 's', 'venue', w.venue_id)::text)::text
    into v_notified from written w;
  v_was := tablehold.engine_restore(v_was);
  return null;
end;
$$;

-- The time a booking takes ------------------------------------------------------------------

drop function tablehold.booking_window_problem(tablehold.venues, tablehold.booking_mode, date, tstzrange, timestamptz, boolean);

/** Why a booking on service date p_date over p_during could not be made at p_now, or null:
 *  'past' (a table's start, a slot's end, a date's last closing time has gone), 'notice' (inside
 *  the venue's minimum notice) or 'horizon' (beyond the booking horizon); the last two unless a
 *  manager overrides. The one home of the booking-window rule: plan_time raises it, available_times
 *  lists only starts it passes. p_closes, when the caller has read it (plan_time, with the opening
 *  hours), is the date's last closing time; otherwise a date-booked unit's is read here. */
create function tablehold.booking_window_problem(
  p_venue tablehold.venues, p_mode tablehold.booking_mode, p_date date, p_during tstzrange,
  p_now timestamptz, p_override boolean, p_closes timestamptz default null)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_closes timestamptz := p_closes;
begin
  if p_mode = 'date' and v_closes is null then
    select max(upper(s)) into v_closes from tablehold.opening_spans(p_venue, p_date) s;
  end if;
  if upper(p_during) <= p_now or (p_mode = 'time' and lower(p_during) < p_now)
     or (p_mode = 'date' and v_closes <= p_now) then
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

/** The time a booking takes (see the original): its service date, slot, window and what it
 *  occupies, checked against the opening hours and the booking window. */
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
  v_open boolean;
  v_closes timestamptz;
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
  -- span; a date needs the venue open that date (read once with when it closes, which the booking
  -- window needs)
  if p_mode = 'date' then
    select max(upper(s)) into v_closes from tablehold.opening_spans(p_venue, v_plan.service_date) s;
    v_open := v_closes is not null;
  elsif p_mode = 'time' then
    v_open := exists (select 1 from tablehold.table_starts(p_venue, v_plan.service_date, v_turn) g where g = p_start);
  else
    v_open := exists (select 1 from tablehold.opening_spans(p_venue, v_plan.service_date) s where s @> v_plan.during);
  end if;
  if not v_open then
    perform tablehold.fail('OUTSIDE_OPENING_HOURS', jsonb_build_object(
      'service_date', v_plan.service_date, 'starts_at', lower(v_plan.during)));
  end if;

  v_problem := tablehold.booking_window_problem(p_venue, p_mode, v_plan.service_date, v_plan.during, v_now, p_override, v_closes);
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


-- Placing a booking -----------------------------------------------------------------------------

/** Place a booking in one pass: validate; refuse at once, with no lock taken and nothing written,
 *  when the inventory is visibly gone (tablehold.unit_free_check on the committed state, or no free
 *  table); find or create the client and apply the age rule; then lock the venue-night, write the
 *  booking complete in its final status (held, or confirmed / pending_approval for public.book)
 *  with its totals, take the inventory found (tablehold.take), audit the operation in one row (the
 *  booking with its allocations) and answer from what was written. The shared body of public.hold
 *  and public.book. */
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
  v_units tablehold.units[];
  v_unit tablehold.units;
  v_quantity int;
  v_candidates tablehold.table_candidate[];
  v_needs_approval boolean := false;
  v_status tablehold.booking_status;
  v_deposit numeric(10, 2) := 0;
  v_min_spend numeric(10, 2) := 0;
  v_request_hash text;
  v_token text := encode(extensions.gen_random_bytes(24), 'hex');
  v_dob date;
  v_use record;
  v_taken record;
  v_version bigint;
  v_state text; v_message text; v_detail text; v_hint text;
  v_constraint text;
  v_read record;
  v_audit bigint;
  v_was text;
  v_set text;
begin
  -- the venue, the units named (as tablehold.named_units reads them) and whether pacing rules
  -- apply, in one read
  select v as venue,
         array(select u from tablehold.units u where u.id = any (p_unit_ids) and u.venue_id = v.id order by u.id) as units,
         exists (select 1 from tablehold.pacing_rules r where r.venue_id = v.id) as paced
    into v_read
    from tablehold.venues v where v.id = p_venue_id;
  if not found then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'venue'));
  end if;
  v_venue := v_read.venue;
  if tablehold.api_key_id() is not null then
    perform tablehold.require_api_scope(p_venue_id, 'book');
  end if;
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
    v_units := tablehold.require_named_units(v_read.units, p_unit_ids);
    foreach v_unit in array v_units loop
      if v_unit.id = p_unit_ids[1] then
        v_mode := v_unit.booking_mode;
      end if;
    end loop;
  end if;
  v_plan := tablehold.plan_time(v_venue, v_mode, p_party_size, p_date, p_slot, p_start, v_override);

  -- One subtransaction: a refusal raised anywhere below is re-raised with whether the caller's view
  -- was stale (p_seen_version).
  begin
    -- the inventory, its totals and whether it needs a manager, decided on the committed state:
    -- a refusal here has taken no lock and written nothing
    if p_unit_ids is null then
      v_candidates := tablehold.table_candidate_list(p_venue_id, v_plan.occupies, p_party_size, p_area_id);
      if cardinality(v_candidates) = 0 then
        perform tablehold.fail('NO_TABLE_AVAILABLE', jsonb_build_object('party_size', p_party_size, 'starts_at', lower(v_plan.during)));
      end if;
      v_deposit := v_candidates[1].deposit;
      v_min_spend := v_candidates[1].min_spend;
      v_needs_approval := v_candidates[1].needs_approval;
    else
      v_quantity := tablehold.check_units(p_venue_id, v_units, v_mode, p_party_size, v_rank);
      foreach v_unit in array v_units loop
        v_use := tablehold.unit_free_check(v_unit, v_plan.occupies, v_quantity, 'booking');
        v_deposit := v_deposit + v_unit.deposit * v_quantity;
        v_min_spend := v_min_spend + v_unit.min_spend * v_quantity;
        v_needs_approval := v_needs_approval or v_unit.requires_approval;
      end loop;
    end if;

    v_client := tablehold.resolve_client(p_venue_id, v_rank, p_client_id, p_guest);
    if v_venue.min_age is not null then
      begin
        v_dob := coalesce((p_guest ->> 'date_of_birth')::date, v_client.date_of_birth);
      exception when invalid_datetime_format or datetime_field_overflow then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date_of_birth'));
      end;
      perform tablehold.check_age(v_venue, v_plan.service_date, v_dob, v_override);
    end if;
    v_status := case
      when not coalesce(p_confirm, false) then 'held'
      when v_rank < 2 and (v_venue.requires_approval or v_needs_approval) then 'pending_approval'
      else 'confirmed' end;

    v_version := tablehold.lock_channel(p_venue_id, v_plan.service_date);
    v_set := set_config('tablehold.override', v_override::text, true);
    v_was := tablehold.engine_on();
    v_set := set_config('tablehold.engine_writes', 'on', true);
    -- references are random: on the rare collision with another booking's, draw again
    for v_attempt in 1..5 loop
      begin
        insert into tablehold.bookings (reference, venue_id, client_id, status, party_size, service_date, slot_id, during,
          hold_expires_at, deposit_total, min_spend_total, payment_ref, special_requests, occasion, source,
          idempotency_key, request_hash, manage_token_hash, created_by, created_by_role,
          held_at, submitted_at, confirmed_at, created_at, updated_at)
        values (tablehold.new_reference('BR', v_plan.service_date), p_venue_id, v_client.id, v_status, p_party_size,
          v_plan.service_date, v_plan.slot_id, v_plan.during,
          case when v_status = 'held' then v_now + v_venue.hold_ttl end, v_deposit, v_min_spend,
          p_payment_ref, p_special_requests, p_occasion, coalesce(p_source, 'web')::tablehold.booking_source, p_idempotency_key, v_request_hash,
          tablehold.token_hash(v_token), tablehold.actor_id(), tablehold.actor_role(),
          case when v_status = 'held' then v_now end, case when v_status <> 'held' then v_now end,
          case when v_status = 'confirmed' then v_now end, v_now, v_now)
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
          v_set := set_config('tablehold.engine_writes', '', true);
          v_set := set_config('tablehold.override', 'false', true);
          v_was := tablehold.engine_restore(v_was);
          return tablehold.booking_json(v_booking.id) || jsonb_build_object('replayed', true);
        when check_violation then
          perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('problem', sqlerrm));
      end;
    end loop;

    if p_unit_ids is null then
      v_taken := tablehold.take_tables(v_booking, v_plan, v_candidates, v_rank, v_venue, v_read.paced and not v_override);
      if (v_taken.deposit, v_taken.min_spend) is distinct from (v_booking.deposit_total, v_booking.min_spend_total) then
        update tablehold.bookings b set deposit_total = v_taken.deposit, min_spend_total = v_taken.min_spend
         where b.id = v_booking.id
        returning * into v_booking;
      end if;
    else
      v_taken := tablehold.take(v_booking, v_plan, v_units, v_quantity, v_venue, v_read.paced and not v_override);
    end if;
  exception when sqlstate 'TH001' or sqlstate 'TH002' or sqlstate 'TH008' or sqlstate 'TH016' then
    if p_seen_version is null then
      raise;
    end if;
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform tablehold.reraise_with_staleness(p_venue_id, v_plan.service_date, p_seen_version, v_state, v_message, v_detail, v_hint);
  end;
  v_audit := tablehold.audit(p_venue_id, 'bookings', v_booking.id::text, 'insert', null,
    to_jsonb(v_booking) || jsonb_build_object('allocations', v_taken.allocations));
  v_set := set_config('tablehold.engine_writes', '', true);
  v_was := tablehold.engine_restore(v_was);
  v_set := set_config('tablehold.override', 'false', true);  -- the override belongs to this booking only
  if v_taken.version is null then
    return tablehold.booking_json(v_booking.id) || jsonb_build_object('manage_token', v_token, 'replayed', false);
  end if;
  return tablehold.booking_document(v_booking, case when v_plan.slot_id is not null then p_slot end,
    v_taken.units, v_taken.version) || jsonb_build_object('manage_token', v_token, 'replayed', false);
end;
$$;

/** Hold inventory for a guest (see the original for the parameters): tablehold.place_booking. */
create or replace function public.hold(
  p_venue_id uuid, p_party_size int, p_date date default null, p_slot text default null,
  p_start timestamptz default null, p_unit_ids uuid[] default null, p_area_id uuid default null,
  p_guest jsonb default null, p_client_id uuid default null, p_source text default 'web',
  p_idempotency_key text default null, p_seen_version bigint default null,
  p_special_requests text default null, p_occasion text default null, p_override boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return tablehold.place_booking(p_venue_id, p_party_size, p_date, p_slot, p_start, p_unit_ids, p_area_id,
    p_guest, p_client_id, p_source, p_idempotency_key, p_seen_version, p_special_requests, p_occasion,
    null, p_override, false);
end;
$$;

/** Book directly: hold and confirm in one step (see the original): tablehold.place_booking. */
create or replace function public.book(
  p_venue_id uuid, p_party_size int, p_date date default null, p_slot text default null,
  p_start timestamptz default null, p_unit_ids uuid[] default null, p_area_id uuid default null,
  p_guest jsonb default null, p_client_id uuid default null, p_source text default 'web',
  p_idempotency_key text default null, p_seen_version bigint default null,
  p_special_requests text default null, p_occasion text default null, p_override boolean default false,
  p_payment_ref text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return tablehold.place_booking(p_venue_id, p_party_size, p_date, p_slot, p_start, p_unit_ids, p_area_id,
    p_guest, p_client_id, p_source, p_idempotency_key, p_seen_version, p_special_requests, p_occasion,
    p_payment_ref, p_override, true);
end;
$$;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
