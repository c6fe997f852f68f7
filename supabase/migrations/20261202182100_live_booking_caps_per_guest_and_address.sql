-- Caps on one guest's and one client address's live bookings of a venue-night (concern: abuse
-- limits; touches venues, placing a booking and the booking operations).
--
-- 26 anonymous holds in one second could take every unit of a club's night, renew them every five
-- minutes and make them permanent with book. Rate limits at the door (20261202182000) slow a client
-- down; these caps bound what it can hold, in the engine, so supabase-js .rpc() callers are bound
-- too:
--
--   * venues.max_live_bookings_per_guest / max_live_bookings_per_ip: at most that many live
--     bookings (held and not lapsed, pending approval, confirmed, seated) of one night for one guest
--     (their client record at the venue) and for one client address; null means no cap.
--   * The client address is what PostgREST passes in request.headers: tablehold.client_ip() reads
--     x-forwarded-for, trusting tablehold.trusted_proxy_hops proxies (default 1: the last entry,
--     written by the proxy in front). The Edge Functions set request.headers the same way, with the
--     address they resolved (functions/_shared/limits.ts).
--   * Checked under the night's channel lock, so concurrent requests are counted exactly: by
--     tablehold.place_booking (hold, book) before it writes, and by a trigger when a booking becomes
--     live again (confirming a lapsed or expired hold) or moves to another night (modify). Staff,
--     trusted callers and managers' overrides are not bound; an API key's requests are bound per
--     guest but not per address (an assistant books for many guests from one server).
--   * tablehold.booking_origins keeps the address a capped booking was made from, while it matters:
--     pruned once its night is over, and deleted when its client is erased.

alter table tablehold.venues
  add column max_live_bookings_per_guest int default 4 constraint venues_max_live_bookings_per_guest_check check (max_live_bookings_per_guest >= 1),
  add column max_live_bookings_per_ip int default 8 constraint venues_max_live_bookings_per_ip_check check (max_live_bookings_per_ip >= 1);
comment on column tablehold.venues.max_live_bookings_per_guest is
  'At most this many live bookings (held and not lapsed, pending approval, confirmed, seated) of one service date per guest (client record), for guests and customers; null: no cap. Staff and overrides are not bound.';
comment on column tablehold.venues.max_live_bookings_per_ip is
  'At most this many live bookings of one service date made from one client address (tablehold.client_ip), for guests and customers; null: no cap. API keys, staff and overrides are not bound.';

/** Where a capped booking came from: the client address of the request that made it. */
create table tablehold.booking_origins (
  booking_id uuid primary key references tablehold.bookings (id) on delete cascade,
  venue_id   uuid not null references tablehold.venues (id) on delete cascade,
  ip         inet not null,
  created_at timestamptz not null default now()
);
-- counted per venue and address (the night comes from the booking, which modify may move)
create index booking_origins_venue_ip_idx on tablehold.booking_origins (venue_id, ip);
comment on table tablehold.booking_origins is
  'The client address each booking bound by venues.max_live_bookings_per_ip was made from; kept until the night is over (tablehold.prune_booking_origins) or the client is erased.';

-- the guest cap counts one night's bookings of one client: an index on exactly that, so that a
-- SERIALIZABLE count takes its predicate locks on this night's entries only
create index bookings_venue_date_client_idx on tablehold.bookings (venue_id, service_date, client_id) where client_id is not null;

insert into tablehold.error_codes (code, sqlstate, http_status, refusal, message) values
  ('HOLD_LIMIT_REACHED', 'TH018', 429, false, 'You already hold as many bookings for this night as this venue allows.');

/** The client address of the current request, as PostgREST passes it: request.headers ->>
 *  'x-forwarded-for', a list each proxy appends the address it saw to. With N trusted proxies
 *  (setting tablehold.trusted_proxy_hops, default 1) the client is the N-th entry from the end
 *  (the first entry when there are fewer); 0 trusts none (no address). Null without the header or
 *  with an entry that is not an address. The Edge Functions pass a one-entry list, the address they
 *  resolved themselves. Example: select tablehold.client_ip(); */
create function tablehold.client_ip()
returns inet
language plpgsql
stable
set search_path = ''
as $$
declare
  v_headers text := nullif(current_setting('request.headers', true), '');
  v_list text[];
  v_hops int;
begin
  if v_headers is null then
    return null;
  end if;
  begin
    v_list := regexp_split_to_array(trim(v_headers::jsonb ->> 'x-forwarded-for'), '\s*,\s*');
    v_hops := coalesce(nullif(current_setting('tablehold.trusted_proxy_hops', true), '')::int, 1);
    if v_list is null or v_hops < 1 then
      return null;
    end if;
    return v_list[greatest(1, cardinality(v_list) - v_hops + 1)]::inet;
  exception when invalid_text_representation then  -- headers, hop count or entry malformed: no address
    return null;
  end;
end;
$$;

/** Refuse (HOLD_LIMIT_REACHED) one more live booking of p_venue's night p_service_date when the
 *  guest p_client_id or the address p_ip already has the venue's maximum (a null cap, client or
 *  address is not counted); p_booking_id, a booking being changed, does not count against itself.
 *  Call it under the night's channel lock. The detail says which cap (`per`: guest or ip), the
 *  `limit`, and `retry_after`, the seconds until the earliest of the counted holds lapses (absent
 *  when none is a hold). Example: perform tablehold.check_live_caps(v, '2026-12-04', c.id, '203.0.113.7', null); */
