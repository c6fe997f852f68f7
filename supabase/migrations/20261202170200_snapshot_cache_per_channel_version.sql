-- One availability snapshot, cached per (channel, version); a version the HTTP layer reads before
-- any snapshot work; available_times read once per night instead of once per start.
--
--   * tablehold.night_snapshot is the one implementation of the snapshot, for guests and for
--     staff (the per-unit tablehold.full_snapshot / key_state and the set-based guest_snapshot were
--     two): the night's live allocations are read once, each key's peak comes from one sweep line.
--   * The guest view of a night is cached in tablehold.snapshot_cache, one row per channel, keyed
--     by the channel version it was computed at, the venue's configuration version and the clock:
--     an event bumps the version, an edit of the venue's set-up bumps its configuration version,
--     and a hold that lapses without an event (time passing) is seen from its booking. Nothing on
--     the booking write path invalidates anything: a stale row simply no longer matches, and the
--     next reader overwrites it.
--   * public.channel_version expires a channel's lapsed holds and answers its version: the Edge
--     availability route compares If-None-Match with it and answers 304 before any snapshot work.
--   * public.available_times reads each table's live allocations once for the night (one
--     multirange per table) instead of running tablehold.table_candidates once per start.

/** Refuse a direct write to a table only the engine writes. Deletes cascading from a deleted venue
 *  pass. Optional trigger arguments: what the table is for (the problem) and what to do instead;
 *  without them, the feed's bookkeeping (channels, availability events, the staff feed). */
create or replace function tablehold.tg_refuse_direct_edit()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and pg_trigger_depth() > 1 then
    return old;  -- a foreign-key cascade (the venue itself is going)
  end if;
  perform tablehold.fail('DIRECT_EDIT_REFUSED', jsonb_build_object('table', tg_table_schema || '.' || tg_table_name,
    'operation', lower(tg_op),
    'problem', case when tg_nargs > 0 then tg_argv[0] else 'only the engine writes this table: it orders the live feed' end,
    'use', case when tg_nargs > 1 then tg_argv[1] else 'book, cancel, block and modify with the public functions; they write the feed' end));
  return null;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- The venue's configuration version
-- ---------------------------------------------------------------------------------------------

create table tablehold.config_versions (
  venue_id uuid primary key,
  version bigint not null
);
comment on table tablehold.config_versions is 'Per venue, a number that rises with every committed edit of what an availability snapshot shows of its set-up (the venue, areas, units, slots, opening hours and exceptions). Cached snapshots are keyed by it; only the engine''s triggers write it.';

/** Bump the configuration version of the venue(s) a row of the set-up belongs to (trigger argument:
 *  the row's venue column). Runs after each row written, as the engine (config_versions refuses
 *  anyone else). */
create function tablehold.tg_config__bump()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
begin
  insert into tablehold.config_versions as c (venue_id, version)
  select distinct x.venue_id, 1
    from (values ((to_jsonb(old) ->> tg_argv[0])::uuid), ((to_jsonb(new) ->> tg_argv[0])::uuid)) x(venue_id)
   where x.venue_id is not null
  on conflict (venue_id) do update set version = c.version + 1;
  v_was := tablehold.engine_restore(v_was);
  return null;
end;
$$;

create trigger tg_venues__config after insert or update or delete on tablehold.venues
for each row execute function tablehold.tg_config__bump('id');
create trigger tg_areas__config after insert or update or delete on tablehold.areas
for each row execute function tablehold.tg_config__bump('venue_id');
create trigger tg_units__config after insert or update or delete on tablehold.units
for each row execute function tablehold.tg_config__bump('venue_id');
create trigger tg_slots__config after insert or update or delete on tablehold.slots
for each row execute function tablehold.tg_config__bump('venue_id');
create trigger tg_opening_hours__config after insert or update or delete on tablehold.opening_hours
for each row execute function tablehold.tg_config__bump('venue_id');
create trigger tg_opening_exceptions__config after insert or update or delete on tablehold.opening_exceptions
for each row execute function tablehold.tg_config__bump('venue_id');

-- ---------------------------------------------------------------------------------------------
-- The snapshot
-- ---------------------------------------------------------------------------------------------

