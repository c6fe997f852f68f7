-- The public API, reading availability: the snapshot of a venue's service date (guests get the
-- set-based snapshot, staff the full one with states by status and references), table start
-- times, table suggestions, and the floor's live table status. Holds whose time is up count as
-- free everywhere; the snapshot carries the channel version it reflects.

/** A unit's state over one key window (a slot, a service day): remaining units and the public
 *  state, plus, for staff, what is holding it. Holds whose time is up count as free. */
create function tablehold.key_state(p_unit tablehold.units, p_key tstzrange, p_staff boolean)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with live as (
    select a.quantity, case when b.kind = 'block' then 'blocked' else b.status::text end as status
    from tablehold.allocations a join tablehold.bookings b on b.id = a.booking_id
    where a.unit_id = p_unit.id and a.active and a.during && p_key
      and (a.expires_at is null or a.expires_at > tablehold.clock())
  ), counted as (
    select case when p_unit.out_of_service then 0
                else greatest(p_unit.capacity - case when p_unit.capacity_mode = 'pooled'
                  then tablehold.used_at_peak(p_unit.id, p_key)
                  else least((select count(*) from live), 1)::int end, 0) end as remaining
  )
  select jsonb_build_object(
    'starts_at', lower(p_key), 'ends_at', upper(p_key), 'remaining', c.remaining,
    'state', case when p_unit.out_of_service or c.remaining = 0 then 'unavailable' else 'available' end)
    || case when p_staff then jsonb_build_object(
         'staff_state', case when p_unit.out_of_service then 'out_of_service'
                             when p_unit.capacity_mode = 'exclusive' then coalesce((select l.status from live l limit 1), 'available')
                             when c.remaining = 0 then 'full' else 'available' end,
         'by_status', coalesce((select jsonb_object_agg(s.status, s.quantity) from (
           select l.status, sum(l.quantity) as quantity from live l group by l.status) s), '{}'))
       else '{}' end
  from counted c;
$$;

/** The availability snapshot of a venue's service date, with staff detail: every unit with its
 *  state and remaining count per slot (slot units) or per day (date units), the busy windows of
 *  tables, whether it fits p_party_size (and p_start, for tables), and the channel version the
 *  snapshot is at; staff also get states by status and booking references. public.availability
 *  validates the request and serves staff from here (guests from tablehold.guest_snapshot). */
