-- The booking engine: resolve time and inventory, validate every rule, allocate under lock.

/** What a booking request resolves to: service date, slot, the guests' window and the window
 *  the inventory is taken for (the table window adds the venue buffer). */
create type tablehold.booking_plan as (
  service_date date,
  slot_id      uuid,
  during       tstzrange,
  occupies     tstzrange,
  mode         tablehold.booking_mode
);

/** Resolve and validate when a booking would happen: slot, service date or start time, opening
 *  hours (overnight spans and exceptions included), the start-time grid, and the booking window
 *  (no past, minimum notice and horizon unless a manager overrides). */
create function tablehold.plan_time(
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

  -- opening hours: the guests' window lies inside one opening span; table starts sit on the grid
  if not exists (
    select 1 from tablehold.opening_spans(p_venue, v_plan.service_date) s
    where (p_mode = 'date' or s @> v_plan.during)
      and (p_mode <> 'time'
           or (extract(epoch from lower(v_plan.during) - lower(s))::bigint
               % extract(epoch from p_venue.start_grid)::bigint) = 0)
  ) then
    perform tablehold.fail('OUTSIDE_OPENING_HOURS', jsonb_build_object(
      'service_date', v_plan.service_date, 'starts_at', lower(v_plan.during)));
  end if;

  -- booking window: never the past (a table's start, a slot's end, a date's closing time);
  -- notice and horizon unless overridden
  if upper(v_plan.during) <= v_now or (p_mode = 'time' and lower(v_plan.during) < v_now)
     or (p_mode = 'date' and (select max(upper(s)) from tablehold.opening_spans(p_venue, v_plan.service_date) s) <= v_now) then
    perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'past'));
  end if;
  if not p_override then
    if least(lower(v_plan.during), upper(v_plan.during) - interval '1 second') < v_now + p_venue.min_notice
       and (p_mode = 'time' or upper(v_plan.during) <= v_now + p_venue.min_notice) then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'notice', 'min_notice', p_venue.min_notice));
    end if;
    if v_plan.service_date > tablehold.service_date_of(p_venue, v_now + p_venue.booking_horizon) then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'horizon', 'horizon', p_venue.booking_horizon));
    end if;
  end if;
  return v_plan;
end;
$$;

/** Find or create the booking's client. Staff may name any client of the venue (or none, for a
 *  walk-in); a customer books as their own client; guests give contact details. An existing
 *  client found by email is linked, never overwritten, by a guest. */
create function tablehold.resolve_client(p_venue_id uuid, p_rank int, p_client_id uuid, p_guest jsonb)
returns tablehold.clients
language plpgsql
set search_path = ''
as $$
declare
  v_client tablehold.clients;
  v_uid uuid := tablehold.actor_id();
  v_email text := nullif(trim(p_guest ->> 'email'), '');
begin
  if p_client_id is not null then
    select * into v_client from tablehold.clients c where c.id = p_client_id and c.venue_id = p_venue_id;
    -- guests may name only their own linked client record
    if not found or (p_rank < 1 and (v_uid is null or v_client.user_id is distinct from v_uid)) then
      perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'client'));
    end if;
    return v_client;
  end if;

  if p_guest is null and v_uid is not null and p_rank < 1 then
    select * into v_client from tablehold.clients c where c.venue_id = p_venue_id and c.user_id = v_uid;
    if found then
      return v_client;
    end if;
  end if;

  if p_guest is null then
    if p_rank >= 1 then
      return null;  -- a walk-in or phone booking staff make without details
    end if;
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'guest', 'problem', 'name and email are required'));
  end if;
  if nullif(trim(p_guest ->> 'name'), '') is null or (v_email is null and p_rank < 1) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'guest', 'problem', 'name and email are required'));
  end if;

  begin
    insert into tablehold.clients (venue_id, user_id, name, email, phone, date_of_birth)
    values (p_venue_id, case when p_rank < 1 then v_uid end, trim(p_guest ->> 'name'), v_email,
            nullif(trim(p_guest ->> 'phone'), ''), (p_guest ->> 'date_of_birth')::date)
    on conflict (venue_id, lower(email)) where email is not null do nothing
    returning * into v_client;
  exception
    when check_violation or invalid_datetime_format or datetime_field_overflow then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'guest', 'problem', sqlerrm));
  end;
  if v_client.id is null then
    select * into v_client from tablehold.clients c
    where c.venue_id = p_venue_id and lower(c.email) = lower(v_email);
  end if;
  return v_client;
end;
$$;

/** Exclusive table candidates free for p_occupies that seat p_party_size: single tables first,
 *  then the operator's combinations; fewest wasted seats, then lowest minimum spend, then the
 *  preferred area (and combinations within one area). */