/** The availability snapshot of a venue's whole service date: every unit with its state and
 *  remaining count per slot (slot units) or per day (date units), the busy windows of exclusive
 *  units, and the channel version it reflects, all read in one statement (one MVCC snapshot).
 *  p_staff adds what holds each key (staff_state, by_status) and which booking is in each busy
 *  window; the guest view holds no booking ids, references or statuses. Parameters that narrow a
 *  snapshot (slot, party, start) are applied afterwards by tablehold.snapshot_for; here fits_party
 *  is true and free_at_start null. Assumes, like the rest of the engine's windows, that no key or
 *  allocation spans more than a day: the allocations that can touch a night are that night's and
 *  those of the nights either side.
 *  Example: select tablehold.night_snapshot(v, '2026-11-27', false) from tablehold.venues v where v.slug = 'the-vault'; */
create function tablehold.night_snapshot(p_venue tablehold.venues, p_date date, p_staff boolean)
returns jsonb
language plpgsql
stable
set search_path = ''
-- planned for its actual arguments every time: with stale statistics (a venue just created or
-- grown) a generic plan took about 1.1 s instead of about 40 ms (migration 20261121001600)
set plan_cache_mode = force_custom_plan
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_day tstzrange := tablehold.service_window(p_venue, p_date);
begin
  return jsonb_build_object(
    'venue_id', p_venue.id, 'venue', p_venue.slug, 'timezone', p_venue.timezone, 'service_date', p_date,
    'version', coalesce((select c.version from tablehold.channels c where c.venue_id = p_venue.id and c.service_date = p_date), 0),
    'as_of', v_now,
    'open', exists (select 1 from tablehold.opening_spans(p_venue, p_date)),
    'slots', coalesce((
      select jsonb_agg(jsonb_build_object('code', s.code, 'name', s.name, 'starts_at', lower(w.key), 'ends_at', upper(w.key))
        order by lower(w.key))
      from tablehold.slots s, lateral (select tablehold.slot_window(p_venue, s, p_date) as key) w
      where s.venue_id = p_venue.id and extract(isodow from p_date)::smallint = any (s.weekdays)), '[]'),
    'units', coalesce((
      with slot_keys as materialized (
        -- each slot's window once
        select s.code as slot, tablehold.slot_window(p_venue, s, p_date) as key
        from tablehold.slots s
        where s.venue_id = p_venue.id and extract(isodow from p_date)::smallint = any (s.weekdays)
      ), keys as (
        select un.id as unit_id, un.capacity, un.capacity_mode, un.out_of_service, sk.slot, sk.key
        from tablehold.units un cross join slot_keys sk
        where un.venue_id = p_venue.id and un.booking_mode = 'slot'
        union all
        select un.id, un.capacity, un.capacity_mode, un.out_of_service, null, v_day
        from tablehold.units un
        where un.venue_id = p_venue.id and un.booking_mode = 'date'
      ), live as materialized (
        -- the night's live allocations, read once through the (venue_id, service_date) index; a
        -- hold whose time is up counts as free; staff also get whose they are
        select a.unit_id, a.during, a.quantity, a.service_date, a.exclusive, a.booking_id, b.status, b.reference
        from tablehold.allocations a
        left join lateral (
          select case when bk.kind = 'block' then 'blocked' else bk.status::text end as status, bk.reference
          from tablehold.bookings bk where p_staff and bk.id = a.booking_id) b on true
        where a.venue_id = p_venue.id and a.active and a.service_date between p_date - 1 and p_date + 1
          and (a.expires_at is null or a.expires_at > v_now)
      ), overlapping as (
        select k.unit_id, k.slot, k.key, l.during, l.quantity, l.status
        from keys k join live l on l.unit_id = k.unit_id and l.during && k.key
      ), deltas as (
        -- a sweep line over each key: +quantity where an allocation starts (or the key starts), -quantity where it ends
        select o.unit_id, o.slot, greatest(lower(o.during), lower(o.key)) as at, o.quantity as delta from overlapping o
        union all
        select o.unit_id, o.slot, upper(o.during), -o.quantity from overlapping o where upper(o.during) < upper(o.key)
      ), peaks as (
        select r.unit_id, r.slot, max(r.used) filter (where r.delta > 0)::int as used, count(*) filter (where r.delta > 0) as taken
        from (select d.unit_id, d.slot, d.delta,
                     sum(d.delta) over (partition by d.unit_id, d.slot order by d.at, d.delta rows unbounded preceding) as used
              from deltas d) r
        group by r.unit_id, r.slot
      ), holders as (
        -- staff only: what holds each key, the first status (an exclusive key has at most one) and quantities by status
        select h.unit_id, h.slot, (array_agg(h.status order by h.first_at))[1] as first_status,
               jsonb_object_agg(h.status, h.quantity) as by_status
        from (select o.unit_id, o.slot, o.status, min(lower(o.during)) as first_at, sum(o.quantity) as quantity
              from overlapping o where p_staff group by o.unit_id, o.slot, o.status) h
        group by h.unit_id, h.slot
      ), key_json as (
        select k.unit_id, jsonb_agg(jsonb_build_object(
            'starts_at', lower(k.key), 'ends_at', upper(k.key), 'remaining', r.remaining,
            'state', case when k.out_of_service or r.remaining = 0 then 'unavailable' else 'available' end, 'slot', k.slot)
            || case when p_staff then jsonb_build_object(
                 'staff_state', case when k.out_of_service then 'out_of_service'
                                     when k.capacity_mode = 'exclusive' then coalesce(h.first_status, 'available')
                                     when r.remaining = 0 then 'full' else 'available' end,
                 'by_status', coalesce(h.by_status, '{}'))
               else '{}' end
          order by lower(k.key)) as keys
        from keys k
        left join peaks p on p.unit_id = k.unit_id and p.slot is not distinct from k.slot
        left join holders h on h.unit_id = k.unit_id and h.slot is not distinct from k.slot
        cross join lateral (select case when k.out_of_service then 0 else greatest(k.capacity - case
          when k.capacity_mode = 'pooled' then coalesce(p.used, 0) else least(coalesce(p.taken, 0), 1)::int end, 0) end as remaining) r
        group by k.unit_id
      ), busy_json as (
        select l.unit_id, jsonb_agg(jsonb_build_object('starts_at', lower(l.during), 'ends_at', upper(l.during))
            || case when p_staff then jsonb_build_object('booking_id', l.booking_id, 'reference', l.reference, 'status', l.status)
               else '{}' end
          order by lower(l.during)) as busy
        from live l
        where l.exclusive and l.service_date = p_date
        group by l.unit_id
      )
      select jsonb_agg(jsonb_build_object(
          'unit_id', un.id, 'code', un.code, 'name', un.name, 'unit_type', un.unit_type,
          'capacity_mode', un.capacity_mode, 'booking_mode', un.booking_mode, 'area', ar.name,
          'capacity', un.capacity, 'min_covers', un.min_covers, 'max_covers', un.max_covers,
          'premium', un.premium, 'min_spend', un.min_spend, 'deposit', un.deposit,
          'requires_approval', un.requires_approval or p_venue.requires_approval,
          'out_of_service', un.out_of_service,
          'fits_party', true,
          'keys', coalesce(kj.keys, '[]'),
          'busy', case when un.capacity_mode = 'exclusive' then coalesce(bj.busy, '[]')
            -- out of service: busy for the whole service day
            || case when un.out_of_service then jsonb_build_array(jsonb_build_object('starts_at', lower(v_day), 'ends_at', upper(v_day))
                 || case when p_staff then jsonb_build_object('status', 'out_of_service') else '{}' end)
               else '[]' end end,
          'free_at_start', null)
        order by un.sort, un.code)
      from tablehold.units un
      left join tablehold.areas ar on ar.id = un.area_id
      left join key_json kj on kj.unit_id = un.id
      left join busy_json bj on bj.unit_id = un.id
      where un.venue_id = p_venue.id), '[]')
  );
