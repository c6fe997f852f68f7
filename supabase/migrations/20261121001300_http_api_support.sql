-- For the HTTP API: resolving and managing the per-venue API keys, the Edge Functions'
-- idempotency records, reading one booking, the arrivals list, and expiring a channel's stale holds on read.

create table tablehold.idempotency_keys (
  scope        text not null,
  key          text not null,
  request_hash text not null,
  status       int not null,
  response     jsonb not null,
  created_at   timestamptz not null default now(),
  primary key (scope, key)
);
comment on table tablehold.idempotency_keys is 'The first successful response per Idempotency-Key (scoped to route and caller), written in the same transaction as the change, replayed for repeats. Kept 24 hours.';
create index idempotency_keys_created_idx on tablehold.idempotency_keys (created_at);

alter table tablehold.idempotency_keys enable row level security;
grant all on tablehold.idempotency_keys to service_role;
create policy "only the server reads idempotency records" on tablehold.idempotency_keys for select to service_role
  using (true);


/** The claims an API key grants ({api_key_id, venue_id, scopes}), or null for an unknown or
 *  revoked key. Called by the Edge Functions' trusted connection before the request runs. */
create function tablehold.api_key_claims(p_key text)
returns jsonb
language sql
volatile
set search_path = ''
as $$
  with live as (
    select k.* from tablehold.api_keys k
    where k.key_hash = tablehold.token_hash(p_key) and k.revoked_at is null
  ), touched as (
    -- at most one write a minute per key, so a busy assistant does not queue on its own row
    update tablehold.api_keys k set last_used_at = now()
    where k.id in (select l.id from live l) and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute')
  )
  select jsonb_build_object('api_key_id', l.id, 'venue_id', l.venue_id, 'scopes', to_jsonb(l.scopes)) from live l;
$$;

/** Create an API key for a venue (manager and up). The key is returned once, never stored. */
create function public.api_key_create(p_venue_id uuid, p_name text, p_scopes text[])
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_key text := 'thk_' || encode(extensions.gen_random_bytes(24), 'hex');
  v_row tablehold.api_keys;
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 2);
  begin
    insert into tablehold.api_keys (venue_id, name, key_prefix, key_hash, scopes, created_by)
    values (p_venue_id, p_name, left(v_key, 12), tablehold.token_hash(v_key), p_scopes, tablehold.actor_id())
    returning * into v_row;
  exception when check_violation or not_null_violation then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'scopes', 'problem', 'one or more of read, book, manage; and a name'));
  end;
  return jsonb_build_object('id', v_row.id, 'key', v_key, 'name', v_row.name, 'scopes', v_row.scopes);
end;
$$;

/** Revoke an API key (manager and up). */
create function public.api_key_revoke(p_api_key_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row tablehold.api_keys;
begin
  select * into v_row from tablehold.api_keys k where k.id = p_api_key_id;
  if not found or tablehold.caller_rank(v_row.venue_id) < 1 then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'api_key'));
  end if;
  perform tablehold.require_rank(v_row.venue_id, 2);
  update tablehold.api_keys k set revoked_at = coalesce(k.revoked_at, now()) where k.id = p_api_key_id
  returning * into v_row;
  return jsonb_build_object('id', v_row.id, 'revoked_at', v_row.revoked_at);
end;
$$;

/** Today's (or a date's) arrivals for staff (host and up): bookings that hold inventory, by
 *  start time, with guest contact and requests; optionally one unit type or unit (seed 000's
 *  "confirmed reservations for the requested seat type"). */
create function public.arrivals(p_venue_id uuid, p_date date default null, p_unit_type text default null, p_unit_code text default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_venue_id);
  v_date date;
