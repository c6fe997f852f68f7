-- Reading availability: the snapshot behind the live feed, table start times, table live status.

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

/** The availability snapshot of a venue's service date: every unit with its state and remaining
 *  count per slot (slot units) or per day (date units), the busy windows of tables, whether it
 *  fits p_party_size (and p_start, for tables), and the channel version the snapshot is at.
 *  Guests see held and pending_approval simply as unavailable; staff see the full states. */
create function public.availability(
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

/** Start times a table venue offers on a service date for a party: the grid inside opening hours,
 *  each with how many single tables are free and whether any table or combination fits. */
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
    select jsonb_agg(jsonb_build_object('starts_at', t.at, 'tables_free', t.singles, 'bookable', t.options > 0) order by t.at)
    from (
      select g.at,
        (select count(*) from tablehold.table_candidates(v_venue.id, tstzrange(g.at, g.at + v_turn + v_venue.buffer), p_party_size) c where c.kind = 'single') as singles,
        (select count(*) from tablehold.table_candidates(v_venue.id, tstzrange(g.at, g.at + v_turn + v_venue.buffer), p_party_size)) as options
      from tablehold.opening_spans(v_venue, p_date) s,
           generate_series(lower(s), upper(s) - v_turn, v_venue.start_grid) g(at)
      where g.at >= tablehold.clock() + v_venue.min_notice
    ) t), '[]');
end;
$$;

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
