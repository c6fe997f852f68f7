-- A booking's statements, back to twenty with the caps.
--
-- The caps on live bookings per guest and per address (20261202182100) added three statements to a
-- guest booking (23: the caps check as a statement of its own and its reads). Three are taken out
-- again, each a statement nothing needed:
--   * tablehold.check_live_caps counts both caps in one read and returns true, so place_booking
--     calls it as an expression (plpgsql evaluates those without a statement of their own).
--   * place_booking writes the booking's staff feed line itself, pending, once its units are taken
--     (it holds the final row), instead of the deferred trigger reading the booking again at commit.
--     The trigger still writes the line of every other change, Studio's included. A hold placed and
--     confirmed in one transaction (two .rpc() calls) is now two lines, placed and confirmed.
--   * tablehold.staff_events_pending no longer references tablehold.venues (a foreign-key check
--     per booking): publish_staff_events drops the lines of a venue that no longer exists, as
--     deleting the venue cascaded before. Like public.availability_events (20261202170300), the
--     outbox's bookkeeping is written by the engine only.

drop function tablehold.check_live_caps(tablehold.venues, date, uuid, inet, uuid);

/** Refuse (HOLD_LIMIT_REACHED) one more live booking of p_venue's night p_service_date when the
 *  guest p_client_id or the address p_ip already has the venue's maximum (a null cap, client or
 *  address is not counted); p_booking_id, a booking being changed, does not count against itself.
 *  Both counts in one read; returns true when within the caps, so callers may use it as an
 *  expression. Call it under the night's channel lock. The detail says which cap (`per`: guest or
 *  ip), the `limit`, and `retry_after`, the seconds until the earliest of the counted holds lapses
 *  (absent when none is a hold). Example: v_ok := tablehold.check_live_caps(v, '2026-12-04', c.id, '203.0.113.7', null); */
create function tablehold.check_live_caps(p_venue tablehold.venues, p_service_date date, p_client_id uuid, p_ip inet, p_booking_id uuid)
returns boolean
language plpgsql
stable
set search_path = ''
set enable_seqscan = off  -- index reads only (see bookings_venue_date_client_idx)
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_live record;
begin
  select g.n as guests, g.lapses as guest_lapses, i.n as ips, i.lapses as ip_lapses into v_live
    from (select count(*)::int as n, min(b.hold_expires_at) filter (where b.status = 'held') as lapses
            from tablehold.bookings b
           where p_venue.max_live_bookings_per_guest is not null and p_client_id is not null
             and b.venue_id = p_venue.id and b.service_date = p_service_date and b.client_id = p_client_id
             and b.id is distinct from p_booking_id and b.kind = 'booking'
             and tablehold.status_holds_inventory(b.status) and (b.status <> 'held' or b.hold_expires_at > v_now)) g,
         (select count(*)::int as n, min(b.hold_expires_at) filter (where b.status = 'held') as lapses
            from tablehold.booking_origins o
            join tablehold.bookings b on b.id = o.booking_id
           where p_venue.max_live_bookings_per_ip is not null and p_ip is not null
             and o.venue_id = p_venue.id and o.ip = p_ip and b.service_date = p_service_date
             and b.id is distinct from p_booking_id and b.kind = 'booking'
             and tablehold.status_holds_inventory(b.status) and (b.status <> 'held' or b.hold_expires_at > v_now)) i;
  if v_live.guests >= p_venue.max_live_bookings_per_guest then
    perform tablehold.fail('HOLD_LIMIT_REACHED', jsonb_strip_nulls(jsonb_build_object(
      'per', 'guest', 'limit', p_venue.max_live_bookings_per_guest, 'service_date', p_service_date,
      'retry_after', ceil(extract(epoch from v_live.guest_lapses - v_now))::int)));
  end if;
  if v_live.ips >= p_venue.max_live_bookings_per_ip then
    perform tablehold.fail('HOLD_LIMIT_REACHED', jsonb_strip_nulls(jsonb_build_object(
      'per', 'ip', 'limit', p_venue.max_live_bookings_per_ip, 'service_date', p_service_date,
      'retry_after', ceil(extract(epoch from v_live.ip_lapses - v_now))::int)));
  end if;
  return true;
end;
$$;

/** Place a booking in one pass (see 20261202170300 for the whole design, 20261202182100 for the
 *  caps). New here: the caps are checked by an expression (tablehold.check_live_caps, one read),
 *  and the booking writes its own staff feed line, pending like every line, once its units are
 *  taken: the deferred staff event trigger stands down for it (tablehold.staff_feed_written). */
create or replace function tablehold.place_booking(
  p_venue_id uuid, p_party_size int, p_date date, p_slot text, p_start timestamptz,
  p_unit_ids uuid[], p_area_id uuid, p_guest jsonb, p_client_id uuid, p_source text,
  p_idempotency_key text, p_seen_version bigint, p_special_requests text, p_occasion text,
  p_payment_ref text, p_override boolean, p_confirm boolean)