create function tablehold.full_snapshot(
  p_venue_id uuid, p_date date, p_slot text default null, p_party_size int default null, p_start timestamptz default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
  v_staff boolean;
  v_version bigint;
  v_turn interval;
begin
  v_venue := tablehold.venue(p_venue_id);
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  if p_slot is not null and not exists (select 1 from tablehold.slots s where s.venue_id = p_venue_id and s.code = p_slot) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'slot', 'slot', p_slot));
  end if;
  if p_party_size is not null and p_party_size < 1 then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party));
  end if;
  v_staff := tablehold.caller_rank(p_venue_id) >= 1;
  -- read the version first: events committed after it are replayed on top by the feed client
  select c.version into v_version from tablehold.channels c where c.venue_id = p_venue_id and c.service_date = p_date;
  v_turn := tablehold.turn_time(v_venue, coalesce(p_party_size, 2));

  return jsonb_build_object(
    'venue_id', v_venue.id, 'venue', v_venue.slug, 'timezone', v_venue.timezone, 'service_date', p_date,
    'version', coalesce(v_version, 0), 'as_of', tablehold.clock(),
    'open', exists (select 1 from tablehold.opening_spans(v_venue, p_date)),
    'slots', coalesce((
      select jsonb_agg(jsonb_build_object('code', s.code, 'name', s.name,
        'starts_at', lower(tablehold.slot_window(v_venue, s, p_date)), 'ends_at', upper(tablehold.slot_window(v_venue, s, p_date)))
        order by lower(tablehold.slot_window(v_venue, s, p_date)))
      from tablehold.slots s
      where s.venue_id = v_venue.id and extract(isodow from p_date)::smallint = any (s.weekdays)
        and (p_slot is null or s.code = p_slot)), '[]'),
    'units', coalesce((
      select jsonb_agg(u.unit order by u.sort, u.code) from (
        select un.sort, un.code, jsonb_build_object(
          'unit_id', un.id, 'code', un.code, 'name', un.name, 'unit_type', un.unit_type,
          'capacity_mode', un.capacity_mode, 'booking_mode', un.booking_mode, 'area', ar.name,
          'capacity', un.capacity, 'min_covers', un.min_covers, 'max_covers', un.max_covers,
          'premium', un.premium, 'min_spend', un.min_spend, 'deposit', un.deposit,
          'requires_approval', un.requires_approval or v_venue.requires_approval,
          'out_of_service', un.out_of_service,
          'fits_party', p_party_size is null or (p_party_size >= un.min_covers and case
             when un.capacity_mode = 'pooled' then ceil(p_party_size::numeric / un.max_covers) <= un.capacity
             else p_party_size <= un.max_covers end),
          'keys', coalesce((
            select jsonb_agg(tablehold.key_state(un, k.key, v_staff) || jsonb_build_object('slot', k.slot) order by lower(k.key))
            from (
              select s.code as slot, tablehold.slot_window(v_venue, s, p_date) as key
              from tablehold.slots s
              where un.booking_mode = 'slot' and s.venue_id = v_venue.id
                and extract(isodow from p_date)::smallint = any (s.weekdays) and (p_slot is null or s.code = p_slot)
              union all
              select null, tablehold.service_window(v_venue, p_date) where un.booking_mode = 'date'
            ) k), '[]'),
          'busy', case when un.capacity_mode = 'exclusive' then coalesce((
            select jsonb_agg(jsonb_build_object('starts_at', lower(a.during), 'ends_at', upper(a.during))
              || case when v_staff then jsonb_build_object('booking_id', b.id, 'reference', b.reference,
                   'status', case when b.kind = 'block' then 'blocked' else b.status::text end) else '{}' end
              order by lower(a.during))
            from tablehold.allocations a join tablehold.bookings b on b.id = a.booking_id
            where a.unit_id = un.id and a.active and a.service_date = p_date
              and (a.expires_at is null or a.expires_at > tablehold.clock())), '[]')
            -- out of service: busy for the whole service day
            || case when un.out_of_service then jsonb_build_array(jsonb_build_object(
                 'starts_at', lower(tablehold.service_window(v_venue, p_date)), 'ends_at', upper(tablehold.service_window(v_venue, p_date)))
                 || case when v_staff then jsonb_build_object('status', 'out_of_service') else '{}' end)
               else '[]' end end,
          'free_at_start', case when un.booking_mode = 'time' and p_start is not null then
            not un.out_of_service and not exists (
              select 1 from tablehold.allocations a
              where a.unit_id = un.id and a.active and (a.expires_at is null or a.expires_at > tablehold.clock())
                and a.during && tstzrange(p_start, p_start + v_turn + v_venue.buffer)) end
        ) as unit
        from tablehold.units un
        left join tablehold.areas ar on ar.id = un.area_id
        where un.venue_id = v_venue.id
          and (p_slot is null or un.booking_mode = 'slot')
      ) u), '[]')
  );
end;
$$;
comment on function tablehold.full_snapshot(uuid, date, text, int, timestamptz) is 'The availability snapshot with staff detail (states by status, booking references); public.availability serves staff from it.';

/** The guest snapshot of a venue's service date, computed set-based: the night's live allocations
 *  are read once (the (venue_id, service_date) index), each slot window is computed once, and every
 *  key's peak comes from one sweep line (a running sum over allocation starts and ends); about 6x
 *  faster than the per-unit path of tablehold.full_snapshot on a 200-unit night with 10 000
 *  bookings, with the same JSON (npm run bench -- snapshot). Assumes, like the rest of the engine's
 *  windows, that no key or allocation spans more than a day, so the allocations that can touch a
 *  night are those of that night and the ones either side. Inputs are validated by
 *  public.availability.
 *  plan_cache_mode = force_custom_plan: with a generic plan (chosen after five calls in a session
 *  when a venue's statistics were stale, a venue just created or grown) it took about 1.1 s
 *  instead of about 40 ms; it is planned for its actual arguments every time. */
create function tablehold.guest_snapshot(
  p_venue_id uuid, p_date date, p_slot text default null, p_party_size int default null, p_start timestamptz default null)
returns jsonb
language plpgsql
stable
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  v_venue tablehold.venues;
  v_now timestamptz := tablehold.clock();
  v_version bigint;
  v_turn interval;
  v_day tstzrange;
