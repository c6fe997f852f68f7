-- Events and feeds: the public availability events (the outbox behind the live feed), the NOTIFY
-- that wakes the Server-Sent Events streams, and the staff feed of booking changes with who made them.
--
-- In the same transaction as a change, one event is written per change in a unit's public
-- availability on its channel (venue, service date; tablehold.channels), with a version that rises
-- by exactly 1 per channel: the channel row's lock (tablehold.lock_channels, taken first by every
-- writer) orders them, and every event is computed under it. Only the engine writes the channels,
-- the events and the staff feed; direct edits of them are refused (DIRECT_EDIT_REFUSED), deletes
-- cascading from a deleted venue excepted.

create table public.availability_events (
  id             bigint primary key generated always as identity,
  channel        text not null,
  venue_id       uuid not null references tablehold.venues (id) on delete cascade,
  service_date   date not null,
  version        bigint not null check (version >= 1),
  unit_id        uuid not null references tablehold.units (id) on delete cascade,
  slot_id        uuid references tablehold.slots (id) on delete set null,
  starts_at      timestamptz not null,
  ends_at        timestamptz not null,
  capacity_mode  tablehold.capacity_mode not null,
  previous_state text not null check (previous_state in ('available', 'unavailable')),
  new_state      text not null check (new_state in ('available', 'unavailable')),
  remaining      int not null,
  capacity       int not null,
  reason         text not null,
  occurred_at    timestamptz not null default now(),
  unique (venue_id, service_date, version),
  constraint availability_events_channel_check check (channel = venue_id::text || ':' || service_date::text)
);
comment on table public.availability_events is 'Public availability changes, one row per change of a unit''s public state on a (venue, service date) channel, written in the same transaction as the change. No personal data. pooled units: the key is the slot or service-day window and remaining counts free units. exclusive units: the key is the allocation window, unavailable = taken, available = freed.';
comment on column public.availability_events.channel is 'venue_id:service_date, for Realtime filters (channel=eq.<venue>:<date>).';
create index availability_events_key_idx on public.availability_events (venue_id, service_date, unit_id, starts_at, ends_at, version desc);

/** Append one event to a channel, taking the next version (the channel row is locked by the
 *  writer already), and wake the SSE streams (delivered only if the transaction commits). */
