-- Engine v2, second pass: each rule in one place, no work done twice on the booking path, and
-- events computed only under their channel's lock.
--
--   * Whether a unit can take a booking (out of service, taken, over capacity, a lapsed hold in the
--     way) is decided by one function, tablehold.unit_free_check, which both the lock-free refusal
--     of place_booking and the allocation trigger call (they were near-copies).
--   * place_booking checked the named units and ranked the free tables once for its lock-free
--     refusal, then tablehold.allocate did both again. It now hands what it found to
--     tablehold.take_units / tablehold.take_tables; allocate is the wrapper public.modify uses.
--   * The lock-free refusal runs before the guest's client record is upserted, so a refused attempt
--     writes nothing at all; its two exception blocks (two subtransactions per booking) are one.
--   * The minimum-age rule has one home (tablehold.check_age) and a booking written directly meets
--     the booking window through tablehold.booking_window_problem, the rule plan_time uses.
--   * The direct-edit guards protected the inventory of bookings that hold it, but an expired hold
--     is confirmed by re-taking its allocations: deleting or moving them (or moving the booking's
--     time) while it was expired let a confirmation make a booking with no inventory, or with
--     inventory at another time (found by the randomized workload once it made those edits). The
--     guards now keep the allocations of an expired booking too (tablehold.status_keeps_inventory).
--   * tablehold.emit_unit_events read a key's last event and its current state before anything
--     locked the channel (a Studio unit edit, a Studio status change): a booking committing in
--     between left an event that did not continue from the one before it. It now takes the
--     channel lock first unless this transaction already holds it (tablehold.lock_channels records
--     the channels it locked, so the booking path pays nothing more).

/** Lock a venue's channels (creating the rows), in date order, and record them in the
 *  transaction-local setting tablehold.locked_channels, so that later steps of the same
 *  transaction know they hold them (a subtransaction that rolls back releases both). */
create or replace function tablehold.lock_channels(p_venue_id uuid, p_dates date[])
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

/** Emit events for every public availability key of a unit touched by a change to p_window on a
 *  service date, when the key's public state differs from the last event written for it (see the
 *  original in the invariant triggers for the keys). WARNING: the last event and the current state
 *  are read under the channel's lock, taken here unless the transaction already holds it; read
 *  without it, a booking committing in between breaks the chain of previous states. */