end;
$$;

/** The snapshot p_snapshot (a whole night's, from night_snapshot) as asked for, at p_as_of: with
 *  p_slot only slot units with that slot's key, and that slot; with p_party_size whether each unit
 *  seats the party (fits_party); with p_start whether each table is free for the party's turn from
 *  then (free_at_start). One pass over the units: rebuilding a 460 KB document costs a few
 *  milliseconds a pass, so the document is built once, here, and not patched afterwards. */
create function tablehold.snapshot_for(
  p_venue tablehold.venues, p_snapshot jsonb, p_as_of timestamptz, p_slot text, p_party_size int, p_start timestamptz)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_occupies tstzrange;
begin
  if p_start is not null then
    v_occupies := tstzrange(p_start, p_start + tablehold.turn_time(p_venue, coalesce(p_party_size, 2)) + p_venue.buffer);
  end if;
  return jsonb_build_object(
    'venue_id', p_snapshot -> 'venue_id', 'venue', p_snapshot -> 'venue', 'timezone', p_snapshot -> 'timezone',
    'service_date', p_snapshot -> 'service_date', 'version', p_snapshot -> 'version', 'as_of', p_as_of,
    'open', p_snapshot -> 'open',
    'slots', coalesce((
      select jsonb_agg(s.slot order by s.n) from jsonb_array_elements(p_snapshot -> 'slots') with ordinality s(slot, n)
      where p_slot is null or s.slot ->> 'code' = p_slot), '[]'),
    'units', coalesce((
      select jsonb_agg(e.unit || jsonb_build_object(
          'fits_party', p_party_size is null or (p_party_size >= un.min_covers and case
             when un.capacity_mode = 'pooled' then ceil(p_party_size::numeric / un.max_covers) <= un.capacity
             else p_party_size <= un.max_covers end),
          'free_at_start', case when un.booking_mode = 'time' and p_start is not null then
            not un.out_of_service and not exists (
              select 1 from tablehold.allocations a
              where a.unit_id = un.id and a.active and a.during && v_occupies
                and (a.expires_at is null or a.expires_at > p_as_of)) end)
        || case when p_slot is not null then jsonb_build_object('keys', coalesce((
             select jsonb_agg(k.key order by k.n) from jsonb_array_elements(e.unit -> 'keys') with ordinality k(key, n)
             where k.key ->> 'slot' = p_slot), '[]'))
           else '{}' end
        order by e.n)
      from jsonb_array_elements(p_snapshot -> 'units') with ordinality e(unit, n)
      join tablehold.units un on un.id = (e.unit ->> 'unit_id')::uuid
      where p_slot is null or un.booking_mode = 'slot'), '[]'));
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- The cache
-- ---------------------------------------------------------------------------------------------