begin
  v_venue := tablehold.venue(p_venue_id);
  select c.version into v_version from tablehold.channels c where c.venue_id = p_venue_id and c.service_date = p_date;
  v_turn := tablehold.turn_time(v_venue, coalesce(p_party_size, 2));
  v_day := tablehold.service_window(v_venue, p_date);

  return jsonb_build_object(
    'venue_id', v_venue.id, 'venue', v_venue.slug, 'timezone', v_venue.timezone, 'service_date', p_date,
    'version', coalesce(v_version, 0), 'as_of', v_now,
    'open', exists (select 1 from tablehold.opening_spans(v_venue, p_date)),
    'slots', coalesce((
      select jsonb_agg(jsonb_build_object('code', s.code, 'name', s.name, 'starts_at', lower(w.key), 'ends_at', upper(w.key))
        order by lower(w.key))
      from tablehold.slots s, lateral (select tablehold.slot_window(v_venue, s, p_date) as key) w
      where s.venue_id = v_venue.id and extract(isodow from p_date)::smallint = any (s.weekdays)
        and (p_slot is null or s.code = p_slot)), '[]'),
    'units', coalesce((
      with slot_keys as materialized (
        -- each slot's window once (slot_window is a SQL function with `set search_path`: never inlined)
        select s.code as slot, tablehold.slot_window(v_venue, s, p_date) as key
        from tablehold.slots s
        where s.venue_id = p_venue_id and extract(isodow from p_date)::smallint = any (s.weekdays)
          and (p_slot is null or s.code = p_slot)
      ), keys as (
        select un.id as unit_id, un.capacity, un.capacity_mode, un.out_of_service, sk.slot, sk.key
        from tablehold.units un cross join slot_keys sk
        where un.venue_id = p_venue_id and un.booking_mode = 'slot'
        union all
        select un.id, un.capacity, un.capacity_mode, un.out_of_service, null, v_day
        from tablehold.units un
        where un.venue_id = p_venue_id and un.booking_mode = 'date' and p_slot is null
      ), live as materialized (
        -- the night's live allocations, read once through the (venue_id, service_date) index
        select a.unit_id, a.during, a.quantity, a.service_date, a.exclusive
        from tablehold.allocations a
        where a.venue_id = p_venue_id and a.active and a.service_date between p_date - 1 and p_date + 1
          and (a.expires_at is null or a.expires_at > v_now)
      ), overlapping as (
        select k.unit_id, k.slot, k.key, l.during, l.quantity
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
      ), key_json as (
        select k.unit_id, jsonb_agg(jsonb_build_object(
            'starts_at', lower(k.key), 'ends_at', upper(k.key), 'remaining', r.remaining,
            'state', case when k.out_of_service or r.remaining = 0 then 'unavailable' else 'available' end, 'slot', k.slot)
          order by lower(k.key)) as keys
        from keys k
        left join peaks p on p.unit_id = k.unit_id and p.slot is not distinct from k.slot
        cross join lateral (select case when k.out_of_service then 0 else greatest(k.capacity - case
          when k.capacity_mode = 'pooled' then coalesce(p.used, 0) else least(coalesce(p.taken, 0), 1)::int end, 0) end as remaining) r
        group by k.unit_id
      ), busy_json as (
        select l.unit_id, jsonb_agg(jsonb_build_object('starts_at', lower(l.during), 'ends_at', upper(l.during))
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
          'requires_approval', un.requires_approval or v_venue.requires_approval,
          'out_of_service', un.out_of_service,
          'fits_party', p_party_size is null or (p_party_size >= un.min_covers and case
             when un.capacity_mode = 'pooled' then ceil(p_party_size::numeric / un.max_covers) <= un.capacity
             else p_party_size <= un.max_covers end),
          'keys', coalesce(kj.keys, '[]'),
          'busy', case when un.capacity_mode = 'exclusive' then coalesce(bj.busy, '[]')
            || case when un.out_of_service then jsonb_build_array(jsonb_build_object('starts_at', lower(v_day), 'ends_at', upper(v_day)))
               else '[]' end end,
          'free_at_start', case when un.booking_mode = 'time' and p_start is not null then
            not un.out_of_service and not exists (
              select 1 from tablehold.allocations a
              where a.unit_id = un.id and a.active and (a.expires_at is null or a.expires_at > v_now)
                and a.during && tstzrange(p_start, p_start + v_turn + v_venue.buffer)) end)
        order by un.sort, un.code)
      from tablehold.units un
      left join tablehold.areas ar on ar.id = un.area_id
      left join key_json kj on kj.unit_id = un.id
      left join busy_json bj on bj.unit_id = un.id
      where un.venue_id = p_venue_id and (p_slot is null or un.booking_mode = 'slot')), '[]')
  );
end;
$$;

/** The availability snapshot (see tablehold.full_snapshot for the fields): guests get the
 *  set-based snapshot, staff the full one with states by status and references. */