create or replace function tablehold.emit_unit_events(
  p_unit_id uuid, p_service_date date, p_window tstzrange, p_reason text, p_before tablehold.units default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_unit tablehold.units;
  v_venue tablehold.venues;
  v_now timestamptz := tablehold.clock();
  v_day tstzrange;
  v_key record;
  v_remaining int;
  v_state text;
  v_prev_state text;
  v_prev_remaining int;
begin
  select * into v_unit from tablehold.units u where u.id = p_unit_id;
  if not tablehold.channel_locked(v_unit.venue_id, p_service_date) then
    perform tablehold.lock_channels(v_unit.venue_id, array[p_service_date]);
  end if;
  select * into v_venue from tablehold.venues v where v.id = v_unit.venue_id;
  v_day := tablehold.service_window(v_venue, p_service_date);

  for v_key in
    select null::uuid as slot_id, p_window as key
     where v_unit.capacity_mode = 'exclusive'
    union all
    select null, v_day
     where v_unit.capacity_mode = 'pooled' and v_unit.booking_mode = 'date'
    union all
    select s.id, w.key
      from tablehold.slots s, lateral (select tablehold.slot_window(v_venue, s, p_service_date) as key) w
     where v_unit.capacity_mode = 'pooled' and v_unit.booking_mode = 'slot'
       and s.venue_id = v_unit.venue_id
       and extract(isodow from p_service_date)::smallint = any (s.weekdays)
       and w.key && p_window
  loop
    if v_unit.capacity_mode = 'exclusive' then
      -- taken by an allocation with exactly this window, or the whole service day while out of service
      v_remaining := case when exists (
        select 1 from tablehold.allocations a
        where a.unit_id = v_unit.id and a.active and a.during = v_key.key
          and (a.expires_at is null or a.expires_at > v_now)
      ) or (v_unit.out_of_service and v_key.key = v_day) then 0 else 1 end;
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
             and (v_unit.capacity_mode = 'pooled' or v_key.key = v_day) then 0
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

/** Statuses whose allocations are still the booking's inventory: those that hold it, and expired
 *  (confirming a lapsed hold re-takes the same allocations if they are still free). */
create function tablehold.status_keeps_inventory(p_status tablehold.booking_status)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  return tablehold.status_holds_inventory(p_status) or p_status = 'expired';
end;
$$;

/** Direct writes to bookings (not the engine's): new bookings meet seed 002's rules; a booking whose
 *  allocations are its inventory (tablehold.status_keeps_inventory) keeps its time, date, slot, party
 *  and venue (public.modify moves it with its inventory) and is not deleted (cancel it: its history
 *  stays). */
create or replace function tablehold.tg_bookings__guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform tablehold.check_direct_booking(new);
    return new;
  end if;
  if tg_op = 'DELETE' then
    if pg_trigger_depth() = 1 and tablehold.status_keeps_inventory(old.status) then
      perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', 'tablehold.bookings', 'operation', 'delete',
        'problem', 'the booking holds inventory, or may take it back', 'use', 'public.cancel (or update its status to cancelled); the row stays as history'));
    end if;
    return old;
  end if;
  if (new.venue_id, new.service_date, new.during, new.slot_id, new.party_size)
       is distinct from (old.venue_id, old.service_date, old.during, old.slot_id, old.party_size)
     and (tablehold.status_keeps_inventory(old.status) or tablehold.status_keeps_inventory(new.status)) then
    perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', 'tablehold.bookings', 'operation', 'update',
      'problem', 'its inventory would no longer match it',
      'use', 'public.modify(p_booking_id, p_party_size, p_date, p_slot, p_start, p_unit_ids) moves the booking with its inventory'));
  end if;
  return new;
end;
$$;

/** Direct writes to allocations (not the engine's, nor its triggers'): the current allocation of a
 *  booking whose allocations are its inventory (tablehold.status_keeps_inventory) is not deleted,
 *  deactivated, superseded or given to another booking. Moving or stretching a live one onto free
 *  inventory is allowed (the allocation trigger checks capacity). */
create or replace function tablehold.tg_allocations__guard()
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

/** Fill an allocation from its booking and unit, lock its channel, and refuse anything that would
 *  overbook it (tablehold.unit_free_check, backed for exclusive units by the exclusion constraint).
 *  Inside the engine the channel is already locked. */
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

/** The minimum-age rule: a venue with a minimum age needs the guest's date of birth (unless a
 *  manager overrides) and refuses guests younger than it on the service date. */
create function tablehold.check_age(p_venue tablehold.venues, p_service_date date, p_dob date, p_override boolean)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_venue.min_age is null then
    return;
  end if;
  if p_dob is null and not p_override then
    perform tablehold.fail('DATE_OF_BIRTH_REQUIRED', jsonb_build_object('min_age', p_venue.min_age));
  end if;
  if p_dob is not null and extract(year from age(p_service_date, p_dob)) < p_venue.min_age then
    perform tablehold.fail('UNDERAGE', jsonb_build_object('min_age', p_venue.min_age));
  end if;
end;
$$;

/** Seed 002's booking rules for a booking written directly (see the engine v2 direct-edit
 *  migration): a service date matching the start, the booking window (tablehold.booking_window_problem,
 *  as plan_time applies it), a party within the venue's limits, inside the opening hours, and the
 *  minimum age (tablehold.check_age). Staff blocks meet only the service date and "not over yet". */
create or replace function tablehold.check_direct_booking(p_booking tablehold.bookings)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_booking.venue_id);
  v_override boolean := coalesce(nullif(current_setting('tablehold.override', true), '')::boolean, false);
  v_mode tablehold.booking_mode;
  v_problem text;
