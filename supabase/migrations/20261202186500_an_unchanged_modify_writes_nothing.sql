-- Booking operations: an unchanged change writes nothing (issue 9, "an unchanged PATCH writes
-- allocation, event and audit rows each time").
--
-- public.modify with nothing to change (no field, or every field as the booking already has it)
-- used to supersede the booking's allocations and take the same inventory again: a new allocation
-- row, availability events for the keys it freed and took, an audit row and a staff feed line per
-- call. Now, once the change is planned and the booking locked, a change that leaves the party, the
-- night, the slot, the time and the tables as they are answers the booking as it stands and writes
-- nothing. The checks before it still run: who may change it, whether its status can change, and
-- whether its time can still be booked (a booking in the past is not changed, unchanged or not).
-- Copied from the latest definition (migration 20261202100900); only the early return is new.

/** Change a booking's time, slot, party size or tables in one step (staff, or the guest with the
 *  manage token for time and party size). Availability is checked without counting the booking
 *  itself; if the change can't be made, nothing changes; if it changes nothing, nothing is written.
 *  It supersedes the booking's own allocations and moves its time: engine writes, with the engine
 *  flag on. */
create or replace function public.modify(
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
  -- nothing to change (the same party, night, slot, time and tables): answer the booking as it
  -- stands and write nothing, no superseded allocation, event, audit row or staff feed line
  if (v_party, v_plan.service_date, v_plan.slot_id, v_plan.during)
       is not distinct from (v_locked.party_size, v_locked.service_date, v_locked.slot_id, v_locked.during)
     and (p_unit_ids is null
          or (select array_agg(distinct u order by u) from unnest(p_unit_ids) u)
             = (select array_agg(distinct u order by u) from unnest(v_units) u)) then
    perform set_config('tablehold.override', 'false', true);
    return tablehold.booking_json(v_booking.id);
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
