-- Placing a booking (README, "The write path"): a booking is decided first and written once.
--
-- 1. Validate everything that needs neither a lock nor a write: the venue, the caller, the
--    idempotency key, the party and the time plan (tablehold.plan_time, on the rules of
--    20261202100200_venues_and_time.sql).
-- 2. Refuse without a lock: the named units are checked against the committed state by
--    tablehold.unit_free_check, the rule the allocation trigger applies again under the lock; for
--    tables the engine picks, the free candidates are ranked here once and handed on.
-- 3. Find or create the client and apply the age rule (tablehold.check_age); decide the final
--    status and the totals.
-- 4. Lock the venue-night's channel, insert the booking in that status and its allocations
--    (tablehold.take_units / tablehold.take_tables); events and audit rows are written by the
--    triggers, once each. A refusal is re-raised with whether the caller's view was stale.
-- Pacing (at most N covers starting per interval of the venue's clock) is checked as inventory is
-- taken, under an advisory lock per rule and bucket.

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
 *  hours (overnight spans and exceptions included), the start-time grid (tablehold.table_starts),
 *  and the booking window (tablehold.booking_window_problem: no past, minimum notice and horizon
 *  unless a manager overrides). Reads the clock once. */
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
  v_problem text;
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

  -- opening hours: a table start is one of the date's grid starts; a slot lies inside one opening
  -- span; a date needs the venue open that date
  if not (case
       when p_mode = 'time' then exists (
         select 1 from tablehold.table_starts(p_venue, v_plan.service_date, v_turn) g where g = p_start)
       else exists (
         select 1 from tablehold.opening_spans(p_venue, v_plan.service_date) s
          where p_mode = 'date' or s @> v_plan.during)
     end) then
    perform tablehold.fail('OUTSIDE_OPENING_HOURS', jsonb_build_object(
      'service_date', v_plan.service_date, 'starts_at', lower(v_plan.during)));
  end if;

  v_problem := tablehold.booking_window_problem(p_venue, p_mode, v_plan.service_date, v_plan.during, v_now, p_override);
  case v_problem
    when 'past' then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'past'));
    when 'notice' then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'notice', 'min_notice', p_venue.min_notice));
    when 'horizon' then
      perform tablehold.fail('OUTSIDE_BOOKING_WINDOW', jsonb_build_object('problem', 'horizon', 'horizon', p_venue.booking_horizon));
    else
      null;
  end case;
  return v_plan;
end;
$$;

/** The inventory a booking request names, checked against the party and the plan: the units
 *  (in id order) and how many of each it takes. Raises NOT_FOUND, INVALID_REQUEST and
 *  INVALID_PARTY_SIZE as tablehold.allocate always has. */
create function tablehold.check_units(p_venue_id uuid, p_unit_ids uuid[], p_mode tablehold.booking_mode,
  p_party_size int, p_rank int, out units tablehold.units[], out quantity int)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_unit tablehold.units;
begin
  select array_agg(u order by u.id) into units
    from tablehold.units u where u.id = any (p_unit_ids) and u.venue_id = p_venue_id;
  if coalesce(cardinality(units), 0) <> cardinality(array(select distinct x from unnest(p_unit_ids) x)) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'unit'));
  end if;
  if exists (select 1 from unnest(units) u where u.booking_mode <> p_mode) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'units are booked in different ways'));
  end if;

  if cardinality(units) = 1 then
    v_unit := units[1];
    quantity := case when v_unit.capacity_mode = 'pooled' then ceil(p_party_size::numeric / v_unit.max_covers)::int else 1 end;
    if p_party_size < v_unit.min_covers
       or (v_unit.capacity_mode = 'exclusive' and p_party_size > v_unit.max_covers)
       or quantity > v_unit.capacity then
      perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('unit_id', v_unit.id,
        'min_covers', v_unit.min_covers, 'max_covers', v_unit.max_covers));
    end if;
    return;
  end if;
  if exists (select 1 from unnest(units) u where u.capacity_mode = 'pooled') then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'unit_ids', 'problem', 'book one pooled section at a time'));
  end if;
  -- joined tables: an allowed combination, or any set that seats the party when staff decide
  if not exists (
    select 1 from tablehold.combinations c
    where c.venue_id = p_venue_id and p_party_size between c.min_party and c.max_party
      and (select array_agg(cu.unit_id order by cu.unit_id) from tablehold.combination_units cu where cu.combination_id = c.id)
          = (select array_agg(u.id order by u.id) from unnest(units) u)
  ) and not (p_rank >= 1 and (select sum(u.max_covers) from unnest(units) u) >= p_party_size) then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('problem', 'not an allowed combination for this party size'));
  end if;
  quantity := 1;