create function tablehold.table_candidates(p_venue_id uuid, p_occupies tstzrange, p_party_size int, p_area_id uuid default null)
returns table (unit_ids uuid[], codes text[], kind text, seats int, wasted int, min_spend numeric, deposit numeric, area_ids uuid[])
language sql
stable
set search_path = ''
as $$
  with free as (
    select u.* from tablehold.units u
    where u.venue_id = p_venue_id and u.capacity_mode = 'exclusive' and u.booking_mode = 'time'
      and u.unit_type in ('table', 'booth') and not u.out_of_service
      and not exists (
        select 1 from tablehold.allocations a
        where a.unit_id = u.id and a.active and a.during && p_occupies
          and (a.expires_at is null or a.expires_at > tablehold.clock()))
  ), options as (
    select array[f.id] as unit_ids, array[f.code] as codes, 'single' as kind, f.max_covers as seats,
           f.min_spend, f.deposit, array[f.area_id] as area_ids
    from free f
    where p_party_size between f.min_covers and f.max_covers
    union all
    select array_agg(u.id order by u.id), array_agg(u.code order by u.code), 'combination',
           sum(u.max_covers)::int, sum(u.min_spend), sum(u.deposit), array_agg(distinct u.area_id)
    from tablehold.combinations c
    join tablehold.combination_units cu on cu.combination_id = c.id
    join tablehold.units u on u.id = cu.unit_id
    where c.venue_id = p_venue_id and p_party_size between c.min_party and c.max_party
    group by c.id
    having bool_and(u.id in (select f.id from free f))
  )
  select o.unit_ids, o.codes, o.kind, o.seats, o.seats - p_party_size, o.min_spend, o.deposit, o.area_ids
  from options o
  order by o.kind = 'combination', o.seats - p_party_size, o.min_spend,
           not (p_area_id is not null and p_area_id = all (o.area_ids)), cardinality(o.area_ids), o.codes;
$$;

/** The public view of a booking, as every operation returns it. */
create function tablehold.booking_json(p_booking_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', b.id, 'reference', b.reference, 'venue_id', b.venue_id, 'kind', b.kind, 'status', b.status,
    'service_date', b.service_date, 'slot', s.code,
    'starts_at', lower(b.during), 'ends_at', upper(b.during), 'party_size', b.party_size,
    'hold_expires_at', case when b.status = 'held' then b.hold_expires_at end,
    'deposit_total', b.deposit_total, 'min_spend_total', b.min_spend_total, 'payment_ref', b.payment_ref,
    'special_requests', b.special_requests, 'occasion', b.occasion, 'source', b.source,
    'client_id', b.client_id, 'block_reason', b.block_reason,
    'units', coalesce((
      select jsonb_agg(jsonb_build_object('unit_id', u.id, 'code', u.code, 'name', u.name, 'quantity', a.quantity) order by u.code)
      from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
      where a.booking_id = b.id and not a.superseded
    ), '[]'),
    'version', coalesce((select c.version from tablehold.channels c where c.venue_id = b.venue_id and c.service_date = b.service_date), 0)
  )
  from tablehold.bookings b
  left join tablehold.slots s on s.id = b.slot_id
  where b.id = p_booking_id;
$$;

/** Take inventory for a booking: explicit units, or the best free tables (auto-assignment, moving
 *  on to the next candidate when a concurrent booking wins one or its area's pacing refuses it).
 *  With p_pacing, the pacing rules are checked too. Sets the snapshotted totals. Raises
 *  SECTION_NOT_AVAILABLE / TABLE_NOT_AVAILABLE / NO_TABLE_AVAILABLE / PACING_LIMIT_REACHED / INVALID_PARTY_SIZE. */
create function tablehold.allocate(
  p_booking tablehold.bookings, p_plan tablehold.booking_plan, p_unit_ids uuid[], p_rank int, p_area_id uuid, p_pacing boolean)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_units tablehold.units[];
  v_unit tablehold.units;
  v_candidate record;
  v_quantity int;
  v_done boolean := false;
  v_paced boolean := false;
