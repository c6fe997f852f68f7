-- Callers: who is calling and what they may do. Staff membership (host < manager < owner, per venue
-- or for a whole operator), the per-venue API keys of assistants, the JWT claims as the engine reads
-- them, the caller's rank at a venue, and the actor written into the audit trail and the staff feed.
-- Guests prove themselves with a booking's manage token (tablehold.token_hash).
--
-- The caller's rank at a venue (tablehold.caller_rank: guest, host, manager, owner, trusted) is what
-- the functions in public check (tablehold.require_rank) and what row level security reads.

-- host < manager < owner (tablehold.caller_rank turns them into ranks 1, 2, 3).
create type tablehold.staff_role as enum ('host', 'manager', 'owner');

create table tablehold.staff_members (
  id          uuid primary key default gen_random_uuid(),
  user_id     uuid not null references auth.users (id) on delete cascade,
  operator_id uuid references tablehold.operators (id) on delete cascade,
  venue_id    uuid references tablehold.venues (id) on delete cascade,
  role        tablehold.staff_role not null,
  unique nulls not distinct (user_id, operator_id, venue_id),
  constraint staff_members_scope_check check (num_nonnulls(operator_id, venue_id) = 1)
);
comment on table tablehold.staff_members is 'Staff membership, for a whole operator or a single venue. Roles: host < manager < owner.';
create index staff_members_user_idx on tablehold.staff_members (user_id);

create table tablehold.api_keys (
  id           uuid primary key default gen_random_uuid(),
  venue_id     uuid not null references tablehold.venues (id) on delete cascade,
  name         text not null check (length(name) between 1 and 100),
  key_prefix   text not null,
  key_hash     text not null unique,
  scopes       text[] not null constraint api_keys_scopes_check check (
                 cardinality(scopes) > 0 and scopes <@ array['read', 'book', 'manage']),
  created_by   uuid,
  created_at   timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
comment on table tablehold.api_keys is 'Per-venue API keys for assistants (Authorization: Bearer thk_…), stored as sha256. Scopes: read (availability), book (hold, book, confirm, cancel their own), manage (staff operations of a host).';
create index api_keys_venue_idx on tablehold.api_keys (venue_id);

/** sha256 hex of a manage token. */
create function tablehold.token_hash(p_token text)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(extensions.digest(convert_to(p_token, 'UTF8'), 'sha256'), 'hex');
$$;

-- The claims and the caller, cheap to call: plpgsql caches their plans.
/** The caller's JWT claims, as auth.jwt() reads them. auth.jwt() and auth.role() carry
 *  `set search_path` on Supabase, so each call is parsed and planned as a statement of its own;
 *  these are plpgsql (one cached expression) for the engine's hot path. */
create function tablehold.jwt()
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(nullif(current_setting('request.jwt.claim', true), ''), nullif(current_setting('request.jwt.claims', true), ''))::jsonb;
end;
$$;

/** The caller's JWT role, as auth.role() reads it. */
create function tablehold.jwt_role()
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role');
end;
$$;

/** The API key id in the caller's claims, if any. */
create function tablehold.api_key_id()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_key text := tablehold.jwt() ->> 'api_key_id';
begin
  return case when v_key ~* '^[0-9a-f-]{36}$' then v_key::uuid end;
end;
$$;

/** The scopes of the API key in the caller's claims, if it is live and belongs to the venue. */
create function tablehold.api_key_scopes(p_venue_id uuid)
returns text[]
language sql
stable
security definer
set search_path = ''
as $$
  select k.scopes from tablehold.api_keys k
  where k.id = case when (auth.jwt() ->> 'api_key_id') ~* '^[0-9a-f-]{36}$' then (auth.jwt() ->> 'api_key_id')::uuid end
    and k.venue_id = p_venue_id and k.revoked_at is null;
$$;

/** Rank of the caller for a venue: 0 guest (anon, a customer, an API key without the manage scope),
 *  1 host (also an API key with the manage scope, at its own venue), 2 manager, 3 owner,
 *  4 trusted (service_role, or a direct database session with no JWT claims: Studio, psql, cron).
 *  Staff rank comes from staff_members, per venue or for the whole operator. API-key requests run
 *  as the authenticated role with the key in the claims (api_key_id) and no user. */
create function tablehold.caller_rank(p_venue_id uuid)
returns int
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role text := tablehold.jwt_role();
  v_uid uuid;
  v_rank int;
begin
  if coalesce(v_role, 'service_role') = 'service_role' then
    return 4;
  end if;
  if tablehold.jwt() ->> 'api_key_id' is not null then
    return case when 'manage' = any (tablehold.api_key_scopes(p_venue_id)) then 1 else 0 end;
  end if;
  v_uid := tablehold.actor_id();
  if v_role <> 'authenticated' or v_uid is null then
    return 0;
  end if;
  select max(case sm.role when 'owner' then 3 when 'manager' then 2 else 1 end) into v_rank
    from tablehold.staff_members sm
    join tablehold.venues v on v.id = p_venue_id
   where sm.user_id = v_uid
     and (sm.venue_id = v.id or sm.operator_id = v.operator_id);
  return coalesce(v_rank, 0);
end;
$$;

/** For API-key callers: the key must belong to the venue and carry p_scope (or manage).
 *  Other callers pass. */
create function tablehold.require_api_scope(p_venue_id uuid, p_scope text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_scopes text[];
begin
  if tablehold.jwt() ->> 'api_key_id' is null then
    return;
  end if;
  v_scopes := tablehold.api_key_scopes(p_venue_id);
  if v_scopes is null or not (p_scope = any (v_scopes) or 'manage' = any (v_scopes)) then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('required_scope', p_scope));
  end if;
end;
$$;

/** Fail with FORBIDDEN unless the caller ranks at least p_min_rank for the venue. */
create function tablehold.require_rank(p_venue_id uuid, p_min_rank int)
returns int
language plpgsql
stable
set search_path = ''
as $$
declare
  v_rank int := tablehold.caller_rank(p_venue_id);
begin
  if v_rank < p_min_rank then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('required_rank', p_min_rank));
  end if;
  return v_rank;
end;
$$;

/** The caller's role name for the audit trail: the JWT role, or the database user for direct sessions. */
create function tablehold.actor_role()
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(tablehold.jwt_role(), session_user::text);
end;
$$;

/** The calling user id, or null (anon, API keys, direct sessions). */
create function tablehold.actor_id()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_sub text := tablehold.jwt() ->> 'sub';
begin
  return case when v_sub ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then v_sub::uuid end;
end;
$$;

-- API keys: resolved by the Edge Functions before a request runs, managed by managers.
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