returns jsonb
language plpgsql
set search_path = ''
set enable_seqscan = off
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
  v_units tablehold.units[];
  v_unit tablehold.units;
  v_quantity int;
  v_candidates tablehold.table_candidate[];
  v_needs_approval boolean := false;
  v_status tablehold.booking_status;
  v_deposit numeric(10, 2) := 0;
  v_min_spend numeric(10, 2) := 0;
  v_request_hash text;
  v_token text := encode(extensions.gen_random_bytes(24), 'hex');
  v_dob date;
  v_use record;
  v_taken record;
  v_version bigint;
  v_state text; v_message text; v_detail text; v_hint text;
  v_constraint text;
  v_read record;
  v_audit bigint;
  v_was text;
  v_set text;
  v_ip inet;
  v_feed_was text := coalesce(current_setting('tablehold.staff_feed_written', true), '');
  v_within boolean;
begin
  -- the venue, the units named (as tablehold.named_units reads them) and whether pacing rules
  -- apply, in one read
  select v as venue,
         array(select u from tablehold.units u where u.id = any (p_unit_ids) and u.venue_id = v.id order by u.id) as units,
         exists (select 1 from tablehold.pacing_rules r where r.venue_id = v.id) as paced
    into v_read
    from tablehold.venues v where v.id = p_venue_id;
  if not found then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'venue'));
  end if;
  v_venue := v_read.venue;
  if tablehold.api_key_id() is not null then
    perform tablehold.require_api_scope(p_venue_id, 'book');
  end if;
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
    v_units := tablehold.require_named_units(v_read.units, p_unit_ids);
    foreach v_unit in array v_units loop
      if v_unit.id = p_unit_ids[1] then
        v_mode := v_unit.booking_mode;
      end if;
    end loop;
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
      v_quantity := tablehold.check_units(p_venue_id, v_units, v_mode, p_party_size, v_rank);
      foreach v_unit in array v_units loop
        v_use := tablehold.unit_free_check(v_unit, v_plan.occupies, v_quantity, 'booking');
        v_deposit := v_deposit + v_unit.deposit * v_quantity;
        v_min_spend := v_min_spend + v_unit.min_spend * v_quantity;
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

    v_version := tablehold.lock_channel(p_venue_id, v_plan.service_date);
    -- the venue's caps on one guest's and one client address's live bookings of the night, counted
    -- under the night's lock (staff, trusted callers and managers' overrides are not bound; API keys
    -- act for many guests from one server, so their address is not counted)
    if v_rank < 1 then
      -- a duplicate of this request that committed while this one waited for the lock is replayed,
      -- not counted against the cap it helped to reach
      if p_idempotency_key is not null then
        select * into v_booking from tablehold.bookings b
         where b.venue_id = p_venue_id and b.idempotency_key = p_idempotency_key;
        if found and v_booking.request_hash is not distinct from v_request_hash then
          return tablehold.booking_json(v_booking.id) || jsonb_build_object('replayed', true);
        end if;
      end if;
      if v_venue.max_live_bookings_per_ip is not null and tablehold.api_key_id() is null then
        v_ip := tablehold.client_ip();
      end if;
      v_within := tablehold.check_live_caps(v_venue, v_plan.service_date, v_client.id, v_ip, null);
    end if;
    v_set := set_config('tablehold.override', v_override::text, true);
    v_was := tablehold.engine_on();
    v_set := set_config('tablehold.engine_writes', 'on', true);
    -- this booking's staff feed line is written below, once its units are taken
    v_set := set_config('tablehold.staff_feed_written', 'on', true);
    -- references are random: on the rare collision with another booking's, draw again
    for v_attempt in 1..5 loop
      begin
        insert into tablehold.bookings (reference, venue_id, client_id, status, party_size, service_date, slot_id, during,
          hold_expires_at, deposit_total, min_spend_total, payment_ref, special_requests, occasion, source,
          idempotency_key, request_hash, manage_token_hash, created_by, created_by_role,
          held_at, submitted_at, confirmed_at, created_at, updated_at)
        values (tablehold.new_reference('BR', v_plan.service_date), p_venue_id, v_client.id, v_status, p_party_size,
          v_plan.service_date, v_plan.slot_id, v_plan.during,
          case when v_status = 'held' then v_now + v_venue.hold_ttl end, v_deposit, v_min_spend,
          p_payment_ref, p_special_requests, p_occasion, coalesce(p_source, 'web')::tablehold.booking_source, p_idempotency_key, v_request_hash,
          tablehold.token_hash(v_token), tablehold.actor_id(), tablehold.actor_role(),
          case when v_status = 'held' then v_now end, case when v_status <> 'held' then v_now end,
          case when v_status = 'confirmed' then v_now end, v_now, v_now)
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
          v_set := set_config('tablehold.engine_writes', '', true);
          v_set := set_config('tablehold.staff_feed_written', v_feed_was, true);
          v_set := set_config('tablehold.override', 'false', true);
          v_was := tablehold.engine_restore(v_was);
          return tablehold.booking_json(v_booking.id) || jsonb_build_object('replayed', true);
        when check_violation then
          perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('problem', sqlerrm));
      end;
    end loop;

    if v_ip is not null then
      insert into tablehold.booking_origins (booking_id, venue_id, ip) values (v_booking.id, p_venue_id, v_ip);
    end if;

    if p_unit_ids is null then
      v_taken := tablehold.take_tables(v_booking, v_plan, v_candidates, v_rank, v_venue, v_read.paced and not v_override);
      if (v_taken.deposit, v_taken.min_spend) is distinct from (v_booking.deposit_total, v_booking.min_spend_total) then
        update tablehold.bookings b set deposit_total = v_taken.deposit, min_spend_total = v_taken.min_spend
         where b.id = v_booking.id
        returning * into v_booking;
      end if;
    else
      v_taken := tablehold.take(v_booking, v_plan, v_units, v_quantity, v_venue, v_read.paced and not v_override);
    end if;
  exception when sqlstate 'TH001' or sqlstate 'TH002' or sqlstate 'TH008' or sqlstate 'TH016' then
    if p_seen_version is null then
      raise;
    end if;
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    perform tablehold.reraise_with_staleness(p_venue_id, v_plan.service_date, p_seen_version, v_state, v_message, v_detail, v_hint);
  end;
  v_audit := tablehold.audit(p_venue_id, 'bookings', v_booking.id::text, 'insert', null,
    to_jsonb(v_booking) || jsonb_build_object('allocations', v_taken.allocations));
  insert into tablehold.staff_events_pending (venue_id, booking_id, event)
  values (p_venue_id, v_booking.id, to_jsonb(tablehold.staff_event(v_booking, null)) - 'id' - 'seq');
  v_set := set_config('tablehold.staff_feed_written', v_feed_was, true);
  v_set := set_config('tablehold.engine_writes', '', true);
  v_was := tablehold.engine_restore(v_was);
  v_set := set_config('tablehold.override', 'false', true);  -- the override belongs to this booking only
  if v_taken.version is null then
    return tablehold.booking_json(v_booking.id) || jsonb_build_object('manage_token', v_token, 'replayed', false);
  end if;
  return tablehold.booking_document(v_booking, case when v_plan.slot_id is not null then p_slot end,
    v_taken.units, v_taken.version) || jsonb_build_object('manage_token', v_token, 'replayed', false);
