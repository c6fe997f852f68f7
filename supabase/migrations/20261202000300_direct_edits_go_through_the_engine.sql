-- Every entry path is the engine: what a staff member does to rows in Supabase Studio (as postgres),
-- or trusted server code does as the service role, either goes through the engine's rules or is
-- refused with DIRECT_EDIT_REFUSED and a detail that says what to call instead.
--
-- Allowed directly, through the same triggers as the engine's own writes: inserting a booking (it
-- must meet every booking rule: seed 002's list), giving it allocations (checked against capacity
-- under the channel lock), changing a booking's status (the status machine; its inventory follows),
-- moving or stretching an allocation onto free inventory, editing notes, occasions and the like.
-- Refused directly: anything that would let a booking and its inventory disagree (deleting or
-- deactivating the allocation of a booking that holds inventory, moving a booking's time, date,
-- slot or party while it holds inventory, deleting such a booking) and any edit of the feed's
-- bookkeeping (channels, availability events, the staff feed), which only the engine writes.
-- A manager who means to break a booking rule on purpose sets the audited override for the
-- transaction: select set_config('tablehold.override', 'true', true).

insert into tablehold.error_codes (code, sqlstate, http_status, message) values
  ('DIRECT_EDIT_REFUSED', 'TH017', 409, 'This change must go through tablehold''s functions.');

/** Refuse a direct write to a table only the engine writes (channels, events, the staff feed).
 *  Deletes cascading from a deleted venue pass. */
create function tablehold.tg_refuse_direct_edit()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
    return old;  -- a foreign-key cascade (the venue itself is going)
  end if;
  perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', tg_table_schema || '.' || tg_table_name,
    'operation', lower(tg_op), 'problem', 'only the engine writes this table: it orders the live feed',
    'use', 'book, cancel, block and modify with the public functions; they write the feed'));
  return null;
end;
$$;

create trigger tg_channels__guard before insert or update or delete on tablehold.channels
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit();
create trigger tg_availability_events__guard before insert or update or delete on public.availability_events
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit();
create trigger tg_staff_feeds__guard before insert or update or delete on tablehold.staff_feeds
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit();
create trigger tg_staff_events__guard before insert or update or delete on public.staff_events
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit();
create trigger tg_channels__guard_truncate before truncate on tablehold.channels
for each statement execute function tablehold.tg_refuse_direct_edit();
create trigger tg_availability_events__guard_truncate before truncate on public.availability_events
for each statement execute function tablehold.tg_refuse_direct_edit();
create trigger tg_staff_feeds__guard_truncate before truncate on tablehold.staff_feeds
for each statement execute function tablehold.tg_refuse_direct_edit();
create trigger tg_staff_events__guard_truncate before truncate on public.staff_events
for each statement execute function tablehold.tg_refuse_direct_edit();

-- erasure blanks the guest's name on the staff feed: an engine write
create or replace function tablehold.tg_clients__erase_staff_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
begin
  update public.staff_events e set guest_name = null
   where e.booking_id in (select b.id from tablehold.bookings b where b.client_id = new.id) and e.guest_name is not null;
  v_was := tablehold.engine_restore(v_was);
  return null;
end;
$$;

/** Seed 002's booking rules, for a booking written directly (the engine checks them itself before
 *  it writes): a party within the venue's limits, a service date matching the start, not in the
 *  past, not beyond the booking horizon, inside the venue's opening hours, and the venue's minimum
 *  age. Party size, horizon and birth date yield to the audited override (tablehold.override). */
create function tablehold.check_direct_booking(p_booking tablehold.bookings)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_booking.venue_id);
  v_now timestamptz := tablehold.clock();
  v_override boolean := coalesce(nullif(current_setting('tablehold.override', true), '')::boolean, false);
  v_dob date;
