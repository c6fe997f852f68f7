-- The public API, booking operations: each is a SECURITY DEFINER function in public with a pinned
-- search_path, taking p_-named parameters, returning JSON, and checking its caller itself
-- (tablehold.authorize_booking, tablehold.require_rank); the invariants hold anyway, by the
-- triggers. Who may call each is granted in 20261202101200_security_and_grants.sql.
-- They return the booking as tablehold.booking_json shows it. Also here: the Edge Functions'
-- idempotency records, kept 24 hours.

/** The booking row, or NOT_FOUND. */
create function tablehold.booking(p_booking_id uuid)
returns tablehold.bookings
language plpgsql
stable
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
begin
  select * into v_booking from tablehold.bookings b where b.id = p_booking_id;
  if not found then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'booking'));
  end if;
  return v_booking;
end;
$$;

/** Check that the caller may see or change a booking: staff of at least p_min_rank, or (when
 *  p_guest_allowed) the guest holding the manage token, or the customer whose booking it is.
 *  Guests learn nothing about bookings that are not theirs (NOT_FOUND); staff too low get FORBIDDEN. */
create function tablehold.authorize_booking(p_booking tablehold.bookings, p_manage_token text, p_min_rank int, p_guest_allowed boolean)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_rank int := tablehold.caller_rank(p_booking.venue_id);
begin
  if v_rank >= p_min_rank then
    return;
  end if;
  if p_guest_allowed and (
       (p_manage_token is not null and p_booking.manage_token_hash = tablehold.token_hash(p_manage_token))
       or (tablehold.actor_id() is not null and exists (
         select 1 from tablehold.clients c where c.id = p_booking.client_id and c.user_id = tablehold.actor_id()))) then
    return;
  end if;
  if v_rank < 1 then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'booking'));
  end if;
  perform tablehold.fail('FORBIDDEN', jsonb_build_object('required_rank', p_min_rank));
end;
$$;

/** Load a booking for a change, locking its channel first (tablehold.lock_channels), then the
 *  booking row, and check the caller (tablehold.authorize_booking). */
create function tablehold.booking_for_change(p_booking_id uuid, p_manage_token text, p_min_rank int, p_guest_allowed boolean)
returns tablehold.bookings
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
begin
  v_booking := tablehold.booking(p_booking_id);
  perform tablehold.lock_channels(v_booking.venue_id, array[v_booking.service_date]);
  select * into v_booking from tablehold.bookings b where b.id = p_booking_id for update;
  perform tablehold.authorize_booking(v_booking, p_manage_token, p_min_rank, p_guest_allowed);
  return v_booking;
end;
$$;