begin
  perform tablehold.require_rank(p_venue_id, 1);
  v_date := coalesce(p_date, tablehold.service_date_of(v_venue, tablehold.clock()));
  return coalesce((
    select jsonb_agg(a.row order by a.starts_at, a.reference)
    from (
      select lower(b.during) as starts_at, b.reference, jsonb_build_object(
        'booking_id', b.id, 'reference', b.reference, 'status', b.status, 'starts_at', lower(b.during),
        'ends_at', upper(b.during), 'party_size', b.party_size, 'guest', c.name, 'phone', c.phone,
        'special_requests', b.special_requests, 'occasion', b.occasion, 'deposit_total', b.deposit_total,
        'min_spend_total', b.min_spend_total,
        'units', (select jsonb_agg(jsonb_build_object('code', u.code, 'name', u.name, 'unit_type', u.unit_type, 'quantity', al.quantity) order by u.code)
                  from tablehold.allocations al join tablehold.units u on u.id = al.unit_id
                  where al.booking_id = b.id and al.active)) as row
      from tablehold.bookings b
      left join tablehold.clients c on c.id = b.client_id
      where b.venue_id = p_venue_id and b.service_date = v_date and b.kind = 'booking'
        and b.status in ('pending_approval', 'confirmed', 'seated')
        and (p_unit_type is null and p_unit_code is null or exists (
          select 1 from tablehold.allocations al join tablehold.units u on u.id = al.unit_id
          where al.booking_id = b.id and al.active
            and (p_unit_type is null or u.unit_type::text = p_unit_type)
            and (p_unit_code is null or u.code = p_unit_code)))
    ) a), '[]');
end;
$$;

/** Expire the holds of one channel whose time is up, so the channel's version and events catch
 *  up before a snapshot is served (the Edge availability route calls it; anyone may). */
create function public.refresh_channel(p_venue_id uuid, p_date date)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_count int := 0;
begin
  perform tablehold.venue(p_venue_id);
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  -- the usual case, nothing to expire, takes no lock: readers never queue behind writers
  if not exists (select 1 from tablehold.bookings b
                 where b.venue_id = p_venue_id and b.service_date = p_date
                   and b.status = 'held' and b.hold_expires_at <= tablehold.clock()) then
    return 0;
  end if;
  perform tablehold.lock_channels(p_venue_id, array[p_date]);
  for v_id in
    select b.id from tablehold.bookings b
    where b.venue_id = p_venue_id and b.service_date = p_date
      and b.status = 'held' and b.hold_expires_at <= tablehold.clock()
    order by b.id
  loop
    update tablehold.bookings b set status = 'expired', status_reason = 'hold_expired'
     where b.id = v_id and b.status = 'held';
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

/** Drop idempotency records older than a day (run with the sweeper). */
create function tablehold.prune_idempotency_keys()
returns int
language sql
volatile
set search_path = ''
as $$
  with gone as (delete from tablehold.idempotency_keys k where k.created_at < now() - interval '1 day' returning 1)
  select count(*)::int from gone;
$$;

do $$
begin
  perform cron.schedule('tablehold-prune-idempotency-keys', '17 * * * *', 'select tablehold.prune_idempotency_keys()');
end;
$$;

revoke execute on function public.api_key_create, public.api_key_revoke, public.arrivals, public.refresh_channel
  from public, anon, authenticated;
grant execute on function public.refresh_channel to anon, authenticated, service_role;
grant execute on function public.api_key_create, public.api_key_revoke, public.arrivals to authenticated, service_role;

/** Read one booking: its guest with the manage token, the customer, or staff of the venue. */
create function public.booking_get(p_booking_id uuid, p_manage_token text default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_booking tablehold.bookings;
begin
  v_booking := tablehold.booking(p_booking_id);
  perform tablehold.authorize_booking(v_booking, p_manage_token, 1, true);
  return tablehold.booking_json(v_booking.id);
end;
$$;

revoke execute on function public.booking_get from public, anon, authenticated;
grant execute on function public.booking_get to anon, authenticated, service_role;
grant execute on all functions in schema tablehold to service_role;
-- the private functions of this migration: the server only
revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