begin
  if p_booking.service_date <> tablehold.service_date_of(v_venue, lower(p_booking.during)) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'service_date',
      'problem', 'the service date must be the one its start belongs to', 'expected', tablehold.service_date_of(v_venue, lower(p_booking.during))));
  end if;
  v_mode := case when p_booking.slot_id is not null then 'slot'
                 when p_booking.during = tablehold.service_window(v_venue, p_booking.service_date) then 'date'
                 else 'time' end;
  v_problem := tablehold.booking_window_problem(v_venue, v_mode, p_booking.service_date, p_booking.during,
    tablehold.clock(), v_override or p_booking.kind = 'block');
  if v_problem is not null then
    perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', v_problem,
      'override', 'a manager may set tablehold.override for this transaction (not for the past)'));
  end if;
  if p_booking.kind = 'block' then
    return;
  end if;
  if not v_override and (p_booking.party_size < v_venue.min_party or p_booking.party_size > v_venue.max_party) then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party,
      'override', 'a manager may set tablehold.override for this transaction'));
  end if;
  if not exists (select 1 from tablehold.opening_spans(v_venue, p_booking.service_date) s where s && p_booking.during) then
    perform tablehold.fail('OUTSIDE_OPENING_HOURS', jsonb_build_object(
      'service_date', p_booking.service_date, 'starts_at', lower(p_booking.during)));
  end if;
  perform tablehold.check_age(v_venue, p_booking.service_date,
    (select c.date_of_birth from tablehold.clients c where c.id = p_booking.client_id), v_override);
end;
$$;

/** A free table or combination that seats a party, as tablehold.table_candidates ranks them, with
 *  whether any of its tables needs a manager's approval. */
create type tablehold.table_candidate as (
  unit_ids uuid[], codes text[], kind text, seats int, wasted int, min_spend numeric, deposit numeric,
  area_ids uuid[], needs_approval boolean);

/** tablehold.table_candidates as a ranked array, best first. */
create function tablehold.table_candidate_list(p_venue_id uuid, p_occupies tstzrange, p_party_size int, p_area_id uuid)
returns tablehold.table_candidate[]
language plpgsql
stable
set search_path = ''
as $$
begin
  return array(
    select row(c.unit_ids, c.codes, c.kind, c.seats, c.wasted, c.min_spend, c.deposit, c.area_ids,
               exists (select 1 from tablehold.units u where u.id = any (c.unit_ids) and u.requires_approval))::tablehold.table_candidate
    from tablehold.table_candidates(p_venue_id, p_occupies, p_party_size, p_area_id) with ordinality c
    order by c.ordinality);
end;
$$;

/** Take named units (checked by tablehold.check_units) for a booking that exists in its final
 *  status, then its pacing (p_pacing). */
create function tablehold.take_units(p_booking tablehold.bookings, p_plan tablehold.booking_plan,
  p_units tablehold.units[], p_quantity int, p_pacing boolean)
returns void
language plpgsql
set search_path = ''
as $$
begin
  begin
    insert into tablehold.allocations (booking_id, unit_id, during, quantity)
    select p_booking.id, u.id, p_plan.occupies, p_quantity from unnest(p_units) u;
  exception when exclusion_violation then
    perform tablehold.fail('TABLE_NOT_AVAILABLE', jsonb_build_object('unit_ids', (select array_agg(u.id) from unnest(p_units) u)));
  end;
  if p_pacing then
    perform tablehold.check_pacing(p_booking.id);
  end if;
end;
$$;

/** Take the best of p_candidates (tablehold.table_candidate_list) for a booking that exists in its
 *  final status, moving on to the next when a concurrent booking took one or its area's pacing
 *  refuses it (p_pacing); a confirmed booking by a guest never lands on tables that need a manager's
 *  approval. Corrects the booking's totals when the tables taken are not the ones it was written
 *  with. Raises NO_TABLE_AVAILABLE or PACING_LIMIT_REACHED. */