create function tablehold.append_event(
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

/** Emit events for every public availability key of a unit touched by a change to p_window on a
 *  service date, when the key's public state differs from the last event written for it.
 *  pooled: keys are the slot windows (or the service-day window) overlapping p_window; an out-of-service
 *  unit has none remaining. exclusive: the key is p_window itself, taken while an active allocation has
 *  exactly that window; an out-of-service unit takes its whole service-day window.
 *  A key with no event yet was at its initial state: everything free, as the unit was before this
 *  change (p_before, when the unit itself changed).
 *  WARNING: the last event and the current state are read under the channel's lock, taken here
 *  unless the transaction already holds it; read without it, a booking committing in between
 *  breaks the chain of previous states. */
create function tablehold.emit_unit_events(
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

/** Publish an allocation write: events for the window it left (deleted, moved to another unit,
 *  window or date) and for the window it now holds (tablehold.emit_unit_events). */
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

/** Wake the SSE streams: one notification per committed event, on channel tablehold_events.
 *  Payload {"t":"a","c":<channel>,"v":<version>}; NOTIFY is delivered only if the transaction commits. */
create function tablehold.tg_availability_events__notify()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('tablehold_events', json_build_object('t', 'a', 'c', new.channel, 'v', new.version)::text);
  return null;
end;
$$;
create trigger tg_availability_events__notify
after insert on public.availability_events
for each row execute function tablehold.tg_availability_events__notify();

-- The staff feed.
create table tablehold.staff_feeds (
  venue_id uuid primary key references tablehold.venues (id) on delete cascade,
  seq      bigint not null default 0
);
comment on table tablehold.staff_feeds is 'The staff feed''s sequence per venue, taken at commit under this row''s lock so that sequence order is commit order (a reader never skips an event that commits late).';

create table public.staff_events (
  id              bigint primary key generated always as identity,
  venue_id        uuid not null references tablehold.venues (id) on delete cascade,
  seq             bigint not null,
  service_date    date not null,
  booking_id      uuid not null,
  reference       text not null,
  kind            tablehold.booking_kind not null,
  previous_status tablehold.booking_status,
  status          tablehold.booking_status not null,
  party_size      int not null,
  starts_at       timestamptz not null,
  ends_at         timestamptz not null,
  guest_name      text,
  units           text[] not null default '{}',
  actor_user_id   uuid,
  actor_role      text not null,
  api_key_id      uuid,
  reason          text,
  occurred_at     timestamptz not null default now(),
  unique (venue_id, seq)
);
comment on table public.staff_events is 'Booking changes for the staff view (new, status changes, moves), one row per booking per transaction, with who made them. Staff of the venue only (RLS); in the supabase_realtime publication. Erasing a client blanks guest_name here too.';
comment on column public.staff_events.seq is 'The venue''s feed cursor: 1, 2, 3 … per venue, in commit order (SSE id, Last-Event-ID, ?after=).';
comment on column public.staff_events.actor_role is 'Who made the change: owner, manager, host (staff of the venue), assistant (an API key), customer, guest, service, or database (Studio, psql, cron).';

/** Who made a change, for the staff view. */
create function tablehold.actor_label(p_venue_id uuid)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when auth.jwt() ->> 'api_key_id' is not null then 'assistant'
    when auth.role() is null then 'database'
    when auth.role() = 'service_role' then 'service'
    else case tablehold.caller_rank(p_venue_id)
      when 3 then 'owner' when 2 then 'manager' when 1 then 'host'
      else case when tablehold.actor_id() is not null then 'customer' else 'guest' end end
  end;
$$;

/** Append one staff event per booking per commit (a deferred trigger). Firings of a booking whose
 *  row has changed again since (a hold confirmed in the same transaction) only remember the status
 *  the booking started from; the firing that matches the committed row writes the event, with that
 *  status as previous_status (null when new). The started-from statuses of this transaction are
 *  kept in ONE setting holding a map (tablehold.staff_started = {"<booking id>": "<status>|new"}),
 *  never one setting per booking: PostgreSQL walks every custom setting at the exit of each
 *  `set search_path` function. The venue's feed sequence is taken here, under its row lock, so
 *  sequence order is commit order. */
create function tablehold.tg_bookings__staff_event()
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
create constraint trigger tg_bookings__staff_event
after insert or update of status, during, party_size on tablehold.bookings
deferrable initially deferred
for each row execute function tablehold.tg_bookings__staff_event();

/** Erasing a client blanks the guest's name on the staff feed too (an engine write). */
create function tablehold.tg_clients__erase_staff_events()
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
create trigger tg_clients__erase_staff_events
after update of erased_at on tablehold.clients
for each row when (new.erased_at is not null and old.erased_at is null)
execute function tablehold.tg_clients__erase_staff_events();

/** Staff feed catch-up (host and up): the venue's booking changes after sequence p_after, oldest
 *  first, optionally one service date. */
create function public.staff_feed(p_venue_id uuid, p_after bigint default 0, p_date date default null, p_limit int default 500)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 1);
  return coalesce((
    select jsonb_agg(to_jsonb(e) order by e.seq)
    from (
      select * from public.staff_events e
      where e.venue_id = p_venue_id and e.seq > coalesce(p_after, 0)
        and (p_date is null or e.service_date = p_date)
      order by e.seq
      limit greatest(least(coalesce(p_limit, 500), 1000), 1)
    ) e), '[]');
end;
$$;

-- Only the engine writes the feeds' bookkeeping.
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
