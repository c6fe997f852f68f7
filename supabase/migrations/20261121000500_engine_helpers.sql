-- Engine internals: who is calling, venue time arithmetic, capacity counting.

/** The venue row, or NOT_FOUND. */
create function tablehold.venue(p_venue_id uuid)
returns tablehold.venues
language plpgsql
stable
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
begin
  select * into v_venue from tablehold.venues v where v.id = p_venue_id;
  if not found then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'venue'));
  end if;
  return v_venue;
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
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when coalesce(auth.role(), 'service_role') = 'service_role' then 4
    when auth.jwt() ->> 'api_key_id' is not null then
      case when 'manage' = any (tablehold.api_key_scopes(p_venue_id)) then 1 else 0 end
    when auth.role() = 'authenticated' then coalesce((
      select max(case sm.role when 'owner' then 3 when 'manager' then 2 else 1 end)
      from tablehold.staff_members sm
      join tablehold.venues v on v.id = p_venue_id
      where sm.user_id = auth.uid()
        and (sm.venue_id = v.id or sm.operator_id = v.operator_id)
    ), 0)
    else 0
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
  if auth.jwt() ->> 'api_key_id' is null then
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
language sql
stable
set search_path = ''
as $$
  select coalesce(auth.role(), session_user::text);
$$;

/** The calling user id, or null (anon, API keys, direct sessions). */
create function tablehold.actor_id()
returns uuid
language sql
stable
set search_path = ''
as $$
  select case
    when (auth.jwt() ->> 'sub') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then (auth.jwt() ->> 'sub')::uuid
  end;
$$;

/** The window of a service date: from the cutover on that date to the next day's cutover, in the venue's zone. */
create function tablehold.service_window(p_venue tablehold.venues, p_date date)
returns tstzrange
language sql
stable
set search_path = ''
as $$
  select tstzrange(
    (p_date + p_venue.service_day_cutover) at time zone p_venue.timezone,
    (p_date + 1 + p_venue.service_day_cutover) at time zone p_venue.timezone
  );
$$;

/** The service date an instant belongs to (01:30 on a club night belongs to the previous date). */
create function tablehold.service_date_of(p_venue tablehold.venues, p_at timestamptz)
returns date
language sql
stable
set search_path = ''
as $$
  select ((p_at at time zone p_venue.timezone) - p_venue.service_day_cutover)::date;
$$;

/** A local (date, time) span as an instant range: closes <= opens means the next day. */
create function tablehold.local_span(p_timezone text, p_date date, p_opens time, p_closes time)
returns tstzrange
language sql
stable
set search_path = ''
as $$
  select tstzrange(
    (p_date + p_opens) at time zone p_timezone,
    (p_date + case when p_closes <= p_opens then 1 else 0 end + p_closes) at time zone p_timezone
  );
$$;

/** The venue's opening spans for a service date: the date's exception if any, else the weekly hours. */
create function tablehold.opening_spans(p_venue tablehold.venues, p_date date)
returns setof tstzrange
language sql
stable
set search_path = ''
as $$
  select tablehold.local_span(p_venue.timezone, p_date, e.opens, e.closes)
  from tablehold.opening_exceptions e
  where e.venue_id = p_venue.id and e.service_date = p_date and not e.closed
  union all
  select tablehold.local_span(p_venue.timezone, p_date, h.opens, h.closes)
  from tablehold.opening_hours h
  where h.venue_id = p_venue.id
    and h.weekday = extract(isodow from p_date)
    and not exists (
      select 1 from tablehold.opening_exceptions e
      where e.venue_id = p_venue.id and e.service_date = p_date
    );
$$;

/** A slot's window on a service date. A slot starting before the venue cutover is on the next calendar day. */
create function tablehold.slot_window(p_venue tablehold.venues, p_slot tablehold.slots, p_date date)
returns tstzrange
language sql
stable
set search_path = ''
as $$
  select tablehold.local_span(
    p_venue.timezone,
    p_date + case when p_slot.starts < p_venue.service_day_cutover then 1 else 0 end,
    p_slot.starts,
    p_slot.ends
  );
$$;

/** How long a table booking of this party size lasts. */
create function tablehold.turn_time(p_venue tablehold.venues, p_party_size int)
returns interval
language sql
stable
set search_path = ''
as $$
  select coalesce((
    select t.duration from tablehold.turn_times t
    where t.venue_id = p_venue.id and p_party_size between t.min_party and t.max_party
    order by t.min_party desc limit 1
  ), p_venue.default_turn);
$$;

/** Units of a pooled unit in use at the busiest instant of p_window, by active allocations
 *  whose hold has not expired (an expired hold never counts), leaving out allocation p_exclude_id.
 *  The peak is reached at the window start or at some allocation's start, so only those instants are checked. */
create function tablehold.used_at_peak(p_unit_id uuid, p_window tstzrange, p_exclude_id bigint default null)
returns int
language sql
stable
set search_path = ''
as $$
  with live as (
    select a.during, a.quantity
    from tablehold.allocations a
    where a.unit_id = p_unit_id
      and a.active
      and a.during && p_window
      and (a.expires_at is null or a.expires_at > tablehold.clock())
      and a.id is distinct from p_exclude_id
  ), instants as (
    select lower(p_window) as t
    union
    select lower(l.during) from live l where lower(l.during) > lower(p_window)
  )
  select coalesce(max((select coalesce(sum(l.quantity), 0) from live l where l.during @> i.t)), 0)::int
  from instants i;
$$;

/** The domain error for an unavailable unit: tables and booths are TABLE_NOT_AVAILABLE, sections and seat options SECTION_NOT_AVAILABLE. */
create function tablehold.unavailable_code(p_unit_type tablehold.unit_type)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when p_unit_type in ('table', 'booth') then 'TABLE_NOT_AVAILABLE' else 'SECTION_NOT_AVAILABLE' end;
$$;

/** Take the row locks of a venue's channels (one per service date), creating the rows if needed,
 *  in date order. WARNING: every writer of allocations takes the channel of the service date it
 *  changes first (the allocation trigger does it for direct edits too). One lock per venue-night
 *  serializes its writers, which the gap-free event versions need anyway; it makes counting exact
 *  at READ COMMITTED, and since locks are always taken channel first, in date order, writers never
 *  wait on each other in a cycle. */
create function tablehold.lock_channels(p_venue_id uuid, p_dates date[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  insert into tablehold.channels (venue_id, service_date)
  select distinct p_venue_id, d from unnest(p_dates) d where d is not null
  on conflict do nothing;
  perform 1 from tablehold.channels c
   where c.venue_id = p_venue_id and c.service_date = any (p_dates)
   order by c.service_date
     for update;
end;
$$;

/** A fresh human booking reference: BR-YYMMDD-XXXXXX, with an alphabet free of 0/O, 1/I/L. */
create function tablehold.new_reference(p_prefix text, p_date date)
returns text
language sql
volatile
set search_path = ''
as $$
  select p_prefix || '-' || to_char(p_date, 'YYMMDD') || '-' || string_agg(
    substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + (get_byte(b.bytes, i) % 31), 1), '' order by i)
  from (select extensions.gen_random_bytes(6) as bytes) b, generate_series(0, 5) i;
$$;

/** sha256 hex of a manage token. */
create function tablehold.token_hash(p_token text)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(extensions.digest(convert_to(p_token, 'UTF8'), 'sha256'), 'hex');
$$;