/** Move a booking to p_status, with a reason for the audit trail and the event feed. */
create function tablehold.set_status(p_booking_id uuid, p_status tablehold.booking_status, p_reason text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('tablehold.audit_reason', coalesce(p_reason, ''), true);
  update tablehold.bookings b set status = p_status, status_reason = coalesce(p_reason, b.status_reason)
  where b.id = p_booking_id;
  perform set_config('tablehold.audit_reason', '', true);  -- the reason belongs to this change only
  return tablehold.booking_json(p_booking_id);
end;
$$;

-- Guests, customers and staff.
/** Hold inventory for a guest for the venue's hold TTL (default 5 minutes).
 *  Name units (p_unit_ids) or, for table venues, give p_start and let the engine pick tables.
 *  Slot venues take p_date + p_slot, date venues p_date. Returns the booking with its manage_token
 *  (shown once). Example: select public.hold(p_venue_id => '…', p_party_size => 4, p_date => '2026-12-05',
 *  p_slot => 'night', p_unit_ids => array['…']::uuid[], p_guest => '{"name":"Ada","email":"ada@example.com"}'); */
create function public.hold(
  p_venue_id uuid, p_party_size int, p_date date default null, p_slot text default null,
  p_start timestamptz default null, p_unit_ids uuid[] default null, p_area_id uuid default null,
  p_guest jsonb default null, p_client_id uuid default null, p_source text default 'web',
  p_idempotency_key text default null, p_seen_version bigint default null,
  p_special_requests text default null, p_occasion text default null, p_override boolean default false)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select tablehold.place_booking(p_venue_id, p_party_size, p_date, p_slot, p_start, p_unit_ids, p_area_id,
    p_guest, p_client_id, p_source, p_idempotency_key, p_seen_version, p_special_requests, p_occasion,
    null, p_override, false);
$$;

/** Book directly: hold and confirm in one step. Ends confirmed, or pending_approval where the
 *  venue or a unit needs a manager's approval. Same parameters as hold, plus p_payment_ref. */
create function public.book(
  p_venue_id uuid, p_party_size int, p_date date default null, p_slot text default null,
  p_start timestamptz default null, p_unit_ids uuid[] default null, p_area_id uuid default null,
  p_guest jsonb default null, p_client_id uuid default null, p_source text default 'web',
  p_idempotency_key text default null, p_seen_version bigint default null,
  p_special_requests text default null, p_occasion text default null, p_override boolean default false,
  p_payment_ref text default null)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select tablehold.place_booking(p_venue_id, p_party_size, p_date, p_slot, p_start, p_unit_ids, p_area_id,
    p_guest, p_client_id, p_source, p_idempotency_key, p_seen_version, p_special_requests, p_occasion,
    p_payment_ref, p_override, true);
$$;

/** Confirm a hold (the guest with the manage token, the customer, or staff). A hold that has
 *  expired is re-taken atomically if its inventory is still free, else HOLD_EXPIRED.
 *  Confirming an already confirmed or pending booking returns it unchanged (a double click). */
create function public.confirm(p_booking_id uuid, p_manage_token text default null, p_payment_ref text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings := tablehold.booking_for_change(p_booking_id, p_manage_token, 1, true);
  v_target tablehold.booking_status;
begin
  if v_booking.kind = 'block' then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', v_booking.status, 'to', 'confirmed'));
  end if;
  if v_booking.status in ('confirmed', 'pending_approval') then
    return tablehold.booking_json(v_booking.id);
  end if;
  if v_booking.status not in ('held', 'expired') then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', v_booking.status, 'to', 'confirmed'));
  end if;
  v_target := (case when tablehold.needs_approval(v_booking.id) and tablehold.caller_rank(v_booking.venue_id) < 2
                    then 'pending_approval' else 'confirmed' end)::tablehold.booking_status;
  begin
    update tablehold.bookings b
       set status = v_target, payment_ref = coalesce(p_payment_ref, b.payment_ref)
     where b.id = v_booking.id;
  exception when sqlstate 'TH001' or sqlstate 'TH002' or exclusion_violation then
    perform tablehold.fail('HOLD_EXPIRED', jsonb_build_object('booking_id', v_booking.id,
      'expired_at', v_booking.hold_expires_at));
  end;
  return tablehold.booking_json(v_booking.id);
end;
$$;

/** Cancel a booking: the guest with the manage token, the customer, or staff (host and up). */
create function public.cancel(p_booking_id uuid, p_manage_token text default null, p_reason text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings := tablehold.booking_for_change(p_booking_id, p_manage_token, 1, true);
begin
  if v_booking.kind = 'block' then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', v_booking.status, 'to', 'cancelled', 'use', 'unblock'));
  end if;
  return tablehold.set_status(v_booking.id, 'cancelled', p_reason);
end;
$$;

/** Change a booking's time, slot, party size or tables in one step (staff, or the guest with the
 *  manage token for time and party size). Availability is checked without counting the booking
 *  itself; if the change can't be made, nothing changes. It supersedes the booking's own
 *  allocations and moves its time: engine writes, with the engine flag on. */
create function public.modify(
  p_booking_id uuid, p_manage_token text default null, p_party_size int default null,
  p_date date default null, p_slot text default null, p_start timestamptz default null,
  p_unit_ids uuid[] default null, p_override boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_locked tablehold.bookings;
  v_venue tablehold.venues;
  v_rank int;
  v_units uuid[];
  v_mode tablehold.booking_mode;
  v_plan tablehold.booking_plan;
  v_party int;
  v_old_party int;
  v_was text;
begin
  -- plan on a first read, then lock the old and new dates' channels together, in date order
  v_booking := tablehold.booking(p_booking_id);
  perform tablehold.authorize_booking(v_booking, p_manage_token, 1, true);
  v_old_party := v_booking.party_size;
  select * into v_venue from tablehold.venues v where v.id = v_booking.venue_id;
  v_rank := tablehold.caller_rank(v_venue.id);
  if (p_unit_ids is not null and v_rank < 1) or (coalesce(p_override, false) and v_rank < 2) then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('problem', 'only staff may choose tables or override'));
  end if;
  if v_booking.kind = 'block' or v_booking.status not in ('held', 'pending_approval', 'confirmed') then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', v_booking.status, 'to', 'modified'));
  end if;
  perform set_config('tablehold.override', coalesce(p_override, false)::text, true);

  v_party := coalesce(p_party_size, v_booking.party_size);
  if v_party < v_venue.min_party or v_party > v_venue.max_party then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party));
  end if;
  select array_agg(distinct a.unit_id) into v_units from tablehold.allocations a where a.booking_id = v_booking.id and not a.superseded;
  select u.booking_mode into v_mode from tablehold.units u where u.id = (coalesce(p_unit_ids, v_units))[1];
  v_plan := tablehold.plan_time(v_venue, v_mode, v_party,
    case when v_mode = 'time' then null else coalesce(p_date, v_booking.service_date) end,
    coalesce(p_slot, (select s.code from tablehold.slots s where s.id = v_booking.slot_id)),
    case when v_mode = 'time' then coalesce(p_start, lower(v_booking.during)) end,
    coalesce(p_override, false));

  perform tablehold.lock_channels(v_venue.id, array[v_booking.service_date, v_plan.service_date]);
  select * into v_locked from tablehold.bookings b where b.id = p_booking_id for update;
  if (v_locked.status, v_locked.service_date, v_locked.during, v_locked.party_size)
     is distinct from (v_booking.status, v_booking.service_date, v_booking.during, v_booking.party_size) then
    -- it changed between the first read and the locks: run the whole transaction again
    raise exception using errcode = 'serialization_failure', message = 'the booking changed concurrently; retry';
  end if;
  -- free the old inventory, then take the new: the booking never counts against itself
  -- engine writes: the booking's own allocations are superseded and its time moved together
  perform set_config('tablehold.reason', 'modified', true);
  v_was := tablehold.engine_on();
  update tablehold.allocations a set active = false, superseded = true where a.booking_id = v_booking.id and not a.superseded;
  update tablehold.bookings b
     set party_size = v_party, service_date = v_plan.service_date, slot_id = v_plan.slot_id, during = v_plan.during
   where b.id = v_booking.id
  returning * into v_booking;
  v_was := tablehold.engine_restore(v_was);
  perform set_config('tablehold.reason', '', true);
  perform tablehold.allocate(v_booking, v_plan,
    case when p_unit_ids is not null then p_unit_ids
         when v_mode = 'time' and v_party <> v_old_party then null
         else v_units end,
    -- keeping the tables staff chose is allowed even when they are not a listed combination
    case when p_unit_ids is null then greatest(v_rank, 1) else v_rank end,
    null, not coalesce(p_override, false) and v_mode = 'time');
  perform set_config('tablehold.override', 'false', true);  -- the override belongs to this change only
  return tablehold.booking_json(v_booking.id);
end;
$$;

/** Read one booking: its guest with the manage token, the customer, or staff of the venue. */
create function public.booking_get(p_booking_id uuid, p_manage_token text default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
begin
  v_booking := tablehold.booking(p_booking_id);
  perform tablehold.authorize_booking(v_booking, p_manage_token, 1, true);
  return tablehold.booking_json(v_booking.id);
end;
$$;

-- Staff.
/** Approve a pending request (manager or owner). */
create function public.approve(p_booking_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings := tablehold.booking_for_change(p_booking_id, null, 2, false);
begin
  if v_booking.status <> 'pending_approval' then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', v_booking.status, 'to', 'confirmed'));
  end if;
  return tablehold.set_status(v_booking.id, 'confirmed', 'approved');
end;
$$;

/** Reject a pending request (manager or owner), freeing its inventory. */
create function public.reject(p_booking_id uuid, p_reason text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings := tablehold.booking_for_change(p_booking_id, null, 2, false);
begin
  return tablehold.set_status(v_booking.id, 'rejected', coalesce(p_reason, 'rejected'));
end;
$$;

/** Seat the guests (host and up). */
create function public.seat(p_booking_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform tablehold.booking_for_change(p_booking_id, null, 1, false);
  return tablehold.set_status(p_booking_id, 'seated');
end;
$$;

/** The guests have left (host and up): frees the inventory for the rest of the window. */
create function public.complete(p_booking_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform tablehold.booking_for_change(p_booking_id, null, 1, false);
  return tablehold.set_status(p_booking_id, 'completed');
end;
$$;

/** The guests never came (host and up). Only once the booking has started. */
create function public.no_show(p_booking_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings := tablehold.booking_for_change(p_booking_id, null, 1, false);
begin
  if lower(v_booking.during) > tablehold.clock() then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('from', v_booking.status, 'to', 'no_show', 'problem', 'not started yet'));
  end if;
  return tablehold.set_status(p_booking_id, 'no_show');
end;
$$;

/** Block inventory (manager or owner) with a reason: maintenance, a VIP, a private event.
 *  Slot and date units take the slot or date window; tables take [p_start, p_end).
 *  A block on a pooled section takes every unit still free (or p_quantity). */
create function public.block(
  p_venue_id uuid, p_unit_ids uuid[], p_reason text, p_date date default null, p_slot text default null,
  p_start timestamptz default null, p_end timestamptz default null, p_quantity int default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
  v_units tablehold.units[];
  v_plan tablehold.booking_plan;
  v_booking tablehold.bookings;
  v_unit tablehold.units;
  v_quantity int;
begin
  v_venue := tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 2);
  if nullif(trim(p_reason), '') is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'reason', 'problem', 'a block needs a reason'));
  end if;
  select array_agg(u order by u.id) into v_units from tablehold.units u
   where u.id = any (p_unit_ids) and u.venue_id = p_venue_id;
  if coalesce(cardinality(v_units), 0) = 0 or cardinality(v_units) <> (select count(distinct x) from unnest(p_unit_ids) x) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'unit'));
  end if;
  if exists (select 1 from unnest(v_units) u where u.booking_mode <> v_units[1].booking_mode) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'units are booked in different ways'));
  end if;

  if v_units[1].booking_mode = 'time' then
    if p_start is null or p_end is null or p_end <= p_start then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'end', 'problem', 'a table block needs start < end'));
    end if;
    v_plan := row(tablehold.service_date_of(v_venue, p_start), null, tstzrange(p_start, p_end), tstzrange(p_start, p_end), 'time');
  else
    v_plan := tablehold.plan_time(v_venue, v_units[1].booking_mode, 1, p_date, p_slot, null, true);
  end if;

  perform tablehold.lock_channels(p_venue_id, array[v_plan.service_date]);
  for v_attempt in 1..5 loop
    begin
      insert into tablehold.bookings (reference, venue_id, kind, status, party_size, service_date, slot_id, during, source, block_reason)
      values (tablehold.new_reference('BL', v_plan.service_date), p_venue_id, 'block', 'confirmed', 1,
              v_plan.service_date, v_plan.slot_id, v_plan.during, 'staff', trim(p_reason))
      returning * into v_booking;
      exit;
    exception when unique_violation then
      if v_attempt = 5 then
        raise;
      end if;  -- a reference collision: draw again
    end;
  end loop;
  perform set_config('tablehold.reason', 'blocked', true);
  foreach v_unit in array v_units loop
    v_quantity := case when v_unit.capacity_mode = 'exclusive' then 1
      else coalesce(p_quantity, v_unit.capacity - tablehold.used_at_peak(v_unit.id, v_plan.occupies)) end;
    if v_quantity < 1 then
      perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type), jsonb_build_object('unit_id', v_unit.id, 'remaining', 0));
    end if;
    begin
      insert into tablehold.allocations (booking_id, unit_id, during, quantity)
      values (v_booking.id, v_unit.id, v_plan.occupies, v_quantity);
    exception when exclusion_violation then
      perform tablehold.fail(tablehold.unavailable_code(v_unit.unit_type), jsonb_build_object('unit_id', v_unit.id));
    end;
  end loop;
  perform set_config('tablehold.reason', '', true);
  return tablehold.booking_json(v_booking.id);
