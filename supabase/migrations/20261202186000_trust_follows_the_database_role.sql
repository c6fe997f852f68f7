-- Callers, staff and API keys: who is trusted is decided by the database role, never by the absence
-- of JWT claims (issue 9, "a role with no JWT claims is treated as trusted inside the engine").
--
-- Before: tablehold.caller_rank took a session whose request.jwt.claims were missing for trusted
-- server code (rank 4), whatever role it ran as. A request that reached the engine as anon or
-- authenticated without claims (a misconfigured proxy, a function called by another without
-- forwarding them) was trusted.
--
-- Now tablehold.caller_kind classifies the caller once, from the role first:
--   * service_role: trusted (the secret key; BYPASSRLS anyway);
--   * anon, authenticated (the API roles, as PostgREST and the Edge Functions SET ROLE): the claims
--     decide who they are, and can never make them trusted; no claims means an anonymous guest.
--     anon is a guest whatever claims it carries;
--   * the roles that own the engine (postgres, a role granted postgres, a superuser such as
--     supabase_admin: Studio, psql, pg_cron, the Edge Functions' own connection): trusted with no
--     claims or the service role's, as before; with a user's or a key's claims they act as that
--     caller (the Edge Functions' bookkeeping after a request, pgTAP);
--   * any other role (authenticator without SET ROLE, a role a DBA created): an anonymous guest.
--     Claims it set itself prove nothing.
-- caller_rank, actor_label, actor_role and actor_id follow it.

/** The database role the engine's checks see: the role set with SET ROLE (PostgREST and the Edge
 *  Functions set it per transaction), else the session's login role. SECURITY DEFINER does not
 *  change it (current_user would be the function's owner there). */
create function tablehold.db_role()
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
  return coalesce(nullif(current_setting('role', true), 'none'), session_user::text);
end;
$$;

/** Who is calling, as the engine decides it: 'service' (trusted: the service role, or a role that
 *  owns the engine acting with no claims or the service role's), 'api_key' (an assistant's key,
 *  role authenticated), 'user' (a signed-in user, role authenticated) or 'anon' (everyone else,
 *  including an API role without claims). The role decides first; the claims only say which user
 *  or key an authenticated caller is.
 *  Example: select tablehold.caller_kind();  -- 'service' in psql as postgres */
create function tablehold.caller_kind()
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_db text := tablehold.db_role();
  v_role text;
begin
  if v_db = 'service_role' then
    return 'service';
  elsif v_db in ('anon', 'authenticated') then
    v_role := v_db;  -- the claims may say which user; they never raise the role
  elsif pg_has_role(v_db, 'postgres', 'member') then
    v_role := tablehold.jwt_role();
    if coalesce(v_role, 'service_role') = 'service_role' then
      return 'service';
    end if;
  else
    return 'anon';
  end if;
  if v_role = 'authenticated' then
    if tablehold.jwt() ->> 'api_key_id' is not null then
      return 'api_key';
    elsif (tablehold.jwt() ->> 'sub') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      return 'user';
    end if;
  end if;
  return 'anon';
end;
$$;

/** The calling user id, or null (anon, API keys, trusted sessions, and any caller
 *  tablehold.caller_kind does not take for a user). */
create or replace function tablehold.actor_id()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
begin
  return case when tablehold.caller_kind() = 'user' then (tablehold.jwt() ->> 'sub')::uuid end;
end;
$$;

/** Rank of the caller for a venue: 0 guest (anon, a customer, an API key without the manage scope,
 *  an API role without claims), 1 host (also an API key with the manage scope, at its own venue),
 *  2 manager, 3 owner, 4 trusted (tablehold.caller_kind 'service': the service role, or Studio,
 *  psql and cron sessions of the roles that own the engine). Staff rank comes from staff_members,
 *  per venue or for the whole operator. */
create or replace function tablehold.caller_rank(p_venue_id uuid)
returns int
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  c_trusted constant int := 4;
  c_host constant int := 1;
  v_kind text := tablehold.caller_kind();
  v_uid uuid;
  v_rank int;
begin
  if v_kind = 'service' then
    return c_trusted;
  elsif v_kind = 'api_key' then
    return case when 'manage' = any (tablehold.api_key_scopes(p_venue_id)) then c_host else 0 end;
  elsif v_kind <> 'user' then
    return 0;
  end if;
  v_uid := tablehold.actor_id();
  select max(case sm.role when 'owner' then 3 when 'manager' then 2 else 1 end) into v_rank
    from tablehold.staff_members sm
    join tablehold.venues v on v.id = p_venue_id
   where sm.user_id = v_uid
     and (sm.venue_id = v.id or sm.operator_id = v.operator_id);
  return coalesce(v_rank, 0);
end;
$$;

/** Who made a change, for the staff view: assistant, service, database (Studio, psql, cron),
 *  owner, manager, host, customer or guest. */
create or replace function tablehold.actor_label(p_venue_id uuid)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_kind text := tablehold.caller_kind();
begin
  if v_kind = 'api_key' then
    return 'assistant';
  elsif v_kind = 'service' then
    return case when 'service_role' in (tablehold.jwt_role(), tablehold.db_role()) then 'service' else 'database' end;
  end if;
  return case tablehold.caller_rank(p_venue_id)
    when 3 then 'owner' when 2 then 'manager' when 1 then 'host'
    else case when v_kind = 'user' then 'customer' else 'guest' end end;
end;
$$;

/** The caller's role name for the audit trail: an API role as it is (its claims cannot rename it),
 *  else the JWT role, else the database role (postgres for Studio and psql). */
create or replace function tablehold.actor_role()
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_db text := tablehold.db_role();
begin
  return case when v_db in ('anon', 'authenticated') then v_db else coalesce(tablehold.jwt_role(), v_db) end;
end;
$$;

comment on function tablehold.caller_kind() is 'Who is calling: service (trusted), api_key, user or anon; decided by the database role first, then the JWT claims. An API role (anon, authenticated) without claims is anon, never trusted.';

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
