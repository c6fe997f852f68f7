-- Bookings and the status machine: the booking row (a guest booking or a staff block), its
-- reference, the one list of allowed status changes, which statuses hold inventory, and the
-- triggers that apply them to every write, whoever makes it (a function, an RPC, or an edit in
-- Studio); and the booking rules a booking written directly must meet, the minimum age among them.
--
--             +--------------> pending_approval --> confirmed / rejected / cancelled
--  held ------+                                          |
--    |        +--------------> confirmed --> seated --> completed
--    |                            |   +--> cancelled, no_show (once started)
--    +--> cancelled               |
--    +--> expired --(confirm: re-take if still free)--> confirmed / pending_approval
--
-- A status change brings the booking's allocations along in the same transaction
-- (tablehold.tg_bookings__after_update, with the allocations in
-- 20261202100600_allocations_capacity_and_holds.sql, whose triggers check capacity when they are
-- re-taken). Direct writes that would let a booking and its inventory disagree are refused with
-- DIRECT_EDIT_REFUSED; a new booking written directly meets seed 002's rules.

-- A guest booking, or a staff block of inventory (with a reason).
create type tablehold.booking_kind as enum ('booking', 'block');

-- The status machine (tablehold.transition_allowed) moves a booking between these.
create type tablehold.booking_status as enum (
  'held', 'pending_approval', 'confirmed', 'seated', 'completed',
  'cancelled', 'expired', 'rejected', 'no_show'
);
-- Where a booking was made.
create type tablehold.booking_source as enum ('web', 'app', 'staff', 'assistant');

create table tablehold.bookings (
  id                 uuid primary key default gen_random_uuid(),
  reference          text not null unique check (reference ~ '^(BR|BL)-[0-9]{6}-[A-HJ-NP-Z2-9]{6}$'),
  venue_id           uuid not null references tablehold.venues (id),
  client_id          uuid,
  kind               tablehold.booking_kind not null default 'booking',
  status             tablehold.booking_status not null default 'held',
  party_size         int not null default 1 check (party_size between 1 and 500),
  service_date       date not null,
  slot_id            uuid references tablehold.slots (id),
  during             tstzrange not null,
  hold_expires_at    timestamptz,
  deposit_total      numeric(10, 2) not null default 0,
  min_spend_total    numeric(10, 2) not null default 0,
  payment_ref        text check (length(payment_ref) <= 200),
  special_requests   text check (length(special_requests) <= 2000),
  occasion           text check (length(occasion) <= 100),
  source             tablehold.booking_source not null default 'staff',
  idempotency_key    text check (length(idempotency_key) between 1 and 200),
  request_hash       text,
  manage_token_hash  text,
  block_reason       text,
  status_reason      text,
  created_by         uuid,
  created_by_role    text,
  held_at            timestamptz,
  submitted_at       timestamptz,
  confirmed_at       timestamptz,
  cancelled_at       timestamptz,
  seated_at          timestamptz,
  completed_at       timestamptz,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  foreign key (client_id, venue_id) references tablehold.clients (id, venue_id),
  unique (venue_id, idempotency_key),
  constraint bookings_during_check check (not isempty(during) and not lower_inf(during) and not upper_inf(during)),
  constraint bookings_block_check check ((kind = 'block') = (block_reason is not null)),
  constraint bookings_hold_check check (status <> 'held' or hold_expires_at is not null)
);
comment on table tablehold.bookings is 'A guest booking or a staff block. Status machine: held -> confirmed | pending_approval -> confirmed | rejected; confirmed -> seated -> completed; cancelled, expired and no_show where they make sense.';
comment on column tablehold.bookings.during is 'When the guests are expected (start to start + turn time); allocations add the buffer.';
comment on column tablehold.bookings.submitted_at is 'When the booking left the hold stage (confirmed or sent for approval): what metrics count as a booking made.';
comment on column tablehold.bookings.manage_token_hash is 'sha256 of the guest''s manage token; the token itself is shown once, at booking.';
create index bookings_venue_date_idx on tablehold.bookings (venue_id, service_date);
create index bookings_client_idx on tablehold.bookings (client_id) where client_id is not null;
create index bookings_held_expiry_idx on tablehold.bookings (hold_expires_at) where status = 'held';

/** A fresh human booking reference: BR-YYMMDD-XXXXXX, with an alphabet free of 0/O, 1/I/L. */
create function tablehold.new_reference(p_prefix text, p_date date)
returns text
language sql
volatile
set search_path = ''
as $$
  select p_prefix || '-' || to_char(p_date, 'YYMMDD') || '-' || string_agg(
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (get_byte(b.bytes, i) % 31), 1), '' order by i)
  from (select extensions.gen_random_bytes(6) as bytes) b, generate_series(0, 5) i;
$$;

-- The status machine.
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

/** Every booking write: a new booking starts held, pending_approval or confirmed, with its hold
 *  expiry (the venue's hold TTL), the times of its stage and who created it; a status change must
 *  be allowed by the status machine (tablehold.transition_allowed; a staff block only goes from
 *  confirmed to cancelled) and stamps when it happened. */
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

-- Direct edits (Studio as postgres, trusted server code as the service role): what the engine
-- checks before it writes, checked here for everyone else. A manager who means to break a booking
-- rule on purpose sets the audited override for the transaction:
-- select set_config('tablehold.override', 'true', true).
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

/** Seed 002's booking rules for a booking written directly (the engine checks them itself before
 *  it writes): a service date matching the start, the booking window (tablehold.booking_window_problem,
 *  as plan_time applies it), a party within the venue's limits, inside the opening hours, and the
 *  minimum age (tablehold.check_age). Party size, notice, horizon and birth date yield to the
 *  audited override (tablehold.override), never the past. Staff blocks meet only the service date
 *  and "not over yet". */
create function tablehold.check_direct_booking(p_booking tablehold.bookings)
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

/** Direct writes to bookings (not the engine's): new bookings meet seed 002's rules; a booking whose
 *  allocations are its inventory (tablehold.status_keeps_inventory) keeps its time, date, slot, party
 *  and venue (public.modify moves it with its inventory) and is not deleted (cancel it: its history
 *  stays). */
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
create trigger tg_bookings__guard
before insert or update or delete on tablehold.bookings
for each row when (not tablehold.in_engine())
execute function tablehold.tg_bookings__guard();
