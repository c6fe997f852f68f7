-- Booking operations: the engine's idempotency keys are scoped to the caller (issue 9, "idempotency
-- keys of anonymous callers share one namespace").
--
-- public.hold and public.book replay the booking made earlier with the same key and the same
-- request. Before, the key was looked up per venue as the caller sent it, so one caller's key,
-- replayed by anyone with the same request, returned the other's booking. Now the key is stored
-- and looked up as a digest of who is calling and the key (tablehold.caller_idempotency_key):
--   * a signed-in user (user:<id>), an API key (api_key:<id>) and the service role or a trusted
--     database session (service) each have their own keys: another identity reusing a key makes a
--     request of its own;
--   * an anonymous caller has no identity to scope by, so the key itself is its identity: it must
--     be a random UUID (version 4). 122 random bits are a secret only the caller who made it knows,
--     like a manage token; a guessable key ("order-42") is refused with INVALID_REQUEST.
-- The Edge Functions apply the same rule to their stored responses (functions/_shared/idempotency.ts)
-- and pass the key on as the caller sent it.

/** The caller's idempotency key as the engine stores it: sha256 hex of the caller's identity
 *  (service, user:<id>, api_key:<id>, or anon) and the key, or null without a key. Anonymous
 *  callers must send a random UUID (v4); every key is 1 to 200 characters. INVALID_REQUEST otherwise.
 *  Example: select tablehold.caller_idempotency_key('7d0f7c4e-2b1a-4c55-9a3e-0f6c2d8b9e11'); */
create function tablehold.caller_idempotency_key(p_key text)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  c_uuid_v4 constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
  v_kind text;
  v_identity text;
begin
  if p_key is null then
    return null;
  end if;
  if length(p_key) not between 1 and 200 then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'idempotency_key', 'problem', '1 to 200 characters'));
  end if;
  v_kind := tablehold.caller_kind();
  if v_kind = 'anon' and p_key !~* c_uuid_v4 then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'idempotency_key',
      'problem', 'anonymous callers must send a random UUID (version 4) as the idempotency key'));
  end if;
  v_identity := case v_kind
    when 'service' then 'service'
    when 'api_key' then 'api_key:' || (tablehold.jwt() ->> 'api_key_id')
    when 'user' then 'user:' || tablehold.actor_id()
    else 'anon' end;
  return encode(extensions.digest(convert_to(v_identity || E'\n' || p_key, 'UTF8'), 'sha256'), 'hex');
end;
$$;

/** Hold inventory for the venue's hold TTL (tablehold.place_booking). p_idempotency_key replays the
 *  caller's own earlier hold with the same key and request (tablehold.caller_idempotency_key). */
create or replace function public.hold(
  p_venue_id uuid, p_party_size int, p_date date default null, p_slot text default null,
  p_start timestamptz default null, p_unit_ids uuid[] default null, p_area_id uuid default null,
  p_guest jsonb default null, p_client_id uuid default null, p_source text default 'web',
  p_idempotency_key text default null, p_seen_version bigint default null,
  p_special_requests text default null, p_occasion text default null, p_override boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return tablehold.place_booking(p_venue_id, p_party_size, p_date, p_slot, p_start, p_unit_ids, p_area_id,
    p_guest, p_client_id, p_source, tablehold.caller_idempotency_key(p_idempotency_key), p_seen_version,
    p_special_requests, p_occasion, null, p_override, false);
end;
$$;

/** Hold and confirm in one step (tablehold.place_booking). p_idempotency_key replays the caller's
 *  own earlier booking with the same key and request (tablehold.caller_idempotency_key). */
create or replace function public.book(
  p_venue_id uuid, p_party_size int, p_date date default null, p_slot text default null,
  p_start timestamptz default null, p_unit_ids uuid[] default null, p_area_id uuid default null,
  p_guest jsonb default null, p_client_id uuid default null, p_source text default 'web',
  p_idempotency_key text default null, p_seen_version bigint default null,
  p_special_requests text default null, p_occasion text default null, p_override boolean default false,
  p_payment_ref text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return tablehold.place_booking(p_venue_id, p_party_size, p_date, p_slot, p_start, p_unit_ids, p_area_id,
    p_guest, p_client_id, p_source, tablehold.caller_idempotency_key(p_idempotency_key), p_seen_version,
    p_special_requests, p_occasion, p_payment_ref, p_override, true);
end;
$$;

comment on function tablehold.caller_idempotency_key(text) is 'The idempotency key as stored on a booking: sha256 of the caller''s identity and the key. Anonymous callers must send a random UUID (v4).';

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