create function tablehold.check_live_caps(p_venue tablehold.venues, p_service_date date, p_client_id uuid, p_ip inet, p_booking_id uuid)
returns void
language plpgsql
stable
set search_path = ''
set enable_seqscan = off  -- index reads only (see bookings_venue_date_client_idx)
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_live record;
  v_per text;
  v_limit int;
begin
  if p_venue.max_live_bookings_per_guest is not null and p_client_id is not null then
    select count(*)::int as n, min(b.hold_expires_at) filter (where b.status = 'held') as lapses into v_live
      from tablehold.bookings b
     where b.venue_id = p_venue.id and b.service_date = p_service_date and b.client_id = p_client_id
       and b.id is distinct from p_booking_id and b.kind = 'booking'
       and tablehold.status_holds_inventory(b.status) and (b.status <> 'held' or b.hold_expires_at > v_now);
    if v_live.n >= p_venue.max_live_bookings_per_guest then
      v_per := 'guest';
      v_limit := p_venue.max_live_bookings_per_guest;
    end if;
  end if;
  if v_per is null and p_venue.max_live_bookings_per_ip is not null and p_ip is not null then
    select count(*)::int as n, min(b.hold_expires_at) filter (where b.status = 'held') as lapses into v_live
      from tablehold.booking_origins o
      join tablehold.bookings b on b.id = o.booking_id
     where o.venue_id = p_venue.id and o.ip = p_ip and b.service_date = p_service_date
       and b.id is distinct from p_booking_id and b.kind = 'booking'
       and tablehold.status_holds_inventory(b.status) and (b.status <> 'held' or b.hold_expires_at > v_now);
    if v_live.n >= p_venue.max_live_bookings_per_ip then
      v_per := 'ip';
      v_limit := p_venue.max_live_bookings_per_ip;
    end if;
  end if;
  if v_per is not null then
    perform tablehold.fail('HOLD_LIMIT_REACHED', jsonb_strip_nulls(jsonb_build_object(
      'per', v_per, 'limit', v_limit, 'service_date', p_service_date,
      'retry_after', ceil(extract(epoch from v_live.lapses - v_now))::int)));
  end if;
end;
$$;

-- Placing a booking -----------------------------------------------------------------------------

/** Place a booking in one pass (see 20261202170300 for the whole design). New here: the venue's
 *  caps on one guest's and one client address's live bookings of the night, checked under the
 *  night's lock before anything is written (tablehold.check_live_caps), and the address recorded
 *  in tablehold.booking_origins when the venue caps addresses. */
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
      perform tablehold.check_live_caps(v_venue, v_plan.service_date, v_client.id, v_ip, null);
    end if;
    v_set := set_config('tablehold.override', v_override::text, true);
    v_was := tablehold.engine_on();
    v_set := set_config('tablehold.engine_writes', 'on', true);
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

-- Bookings that become live again or move ------------------------------------------------------

/** The caps for a booking that becomes live again (confirming a hold that lapsed or expired
 *  re-takes its inventory) or moves to another night while live (modify): counted on the night it
 *  lands on, under that night's lock (the operations hold it already; a direct edit takes it
 *  here), by the booking's own client and recorded address. Staff and trusted callers are not
 *  bound (nor, so, a manager's override). */
create function tablehold.tg_bookings__live_caps()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
begin
  if tablehold.caller_rank(new.venue_id) >= 1 then  -- staff (a manager's override among them) and trusted callers
    return new;
  end if;
  select * into v_venue from tablehold.venues v where v.id = new.venue_id;
  if v_venue.max_live_bookings_per_guest is null and v_venue.max_live_bookings_per_ip is null then
    return new;
  end if;
  if not tablehold.channel_locked(new.venue_id, new.service_date) then
    perform tablehold.lock_channel(new.venue_id, new.service_date);
  end if;
  perform tablehold.check_live_caps(v_venue, new.service_date, new.client_id,
    (select o.ip from tablehold.booking_origins o where o.booking_id = new.id), new.id);
  return new;
end;
$$;

create trigger tg_bookings__live_caps before update of status, service_date on tablehold.bookings
for each row
when (new.kind = 'booking' and tablehold.status_holds_inventory(new.status)
      and (old.service_date is distinct from new.service_date
           or not (tablehold.status_holds_inventory(old.status)
                   and (old.status <> 'held' or old.hold_expires_at > tablehold.clock()))))
execute function tablehold.tg_bookings__live_caps();

/** An erased client's bookings keep no address. */
create function tablehold.tg_clients__erase_booking_origins()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  delete from tablehold.booking_origins o
   using tablehold.bookings b
   where b.id = o.booking_id and b.client_id = new.id;
  return null;
end;
$$;

create trigger tg_clients__erase_booking_origins after update of erased_at on tablehold.clients
for each row when (new.erased_at is not null and old.erased_at is null)
execute function tablehold.tg_clients__erase_booking_origins();

/** Drop the recorded addresses of bookings whose night is over (run hourly by pg_cron). */
create function tablehold.prune_booking_origins()
returns int
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_count int;
begin
  delete from tablehold.booking_origins o
   using tablehold.bookings b
   where b.id = o.booking_id and b.service_date < (tablehold.clock() at time zone 'UTC')::date - 1;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

do $$
begin
  perform cron.schedule('tablehold-prune-booking-origins', '23 * * * *', 'select tablehold.prune_booking_origins()');
end;
$$;

alter table tablehold.booking_origins enable row level security;
create policy "only the server reads booking origins" on tablehold.booking_origins for select to service_role using (true);
revoke all on tablehold.booking_origins from public, anon, authenticated;
grant all on tablehold.booking_origins to service_role;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