create table tablehold.snapshot_cache (
  venue_id uuid not null,
  service_date date not null,
  version bigint not null,
  config_version bigint not null,
  computed_at timestamptz not null,
  -- lz4: a 200-unit night's 460 KB of JSON is stored in ~15 KB and read back ~5x faster than pglz
  snapshot jsonb compression lz4 not null,
  -- the same snapshot as JSON text, without as_of: what the Edge route sends, so that it is not
  -- serialized again on every read (a few milliseconds for a 460 KB document)
  snapshot_text text compression lz4 not null,
  primary key (venue_id, service_date)
);
comment on table tablehold.snapshot_cache is 'The guest availability snapshot of each venue-night that was read, at the channel version and configuration version it was computed at (tablehold.cached_night_snapshot). A row that no longer matches is never served and is overwritten by the next reader; past nights are pruned hourly. Only the engine writes it; it holds no personal data.';

create trigger tg_snapshot_cache__guard before insert or update or delete on tablehold.snapshot_cache
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit(
  'only the engine writes this table: it is the availability snapshot cache',
  'nothing: public.availability fills it, and a change of bookings or set-up makes a row stale by itself');
create trigger tg_snapshot_cache__guard_truncate before truncate on tablehold.snapshot_cache
for each statement execute function tablehold.tg_refuse_direct_edit(
  'only the engine writes this table: it is the availability snapshot cache',
  'nothing: public.availability fills it, and a change of bookings or set-up makes a row stale by itself');
create trigger tg_config_versions__guard before insert or update or delete on tablehold.config_versions
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit(
  'only the engine writes this table: the set-up triggers number each venue''s configuration',
  'edit the venue, its areas, units, slots or hours; the version follows');