end;
$$;

alter table tablehold.staff_events_pending drop constraint staff_events_pending_venue_id_fkey;

/** Number a venue's pending staff events (see 20261202180200); the lines of a venue that no longer
 *  exists are dropped, as deleting the venue cascaded to them before 20261202185000. */
create or replace function tablehold.publish_staff_events(p_venue_id uuid default null)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_was text;
  v_seq bigint;
  v_events jsonb[];
  v_count int := 0;
  v_venue uuid;
begin
  if p_venue_id is null then
    for v_venue in select distinct p.venue_id from tablehold.staff_events_pending p order by p.venue_id loop
      v_count := v_count + tablehold.publish_staff_events(v_venue);
    end loop;
    return v_count;
  end if;
  if not exists (select 1 from tablehold.staff_events_pending p where p.venue_id = p_venue_id) then
    return 0;  -- a line committed after this look is numbered by the next call
  end if;

  v_was := tablehold.engine_on();
  if not exists (select 1 from tablehold.venues v where v.id = p_venue_id) then
    delete from tablehold.staff_events_pending p where p.venue_id = p_venue_id;
    v_was := tablehold.engine_restore(v_was);
    return 0;
  end if;
  -- WARNING: the counter row's lock first, then the pending rows: every numbering of the venue
  -- takes them in this order, so two never wait for each other the other way round
  select f.seq into v_seq from tablehold.staff_feeds f where f.venue_id = p_venue_id for update;
  if not found then
    insert into tablehold.staff_feeds as f (venue_id, seq) values (p_venue_id, 0)
    on conflict (venue_id) do update set seq = f.seq
    returning f.seq into v_seq;
  end if;
  with taken as (
    delete from tablehold.staff_events_pending p where p.venue_id = p_venue_id returning p.id, p.event
  )
  select coalesce(array_agg(t.event order by t.id), '{}') into v_events from taken t;
  v_count := cardinality(v_events);
  if v_count > 0 then
    insert into public.staff_events overriding user value
    select (jsonb_populate_record(null::public.staff_events, u.event || jsonb_build_object('seq', v_seq + u.n))).*
      from unnest(v_events) with ordinality as u(event, n);
    update tablehold.staff_feeds f set seq = f.seq + v_count where f.venue_id = p_venue_id;
    perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', p_venue_id)::text);
  end if;
  v_was := tablehold.engine_restore(v_was);
  return v_count;
end;
$$;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