begin
  if p_unit_ids is null then
    for v_candidate in
      select * from tablehold.table_candidates(p_booking.venue_id, p_plan.occupies, p_booking.party_size, p_area_id)
    loop
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
  else
    select array_agg(u order by u.id) into v_units
      from tablehold.units u where u.id = any (p_unit_ids) and u.venue_id = p_booking.venue_id;
    if coalesce(cardinality(v_units), 0) <> (select count(distinct x) from unnest(p_unit_ids) x) then
      perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'unit'));
    end if;
    if exists (select 1 from unnest(v_units) u where u.booking_mode <> p_plan.mode) then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'units are booked in different ways'));
    end if;

    if cardinality(v_units) = 1 then
      v_unit := v_units[1];
      v_quantity := case when v_unit.capacity_mode = 'pooled' then ceil(p_booking.party_size::numeric / v_unit.max_covers)::int else 1 end;
      if p_booking.party_size < v_unit.min_covers
         or (v_unit.capacity_mode = 'exclusive' and p_booking.party_size > v_unit.max_covers)
         or v_quantity > v_unit.capacity then
        perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('unit_id', v_unit.id,
          'min_covers', v_unit.min_covers, 'max_covers', v_unit.max_covers));
      end if;
    else
      if exists (select 1 from unnest(v_units) u where u.capacity_mode = 'pooled') then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'book one pooled section at a time'));
      end if;
      -- joined tables: an allowed combination, or any set that seats the party when staff decide
      if not exists (
        select 1 from tablehold.combinations c
        where c.venue_id = p_booking.venue_id and p_booking.party_size between c.min_party and c.max_party
          and (select array_agg(cu.unit_id order by cu.unit_id) from tablehold.combination_units cu where cu.combination_id = c.id)
              = (select array_agg(u.id order by u.id) from unnest(v_units) u)
      ) and not (p_rank >= 1 and (select sum(u.max_covers) from unnest(v_units) u) >= p_booking.party_size) then
        perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('problem', 'not an allowed combination for this party size'));
      end if;
      v_quantity := 1;
    end if;

    begin
      insert into tablehold.allocations (booking_id, unit_id, during, quantity)
      select p_booking.id, u.id, p_plan.occupies, v_quantity from unnest(v_units) u;
    exception when exclusion_violation then
      perform tablehold.fail('TABLE_NOT_AVAILABLE', jsonb_build_object('unit_ids', p_unit_ids));
    end;
    if p_pacing then
      perform tablehold.check_pacing(p_booking.id);
    end if;
  end if;

  update tablehold.bookings b
     set deposit_total = t.deposit, min_spend_total = t.min_spend
    from (select sum(u.deposit * a.quantity) as deposit, sum(u.min_spend * a.quantity) as min_spend
            from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
           where a.booking_id = p_booking.id and a.active) t
   where b.id = p_booking.id;
end;
$$;

/** Pacing: at most max_covers may start per interval, venue-wide or per area. Counted after the
 *  booking's own allocation, under an advisory lock per rule and interval. */