create function tablehold.take_tables(p_booking tablehold.bookings, p_plan tablehold.booking_plan,
  p_candidates tablehold.table_candidate[], p_rank int, p_pacing boolean)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_candidate tablehold.table_candidate;
  v_done boolean := false;
  v_paced boolean := false;
begin
  foreach v_candidate in array coalesce(p_candidates, '{}') loop
    continue when v_candidate.needs_approval and p_booking.status = 'confirmed' and p_rank < 2;
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
end;
$$;

/** Take the inventory of an existing booking: named units (tablehold.check_units, then
 *  tablehold.take_units, correcting the totals when they changed) or the best free tables
 *  (tablehold.take_tables). public.modify's path; place_booking calls the two directly with what its
 *  lock-free refusal already found. */
create or replace function tablehold.allocate(
  p_booking tablehold.bookings, p_plan tablehold.booking_plan, p_unit_ids uuid[], p_rank int, p_area_id uuid, p_pacing boolean)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_check record;
  v_deposit numeric(10, 2);
  v_min_spend numeric(10, 2);
begin
  if p_unit_ids is null then
    perform tablehold.take_tables(p_booking, p_plan,
      tablehold.table_candidate_list(p_booking.venue_id, p_plan.occupies, p_booking.party_size, p_area_id), p_rank, p_pacing);
    return;
  end if;
  v_check := tablehold.check_units(p_booking.venue_id, p_unit_ids, p_plan.mode, p_booking.party_size, p_rank);
  perform tablehold.take_units(p_booking, p_plan, v_check.units, v_check.quantity, p_pacing);
  select coalesce(sum(u.deposit), 0) * v_check.quantity, coalesce(sum(u.min_spend), 0) * v_check.quantity
    into v_deposit, v_min_spend from unnest(v_check.units::tablehold.units[]) u;
  if (v_deposit, v_min_spend) is distinct from (p_booking.deposit_total, p_booking.min_spend_total) then
    update tablehold.bookings b set deposit_total = v_deposit, min_spend_total = v_min_spend where b.id = p_booking.id;
  end if;
end;
$$;

/** Place a booking in one pass: validate; refuse at once, with no lock taken and nothing written,
 *  when the inventory is visibly gone (tablehold.unit_free_check on the committed state, or no free
 *  table); find or create the client and apply the age rule; then lock the venue-night, write the
 *  booking in its final status (held, or confirmed / pending_approval for public.book) with its
 *  totals, and take the inventory found. The shared body of public.hold and public.book. */
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
  v_unit tablehold.units;
  v_candidates tablehold.table_candidate[];
  v_needs_approval boolean := false;
  v_status tablehold.booking_status;
  v_deposit numeric(10, 2) := 0;
  v_min_spend numeric(10, 2) := 0;
  v_request_hash text;
  v_token text := encode(extensions.gen_random_bytes(24), 'hex');
  v_dob date;
  v_lapsed boolean;
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
      v_check := tablehold.check_units(p_venue_id, p_unit_ids, v_mode, p_party_size, v_rank);
      foreach v_unit in array v_check.units::tablehold.units[] loop
        v_lapsed := tablehold.unit_free_check(v_unit, v_plan.occupies, v_check.quantity, 'booking');
        v_deposit := v_deposit + v_unit.deposit * v_check.quantity;
        v_min_spend := v_min_spend + v_unit.min_spend * v_check.quantity;
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

    if p_unit_ids is null then
      perform tablehold.take_tables(v_booking, v_plan, v_candidates, v_rank, not v_override);
    else
      perform tablehold.take_units(v_booking, v_plan, v_check.units, v_check.quantity, not v_override);
    end if;
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

-- its one caller, place_booking, now calls tablehold.unit_free_check
drop function tablehold.refuse_if_unavailable(tablehold.units[], tstzrange, int, tablehold.booking_kind, uuid);

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