begin
  if p_booking.service_date <> tablehold.service_date_of(v_venue, lower(p_booking.during)) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'service_date',
      'problem', 'the service date must be the one its start belongs to', 'expected', tablehold.service_date_of(v_venue, lower(p_booking.during))));
  end if;
  if upper(p_booking.during) <= v_now then
    perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'past'));
  end if;
  if p_booking.kind = 'block' then
    return;  -- staff blocks take any window that is not over
  end if;
  if not v_override and (p_booking.party_size < v_venue.min_party or p_booking.party_size > v_venue.max_party) then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party,
      'override', 'a manager may set tablehold.override for this transaction'));
  end if;
  if not v_override and p_booking.service_date > tablehold.service_date_of(v_venue, v_now + v_venue.booking_horizon) then
    perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'horizon', 'horizon', v_venue.booking_horizon));
  end if;
  if not exists (select 1 from tablehold.opening_spans(v_venue, p_booking.service_date) s where s && p_booking.during) then
    perform tablehold.fail('OUTSIDE_OPENING_HOURS', jsonb_build_object(
      'service_date', p_booking.service_date, 'starts_at', lower(p_booking.during)));
  end if;
  if v_venue.min_age is not null then
    select c.date_of_birth into v_dob from tablehold.clients c where c.id = p_booking.client_id;
    if v_dob is null and not v_override then
      perform tablehold.fail('DATE_OF_BIRTH_REQUIRED', jsonb_build_object('min_age', v_venue.min_age));
    end if;
    if v_dob is not null and extract(year from age(p_booking.service_date, v_dob)) < v_venue.min_age then
      perform tablehold.fail('UNDERAGE', jsonb_build_object('min_age', v_venue.min_age));
    end if;
  end if;
end;
$$;

/** Direct writes to bookings (not the engine's): new bookings meet seed 002's rules; a booking that
 *  holds inventory keeps its time, date, slot, party and venue (public.modify moves it with its
 *  inventory) and is not deleted (cancel it: its history stays). */
create function tablehold.tg_bookings__guard()
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
    if pg_trigger_depth() = 1 and tablehold.status_holds_inventory(old.status) then
      perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', 'tablehold.bookings', 'operation', 'delete',
        'problem', 'the booking holds inventory', 'use', 'public.cancel (or update its status to cancelled); the row stays as history'));
    end if;
    return old;
  end if;
  if (new.venue_id, new.service_date, new.during, new.slot_id, new.party_size)
       is distinct from (old.venue_id, old.service_date, old.during, old.slot_id, old.party_size)
     and (tablehold.status_holds_inventory(old.status) or tablehold.status_holds_inventory(new.status)) then
    perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', 'tablehold.bookings', 'operation', 'update',
      'problem', 'its inventory would no longer match it',
      'use', 'public.modify(p_booking_id, p_party_size, p_date, p_slot, p_start, p_unit_ids) moves the booking with its inventory'));
  end if;
  return new;
end;
$$;

create trigger tg_bookings__guard
before insert or update or delete on tablehold.bookings
for each row when (not tablehold.in_engine())
execute function tablehold.tg_bookings__guard();

/** Direct writes to allocations (not the engine's, nor its triggers'): the allocation of a booking
 *  that holds inventory is not deleted, deactivated or given to another booking. Moving or
 *  stretching it onto free inventory is allowed (the allocation trigger checks capacity). */
create function tablehold.tg_allocations__guard()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_status tablehold.booking_status;
begin
  select b.status into v_status from tablehold.bookings b where b.id = old.booking_id;
  if not (old.active and tablehold.status_holds_inventory(v_status)) then
    return case when tg_op = 'DELETE' then old else new end;
  end if;
  if tg_op = 'DELETE' or not new.active or new.booking_id <> old.booking_id or new.superseded then
    perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', 'tablehold.allocations', 'operation', lower(tg_op),
      'problem', 'the booking still holds this inventory: without it the same table or units could be sold twice',
      'use', 'public.cancel the booking (or update its status to cancelled), or public.modify it onto other units'));
  end if;
  return new;
end;
$$;

create trigger tg_allocations__guard
before update or delete on tablehold.allocations
for each row when (not tablehold.in_engine() and pg_trigger_depth() = 0)
execute function tablehold.tg_allocations__guard();

-- public.modify supersedes the booking's own allocations and moves its time: engine writes.
/** Change a booking's time, slot, party size or tables in one step (staff, or the guest with the
 *  manage token for time and party size). Availability is checked without counting the booking
 *  itself; if the change can't be made, nothing changes. */
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

-- Sequences are the engine's: Supabase's default privileges grant them to the API roles, who must
-- not be able to move an event table's ids.
revoke all on all sequences in schema public from anon, authenticated;
revoke all on all sequences in schema tablehold from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