create function tablehold.check_pacing(p_booking_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_rule record;
  v_bucket timestamptz;
  v_covers bigint;
begin
  select * into v_booking from tablehold.bookings b where b.id = p_booking_id;
  for v_rule in
    select r.* from tablehold.pacing_rules r
    where r.venue_id = v_booking.venue_id
      and (r.area_id is null or r.area_id in (
        select u.area_id from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
        where a.booking_id = p_booking_id and a.active))
    order by r.id
  loop
    v_bucket := to_timestamp(floor(extract(epoch from lower(v_booking.during)) / extract(epoch from v_rule.per))
                             * extract(epoch from v_rule.per));
    perform pg_advisory_xact_lock(hashtextextended('tablehold.pacing:' || v_rule.id || ':' || v_bucket, 0));
    select coalesce(sum(b.party_size), 0) into v_covers
      from tablehold.bookings b
     where b.venue_id = v_booking.venue_id and b.service_date = v_booking.service_date
       and b.kind = 'booking' and tablehold.status_holds_inventory(b.status)
       and (b.status <> 'held' or b.hold_expires_at > tablehold.clock())
       and lower(b.during) >= v_bucket and lower(b.during) < v_bucket + v_rule.per
       and (v_rule.area_id is null or exists (
         select 1 from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
         where a.booking_id = b.id and a.active and u.area_id = v_rule.area_id));
    if v_covers > v_rule.max_covers then
      perform tablehold.fail('PACING_LIMIT_REACHED', jsonb_build_object(
        'interval_start', v_bucket, 'per', v_rule.per, 'max_covers', v_rule.max_covers));
    end if;
  end loop;
end;
$$;

/** Does a booking's inventory need manager approval? */
create function tablehold.needs_approval(p_booking_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select v.requires_approval or exists (
    select 1 from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
    where a.booking_id = b.id and u.requires_approval)
  from tablehold.bookings b join tablehold.venues v on v.id = b.venue_id
  where b.id = p_booking_id;
$$;

/** Re-raise a domain error with whether the caller's availability view was stale
 *  (they passed the channel version they last saw, and it has moved since). */
create function tablehold.reraise_with_staleness(
  p_venue_id uuid, p_service_date date, p_seen_version bigint,
  p_state text, p_message text, p_detail text, p_hint text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_version bigint;
begin
  select c.version into v_version from tablehold.channels c
  where c.venue_id = p_venue_id and c.service_date = p_service_date;
  raise exception using errcode = p_state, message = p_message, hint = p_hint,
    detail = (coalesce(p_detail::jsonb, '{}') || jsonb_build_object(
      'version', coalesce(v_version, 0), 'stale', coalesce(v_version, 0) > p_seen_version))::text;
end;
$$;

/** Place a booking: validate, find or create the client, take the inventory, and leave it held
 *  (p_confirm false) or confirm it at once (confirmed, or pending_approval where approval is needed).
 *  The shared body of public.hold and public.book. */
create function tablehold.place_booking(
  p_venue_id uuid, p_party_size int, p_date date, p_slot text, p_start timestamptz,
  p_unit_ids uuid[], p_area_id uuid, p_guest jsonb, p_client_id uuid, p_source text,
  p_idempotency_key text, p_seen_version bigint, p_special_requests text, p_occasion text,
  p_payment_ref text, p_override boolean, p_confirm boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
  v_rank int;
  v_mode tablehold.booking_mode;
  v_plan tablehold.booking_plan;
  v_client tablehold.clients;
  v_booking tablehold.bookings;
  v_request_hash text;
  v_token text := encode(extensions.gen_random_bytes(24), 'hex');
  v_dob date;
  v_state text; v_message text; v_detail text; v_hint text;
  v_constraint text;
begin
  v_venue := tablehold.venue(p_venue_id);
  perform tablehold.require_api_scope(p_venue_id, 'book');
  v_rank := tablehold.caller_rank(p_venue_id);
  if coalesce(p_override, false) and v_rank < 2 then
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
  v_plan := tablehold.plan_time(v_venue, v_mode, p_party_size, p_date, p_slot, p_start, coalesce(p_override, false));
  perform tablehold.lock_channels(p_venue_id, array[v_plan.service_date]);

  v_client := tablehold.resolve_client(p_venue_id, v_rank, p_client_id, p_guest);
  if v_venue.min_age is not null then
    begin
      v_dob := coalesce((p_guest ->> 'date_of_birth')::date, v_client.date_of_birth);
    exception when invalid_datetime_format or datetime_field_overflow then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date_of_birth'));
    end;
    if v_dob is null and not coalesce(p_override, false) then
      perform tablehold.fail('DATE_OF_BIRTH_REQUIRED', jsonb_build_object('min_age', v_venue.min_age));
    end if;
    if v_dob is not null and extract(year from age(v_plan.service_date, v_dob)) < v_venue.min_age then
      perform tablehold.fail('UNDERAGE', jsonb_build_object('min_age', v_venue.min_age));
    end if;
  end if;

  perform set_config('tablehold.override', coalesce(p_override, false)::text, true);
  -- references are random: on the rare collision with another booking's, draw again
  for v_attempt in 1..5 loop
    begin
      insert into tablehold.bookings (reference, venue_id, client_id, party_size, service_date, slot_id, during,
        hold_expires_at, payment_ref, special_requests, occasion, source, idempotency_key, request_hash, manage_token_hash)
      values (tablehold.new_reference('BR', v_plan.service_date), p_venue_id, v_client.id, p_party_size,
        v_plan.service_date, v_plan.slot_id, v_plan.during, tablehold.clock() + v_venue.hold_ttl,
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
        return tablehold.booking_json(v_booking.id) || jsonb_build_object('replayed', true);
      when check_violation then
        perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('problem', sqlerrm));
    end;
  end loop;

  begin
    perform tablehold.allocate(v_booking, v_plan, p_unit_ids, v_rank, p_area_id, not coalesce(p_override, false));
  exception when sqlstate 'TH001' or sqlstate 'TH002' or sqlstate 'TH008' or sqlstate 'TH016' then
    if p_seen_version is null then
      raise;
    end if;
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform tablehold.reraise_with_staleness(p_venue_id, v_plan.service_date, p_seen_version, v_state, v_message, v_detail, v_hint);
  end;

  if p_confirm then
    -- a direct booking passes through held inside this transaction only: it was never a guest's hold
    update tablehold.bookings b
       set status = case when tablehold.needs_approval(b.id) and v_rank < 2 then 'pending_approval' else 'confirmed' end::tablehold.booking_status,
           held_at = null
     where b.id = v_booking.id;
  end if;
  perform set_config('tablehold.override', 'false', true);  -- the override belongs to this booking only
  return tablehold.booking_json(v_booking.id) || jsonb_build_object('manage_token', v_token, 'replayed', false);
end;
$$;