create function public.availability(
  p_venue_id uuid, p_date date, p_slot text default null, p_party_size int default null, p_start timestamptz default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform tablehold.venue(p_venue_id);
  if p_date is null or (p_party_size is not null and p_party_size < 1)
     or (p_slot is not null and not exists (select 1 from tablehold.slots s where s.venue_id = p_venue_id and s.code = p_slot))
     or tablehold.caller_rank(p_venue_id) >= 1 then
    return tablehold.full_snapshot(p_venue_id, p_date, p_slot, p_party_size, p_start);  -- its errors, and the staff view
  end if;
  return tablehold.guest_snapshot(p_venue_id, p_date, p_slot, p_party_size, p_start);
end;
$$;

/** Start times a table venue offers on a service date for a party: exactly the starts plan_time
 *  accepts (tablehold.table_starts inside the booking window), each with how many single tables are
 *  free and whether any table or combination fits. */
create function public.available_times(p_venue_id uuid, p_date date, p_party_size int)
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
    select jsonb_agg(jsonb_build_object('starts_at', g.at, 'tables_free', c.singles, 'bookable', c.options > 0) order by g.at)
    from tablehold.table_starts(v_venue, p_date, v_turn) g(at)
    cross join lateral (
      select count(*) filter (where t.kind = 'single') as singles, count(*) as options
      from tablehold.table_candidates(v_venue.id, tstzrange(g.at, g.at + v_turn + v_venue.buffer), p_party_size) t
    ) c
    where tablehold.booking_window_problem(v_venue, 'time', p_date, tstzrange(g.at, g.at + v_turn), v_now, false) is null
  ), '[]');
end;
$$;

/** The best tables for a party at a start time: single tables first, then combinations; fewest
 *  wasted seats, then lowest minimum spend, then the preferred area. Public: no personal data. */
create function public.suggest_tables(p_venue_id uuid, p_start timestamptz, p_party_size int, p_area_id uuid default null, p_limit int default 5)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_venue_id);
  v_plan tablehold.booking_plan;
begin
  if p_party_size is null or p_party_size < v_venue.min_party or p_party_size > v_venue.max_party then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party));
  end if;
  -- only starts that could be booked: open, on the grid, not past, inside the booking window
  v_plan := tablehold.plan_time(v_venue, 'time', p_party_size, null, null, p_start, false);
  return coalesce((
    select jsonb_agg(to_jsonb(c)) from (
      select * from tablehold.table_candidates(p_venue_id, v_plan.occupies, p_party_size, p_area_id)
      limit greatest(least(coalesce(p_limit, 5), 50), 1)) c
  ), '[]');
end;
$$;

-- The floor view.
/** Live status of every table and booth at an instant (default now), for the floor view:
 *  out_of_service, occupied (guests seated, from when they were seated until completed), reserved (only while the instant lies inside an
 *  active allocation window; never because of a later booking that day), or available. */
create function tablehold.table_status_at(p_venue_id uuid, p_at timestamptz)
returns table (unit_id uuid, code text, name text, area text, status text, booking_id uuid, reference text, party_size int, starts_at timestamptz, ends_at timestamptz)
language sql
stable
set search_path = ''
as $$
  select u.id, u.code, u.name, ar.name,
    case when u.out_of_service then 'out_of_service'
         when cur.status = 'seated' then 'occupied'
         when cur.booking_id is not null then 'reserved'
         else 'available' end,
    cur.booking_id, cur.reference, cur.party_size, lower(cur.during), upper(cur.during)
  from tablehold.units u
  left join tablehold.areas ar on ar.id = u.area_id
  left join lateral (
    select b.id as booking_id, b.reference, b.party_size, b.status, a.during
    from tablehold.allocations a join tablehold.bookings b on b.id = a.booking_id
    where a.unit_id = u.id and a.active
      and (a.expires_at is null or a.expires_at > p_at)
      and (a.during @> p_at or (b.status = 'seated' and b.seated_at <= p_at))
    order by b.status = 'seated' desc, lower(a.during)
    limit 1
  ) cur on true
  where u.venue_id = p_venue_id and u.unit_type in ('table', 'booth')
  order by u.sort, u.code;
$$;

/** Table live status for staff (host and up). */
create function public.table_live_status(p_venue_id uuid, p_at timestamptz default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 1);
  return coalesce((select jsonb_agg(to_jsonb(t)) from tablehold.table_status_at(p_venue_id, coalesce(p_at, tablehold.clock())) t), '[]');
end;
$$;

create view tablehold.table_live_status
with (security_invoker = true)
as
select v.id as venue_id, v.slug as venue, t.*
from tablehold.venues v, tablehold.table_status_at(v.id, tablehold.clock()) t;
comment on view tablehold.table_live_status is 'Every table''s live status now, for the floor view and for Studio.';