end;
$$;

/** Pacing: at most max_covers may start per interval, venue-wide or per area. Intervals are spans of
 *  the venue's wall clock, counted from local midnight of the service date: the booking's bucket is
 *  [midnight + k * per, midnight + (k + 1) * per) holding its local start, so an hourly rule's
 *  buckets are local 19:00-20:00 whatever the zone's offset (+05:30, +12:45). Across a clock change
 *  a bucket keeps its wall-clock span: both passes of a repeated hour fall into the same buckets
 *  (the cap then covers more real time, never less), and buckets inside a skipped hour are empty.
 *  Covers are counted within the booking's service date, after its own allocation, under an
 *  advisory lock per rule and bucket. */
create function tablehold.check_pacing(p_booking_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
  v_timezone text;
  v_now timestamptz := tablehold.clock();
  v_local timestamp;
  v_rule record;
  v_bucket timestamp;
  v_covers bigint;
begin
  select * into v_booking from tablehold.bookings b where b.id = p_booking_id;
  select v.timezone into v_timezone from tablehold.venues v where v.id = v_booking.venue_id;
  v_local := lower(v_booking.during) at time zone v_timezone;
  for v_rule in
    select r.* from tablehold.pacing_rules r
    where r.venue_id = v_booking.venue_id
      and (r.area_id is null or r.area_id in (
        select u.area_id from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
        where a.booking_id = p_booking_id and a.active))
    order by r.id
  loop
    v_bucket := v_booking.service_date::timestamp
      + (floor(extract(epoch from v_local - v_booking.service_date::timestamp) / extract(epoch from v_rule.per))
         * extract(epoch from v_rule.per))::float8 * interval '1 second';
    perform pg_advisory_xact_lock(hashtextextended(
      'tablehold.pacing:' || v_rule.id || ':' || v_booking.service_date || ':' || v_bucket, 0));
    select coalesce(sum(b.party_size), 0) into v_covers
      from tablehold.bookings b
     where b.venue_id = v_booking.venue_id and b.service_date = v_booking.service_date
       and b.kind = 'booking' and tablehold.status_holds_inventory(b.status)
       and (b.status <> 'held' or b.hold_expires_at > v_now)
       and (lower(b.during) at time zone v_timezone) >= v_bucket
       and (lower(b.during) at time zone v_timezone) < v_bucket + v_rule.per
       and (v_rule.area_id is null or exists (
         select 1 from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
         where a.booking_id = b.id and a.active and u.area_id = v_rule.area_id));
    if v_covers > v_rule.max_covers then
      perform tablehold.fail('PACING_LIMIT_REACHED', jsonb_build_object(
        'interval_start', tablehold.local_instant(v_timezone, v_bucket), 'per', v_rule.per, 'max_covers', v_rule.max_covers));
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

-- Tables the engine picks.
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

-- Taking the inventory.
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
create function tablehold.allocate(
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

/** Place a booking in one pass: validate; refuse at once, with no lock taken and nothing written,
 *  when the inventory is visibly gone (tablehold.unit_free_check on the committed state, or no free
 *  table); find or create the client and apply the age rule; then lock the venue-night, write the
 *  booking in its final status (held, or confirmed / pending_approval for public.book) with its
 *  totals, and take the inventory found. The shared body of public.hold and public.book. */
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