end;
$$;

/** Lift a block (manager or owner). */
create function public.unblock(p_block_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings := tablehold.booking_for_change(p_block_id, null, 2, false);
begin
  if v_booking.kind <> 'block' then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'block'));
  end if;
  return tablehold.set_status(v_booking.id, 'cancelled', 'unblocked');
end;
$$;

/** Today's (or a date's) arrivals for staff (host and up): bookings that hold inventory, by
 *  start time, with guest contact and requests; optionally one unit type or unit (seed 000's
 *  "confirmed reservations for the requested seat type"). */
create function public.arrivals(p_venue_id uuid, p_date date default null, p_unit_type text default null, p_unit_code text default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_venue_id);
  v_date date;
begin
  perform tablehold.require_rank(p_venue_id, 1);
  v_date := coalesce(p_date, tablehold.service_date_of(v_venue, tablehold.clock()));
  return coalesce((
    select jsonb_agg(a.row order by a.starts_at, a.reference)
    from (
      select lower(b.during) as starts_at, b.reference, jsonb_build_object(
        'booking_id', b.id, 'reference', b.reference, 'status', b.status, 'starts_at', lower(b.during),
        'ends_at', upper(b.during), 'party_size', b.party_size, 'guest', c.name, 'phone', c.phone,
        'special_requests', b.special_requests, 'occasion', b.occasion, 'deposit_total', b.deposit_total,
        'min_spend_total', b.min_spend_total,
        'units', (select jsonb_agg(jsonb_build_object('code', u.code, 'name', u.name, 'unit_type', u.unit_type, 'quantity', al.quantity) order by u.code)
                  from tablehold.allocations al join tablehold.units u on u.id = al.unit_id
                  where al.booking_id = b.id and al.active)) as row
      from tablehold.bookings b
      left join tablehold.clients c on c.id = b.client_id
      where b.venue_id = p_venue_id and b.service_date = v_date and b.kind = 'booking'
        and b.status in ('pending_approval', 'confirmed', 'seated')
        and (p_unit_type is null and p_unit_code is null or exists (
          select 1 from tablehold.allocations al join tablehold.units u on u.id = al.unit_id
          where al.booking_id = b.id and al.active
            and (p_unit_type is null or u.unit_type::text = p_unit_type)
            and (p_unit_code is null or u.code = p_unit_code)))
    ) a), '[]');
end;
$$;

-- Idempotency records of the Edge Functions.
create table tablehold.idempotency_keys (
  scope        text not null,
  key          text not null,
  request_hash text not null,
  status       int not null,
  response     jsonb not null,
  created_at   timestamptz not null default now(),
  primary key (scope, key)
);
comment on table tablehold.idempotency_keys is 'The first successful response per Idempotency-Key (scoped to route and caller), written in the same transaction as the change, replayed for repeats. Kept 24 hours.';
create index idempotency_keys_created_idx on tablehold.idempotency_keys (created_at);

/** Drop idempotency records older than a day (run with the sweeper). */
create function tablehold.prune_idempotency_keys()
returns int
language sql
volatile
set search_path = ''
as $$
  with gone as (delete from tablehold.idempotency_keys k where k.created_at < now() - interval '1 day' returning 1)
  select count(*)::int from gone;
$$;

-- pg_cron prunes them every hour (cron.schedule upserts by job name).
do $$
begin
  perform cron.schedule('tablehold-prune-idempotency-keys', '17 * * * *', 'select tablehold.prune_idempotency_keys()');
end;
$$;