create trigger tg_config_versions__guard_truncate before truncate on tablehold.config_versions
for each statement execute function tablehold.tg_refuse_direct_edit(
  'only the engine writes this table: the set-up triggers number each venue''s configuration',
  'edit the venue, its areas, units, slots or hours; the version follows');

alter table tablehold.config_versions enable row level security;
alter table tablehold.snapshot_cache enable row level security;
create policy "only the server reads configuration versions" on tablehold.config_versions for select to service_role using (true);
create policy "only the server reads the snapshot cache" on tablehold.snapshot_cache for select to service_role using (true);
revoke all on tablehold.config_versions, tablehold.snapshot_cache from public, anon, authenticated;
grant all on tablehold.config_versions, tablehold.snapshot_cache to service_role;

/** The guest snapshot of a venue's whole service date, as its tablehold.snapshot_cache row: the
 *  cached one when it is at the channel's current version and the venue's current configuration
 *  version and no hold of the night lapsed between when it was computed and now; else computed
 *  (tablehold.night_snapshot) and written back, replacing the night's row. Runs as its owner:
 *  guests reading availability are anon, and may neither read nor write the cache themselves.
 *
 *  The cache is written only at READ COMMITTED in a read-write transaction, and only by the one
 *  transaction holding the night's try-lock: a REPEATABLE READ or SERIALIZABLE reader would see
 *  another's fresh row as a serialization conflict, a read-only one (PostgREST's GET) cannot
 *  write, and a reader never waits on another's uncommitted row (a Studio session left open after
 *  reading availability would otherwise stall every reader of that night). Those readers compute
 *  the snapshot and return it unsaved. */
create function tablehold.cached_night_snapshot(p_venue tablehold.venues, p_date date)
returns tablehold.snapshot_cache
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_row tablehold.snapshot_cache;
  v_was text;
begin
  select c.* into v_row
    from tablehold.snapshot_cache c
   where c.venue_id = p_venue.id and c.service_date = p_date
     and c.version = coalesce((select ch.version from tablehold.channels ch
                                where ch.venue_id = p_venue.id and ch.service_date = p_date), 0)
     and c.config_version = coalesce((select cv.version from tablehold.config_versions cv where cv.venue_id = p_venue.id), 0);
  -- a hold lapsing is no event, so no version: was one of the night's live holds due between then
  -- and now? (A held booking's allocations expire when it does: tg_bookings__after_update.) The
  -- bounds are values here, so the held bookings' expiry index reads just that interval.
  if found and not exists (
       select 1 from tablehold.bookings b
        where b.status = 'held'
          and b.hold_expires_at > least(v_row.computed_at, v_now) and b.hold_expires_at <= greatest(v_row.computed_at, v_now)
          and b.venue_id = p_venue.id and b.service_date between p_date - 1 and p_date + 1) then
    return v_row;
  end if;

  -- one statement: the snapshot, its version and the configuration version from one MVCC snapshot
  with s as materialized (select tablehold.night_snapshot(p_venue, p_date, false) as snapshot)
  select p_venue.id, p_date, (s.snapshot ->> 'version')::bigint,
         coalesce((select cv.version from tablehold.config_versions cv where cv.venue_id = p_venue.id), 0),
         v_now, s.snapshot, (s.snapshot - 'as_of')::text
    into v_row
    from s;
  if current_setting('transaction_isolation') = 'read committed'
     and current_setting('transaction_read_only') = 'off'
     and pg_try_advisory_xact_lock(hashtextextended('tablehold.snapshot_cache:' || p_venue.id || ':' || p_date, 0)) then
    v_was := tablehold.engine_on();
    insert into tablehold.snapshot_cache as c values (v_row.*)
    on conflict (venue_id, service_date) do update
      set version = excluded.version, config_version = excluded.config_version, computed_at = excluded.computed_at,
          snapshot = excluded.snapshot, snapshot_text = excluded.snapshot_text
      -- never back to an older state (a reader whose statement began before the row was written)
      where (c.version, c.config_version) <= (excluded.version, excluded.config_version);
    v_was := tablehold.engine_restore(v_was);
  end if;
  return v_row;
end;
$$;

/** Drop the cached snapshots of nights that are over (run hourly by pg_cron). */
create function tablehold.prune_snapshot_cache()
returns int
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
  v_count int;
begin
  delete from tablehold.snapshot_cache c where c.service_date < current_date - 1;
  get diagnostics v_count = row_count;
  v_was := tablehold.engine_restore(v_was);
  return v_count;
end;
$$;

do $$
begin
  perform cron.schedule('tablehold-prune-snapshot-cache', '47 * * * *', 'select tablehold.prune_snapshot_cache()');
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- The public doors
-- ---------------------------------------------------------------------------------------------

/** The venue of an availability request whose date, slot and party size are valid (else the
 *  error: NOT_FOUND for the venue or slot, INVALID_REQUEST without a date, INVALID_PARTY_SIZE). */
create function tablehold.availability_venue(p_venue_id uuid, p_date date, p_slot text, p_party_size int)
returns tablehold.venues
language plpgsql
stable
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_venue_id);
begin
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  if p_slot is not null and not exists (select 1 from tablehold.slots s where s.venue_id = p_venue_id and s.code = p_slot) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'slot', 'slot', p_slot));
  end if;
  if p_party_size is not null and p_party_size < 1 then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party));
  end if;
  return v_venue;
end;
$$;

/** The availability snapshot of a venue's service date: every unit with its state and remaining
 *  count per slot (slot units) or per day (date units), the busy windows of tables, whether it
 *  fits p_party_size (and is free at p_start, for tables), the channel version it reflects and
 *  as_of (now). Guests see held and pending_approval simply as unavailable, from the cache while
 *  nothing changed; staff of the venue see the full states, computed each time.
 *  Example: select public.availability('00000000-0000-4000-b000-000000000002', '2026-11-27', 'early'); */
create or replace function public.availability(
  p_venue_id uuid, p_date date, p_slot text default null, p_party_size int default null, p_start timestamptz default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.availability_venue(p_venue_id, p_date, p_slot, p_party_size);
  v_snapshot jsonb;
begin
  -- WARNING: only the guest view may come from the cache: the staff view changes without an event
  -- (confirming a hold) and names bookings
  if tablehold.caller_rank(p_venue_id) >= 1 then
    v_snapshot := tablehold.night_snapshot(v_venue, p_date, true);
  else
    v_snapshot := (tablehold.cached_night_snapshot(v_venue, p_date)).snapshot;
  end if;
  if p_slot is not null or p_party_size is not null or p_start is not null then
    return tablehold.snapshot_for(v_venue, v_snapshot, tablehold.clock(), p_slot, p_party_size, p_start);
  end if;
  return jsonb_set(v_snapshot, '{as_of}', to_jsonb(tablehold.clock()));
end;
$$;

/** public.availability as JSON text, with the channel version it reflects apart: what the Edge
 *  route sends. A guest's whole night is the cached text with as_of put in front, never
 *  serialized again; anything else is public.availability's answer as text. */
create function public.availability_text(
  p_venue_id uuid, p_date date, p_slot text default null, p_party_size int default null, p_start timestamptz default null,
  out version bigint, out snapshot text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.availability_venue(p_venue_id, p_date, p_slot, p_party_size);
  v_row tablehold.snapshot_cache;
  v_snapshot jsonb;
begin
  if p_slot is null and p_party_size is null and p_start is null and tablehold.caller_rank(p_venue_id) < 1 then
    v_row := tablehold.cached_night_snapshot(v_venue, p_date);
    version := v_row.version;
    snapshot := '{"as_of": ' || to_jsonb(tablehold.clock())::text || ', ' || right(v_row.snapshot_text, -1);
    return;
  end if;
  v_snapshot := public.availability(p_venue_id, p_date, p_slot, p_party_size, p_start);
  version := (v_snapshot ->> 'version')::bigint;
  snapshot := v_snapshot::text;
end;
$$;

/** A channel's current version, after expiring its holds whose time is up (as refresh_channel):
 *  what the availability route compares If-None-Match with before building any snapshot. Anyone
 *  may call it. */
create function public.channel_version(p_venue_id uuid, p_date date)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform public.refresh_channel(p_venue_id, p_date);
  return coalesce((select c.version from tablehold.channels c where c.venue_id = p_venue_id and c.service_date = p_date), 0);
end;
$$;

/** Start times a table venue offers on a service date for a party: exactly the starts plan_time
 *  accepts (tablehold.table_starts inside the booking window), each with how many single tables are
 *  free and whether any table or combination fits. Gives at every start what
 *  tablehold.table_candidates gives there (the booking path's ranking; a pgTAP test compares them
 *  start by start), but reads each table's live allocations once for the night, as one multirange,
 *  instead of once per start. */
create or replace function public.available_times(p_venue_id uuid, p_date date, p_party_size int)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
  v_turn interval;
  v_now timestamptz := tablehold.clock();
begin
  v_venue := tablehold.venue(p_venue_id);
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  if p_party_size is null or p_party_size < v_venue.min_party or p_party_size > v_venue.max_party then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party));
  end if;
  v_turn := tablehold.turn_time(v_venue, p_party_size);
  return coalesce((
    with starts as materialized (
      select g.at, tstzrange(g.at, g.at + v_turn + v_venue.buffer) as occupies
      from tablehold.table_starts(v_venue, p_date, v_turn) g(at)
      where tablehold.booking_window_problem(v_venue, 'time', p_date, tstzrange(g.at, g.at + v_turn), v_now, false) is null
    ), reach as (
      select tstzrange(min(lower(s.occupies)), max(upper(s.occupies))) as span from starts s
    ), tables as materialized (
      -- the tables tablehold.table_candidates may offer: in service, booked by time; busy: their live
      -- allocations that could touch any start's window, merged
      select u.id, p_party_size between u.min_covers and u.max_covers as fits,
             (select range_agg(a.during) from tablehold.allocations a, reach r
               where a.unit_id = u.id and a.active and a.during && r.span
                 and (a.expires_at is null or a.expires_at > v_now)) as busy
      from tablehold.units u
      where u.venue_id = p_venue_id and u.capacity_mode = 'exclusive' and u.booking_mode = 'time'
        and u.unit_type in ('table', 'booth') and not u.out_of_service
    )
    select jsonb_agg(jsonb_build_object('starts_at', s.at, 'tables_free', c.singles,
        'bookable', c.singles > 0 or exists (
          -- a combination the party fits whose every table is free then
          select 1 from tablehold.combinations cb
           where cb.venue_id = p_venue_id and p_party_size between cb.min_party and cb.max_party
             and exists (select 1 from tablehold.combination_units cu where cu.combination_id = cb.id)
             and not exists (
               select 1 from tablehold.combination_units cu
                where cu.combination_id = cb.id
                  and not exists (select 1 from tables t where t.id = cu.unit_id and not coalesce(t.busy && s.occupies, false)))))
      order by s.at)
    from starts s
    cross join lateral (
      select count(*) filter (where t.fits and not coalesce(t.busy && s.occupies, false)) as singles from tables t) c
  ), '[]');
end;
$$;

-- one snapshot implementation now
drop function tablehold.full_snapshot(uuid, date, text, int, timestamptz);
drop function tablehold.guest_snapshot(uuid, date, text, int, timestamptz);
drop function tablehold.key_state(tablehold.units, tstzrange, boolean);

comment on function tablehold.night_snapshot(tablehold.venues, date, boolean) is 'The one availability snapshot implementation: a venue''s whole service date, the guest view or (p_staff) the staff view.';
comment on function tablehold.cached_night_snapshot(tablehold.venues, date) is 'The guest snapshot of a night from tablehold.snapshot_cache while it is current, else computed and cached.';
comment on function public.availability_text(uuid, date, text, int, timestamptz) is 'public.availability as JSON text with its channel version apart, for the Edge route: a guest''s whole night passes through from the cache without being serialized again.';
comment on function public.channel_version(uuid, date) is 'A channel''s version after expiring its lapsed holds: the availability ETag, compared before any snapshot work.';

revoke execute on function public.channel_version(uuid, date), public.availability_text(uuid, date, text, int, timestamptz)
  from public, anon, authenticated;
grant execute on function public.channel_version(uuid, date), public.availability_text(uuid, date, text, int, timestamptz)
  to anon, authenticated, service_role;
revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
