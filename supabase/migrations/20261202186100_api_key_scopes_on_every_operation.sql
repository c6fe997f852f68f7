-- Callers, staff and API keys; availability reads; booking operations: an API key acts only at its
-- own venue and within its scopes, on every operation (issue 9, "a read-only API key can cancel a
-- booking given its manage token").
--
-- The scopes are ranked, each including the ones before it: read (availability: the snapshot, start
-- times, table suggestions, the live stream) < book (hold, book, and a guest's own booking: read it,
-- confirm, change, cancel) < manage (what a host of the venue does, through caller_rank).
--
-- Before, only placing a booking checked the key's scope. Now:
--   * tablehold.require_api_scope ranks the scopes (read < book < manage);
--   * tablehold.authorize_booking: an assistant acting for a guest (with their manage token) needs the
--     book scope at the booking's venue; a read key, or a key of another venue, gets FORBIDDEN there
--     (without a token a stranger still gets NOT_FOUND, as before);
--   * the availability reads (availability, availability_text through tablehold.availability_venue,
--     channel_version, available_times, suggest_tables) need the read scope at their venue: a key of
--     another venue is refused, as at every other operation.

/** For API-key callers: the key must belong to the venue and carry p_scope or a higher one
 *  (read < book < manage). Other callers pass. */
create or replace function tablehold.require_api_scope(p_venue_id uuid, p_scope text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  c_ranked constant text[] := array['read', 'book', 'manage'];  -- each scope includes the ones before it
  v_scopes text[];
begin
  if tablehold.jwt() ->> 'api_key_id' is null then
    return;
  end if;
  v_scopes := tablehold.api_key_scopes(p_venue_id);
  if v_scopes is null or not exists (
       select 1 from unnest(v_scopes) s
        where array_position(c_ranked, s) >= array_position(c_ranked, p_scope)) then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('required_scope', p_scope));
  end if;
end;
$$;

/** Fail unless the caller may act on the booking: staff of at least p_min_rank at its venue, or,
 *  where guests may (p_guest_allowed), its guest with the manage token or its signed-in customer.
 *  An assistant (API key) acting for the guest also needs the book scope at the booking's venue.
 *  A caller with no claim on the booking gets NOT_FOUND (nothing tells it the booking exists);
 *  staff below p_min_rank get FORBIDDEN. */
create or replace function tablehold.authorize_booking(p_booking tablehold.bookings, p_manage_token text,
  p_min_rank integer, p_guest_allowed boolean)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_rank int := tablehold.caller_rank(p_booking.venue_id);
begin
  if v_rank >= p_min_rank then
    return;
  end if;
  if p_guest_allowed and (
       (p_manage_token is not null and p_booking.manage_token_hash = tablehold.token_hash(p_manage_token))
       or (tablehold.actor_id() is not null and exists (
         select 1 from tablehold.clients c where c.id = p_booking.client_id and c.user_id = tablehold.actor_id()))) then
    perform tablehold.require_api_scope(p_booking.venue_id, 'book');
    return;
  end if;
  if v_rank < 1 then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'booking'));
  end if;
  perform tablehold.fail('FORBIDDEN', jsonb_build_object('required_rank', p_min_rank));
end;
$$;

/** The venue of an availability request whose date, slot and party size are valid and which the
 *  caller may read (an API key: the read scope at this venue); else the error: NOT_FOUND for the
 *  venue or slot, INVALID_REQUEST without a date, INVALID_PARTY_SIZE, FORBIDDEN for a key. */
create or replace function tablehold.availability_venue(p_venue_id uuid, p_date date, p_slot text, p_party_size integer)
returns tablehold.venues
language plpgsql
stable
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_venue_id);
begin
  perform tablehold.require_api_scope(p_venue_id, 'read');
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  if p_slot is not null and not exists (select 1 from tablehold.slots s where s.venue_id = p_venue_id and s.code = p_slot) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'slot', 'slot', p_slot));
  end if;
  if p_party_size is not null and p_party_size < 1 then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party));
  end if;
  return v_venue;
end;
$$;

/** A channel's current version, after expiring its holds whose time is up (as refresh_channel):
 *  where the availability route's stream starts or resumes. Anyone may call it; an API key needs the
 *  read scope at the venue. */
create or replace function public.channel_version(p_venue_id uuid, p_date date)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform tablehold.availability_venue(p_venue_id, p_date, null, null);
  perform public.refresh_channel(p_venue_id, p_date);
  return coalesce((select c.version from tablehold.channels c where c.venue_id = p_venue_id and c.service_date = p_date), 0);
end;
$$;

/** Start times a table venue offers on a service date for a party: exactly the starts plan_time
 *  accepts (tablehold.table_starts inside the booking window), each with how many single tables are
 *  free and whether any table or combination fits. Gives at every start what
 *  tablehold.table_candidates gives there (the booking path's ranking; a pgTAP test compares them
 *  start by start), but reads each table's live allocations once for the night, as one multirange,
 *  instead of once per start. An API key needs the read scope at the venue. */
create or replace function public.available_times(p_venue_id uuid, p_date date, p_party_size int)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues;
  v_turn interval;
  v_now timestamptz := tablehold.clock();
begin
  v_venue := tablehold.venue(p_venue_id);
  perform tablehold.require_api_scope(p_venue_id, 'read');
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  if p_party_size is null or p_party_size < v_venue.min_party or p_party_size > v_venue.max_party then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party));
  end if;
  v_turn := tablehold.turn_time(v_venue, p_party_size);
  return coalesce((
    with starts as materialized (
      select g.at, tstzrange(g.at, g.at + v_turn + v_venue.buffer) as occupies
      from tablehold.table_starts(v_venue, p_date, v_turn) g(at)
      where tablehold.booking_window_problem(v_venue, 'time', p_date, tstzrange(g.at, g.at + v_turn), v_now, false) is null
    ), reach as (
      select tstzrange(min(lower(s.occupies)), max(upper(s.occupies))) as span from starts s
    ), tables as materialized (
      -- the tables tablehold.table_candidates may offer: in service, booked by time; busy: their live
      -- allocations that could touch any start's window, merged
      select u.id, p_party_size between u.min_covers and u.max_covers as fits,
             (select range_agg(a.during) from tablehold.allocations a, reach r
               where a.unit_id = u.id and a.active and a.during && r.span
                 and (a.expires_at is null or a.expires_at > v_now)) as busy
      from tablehold.units u
      where u.venue_id = p_venue_id and u.capacity_mode = 'exclusive' and u.booking_mode = 'time'
        and u.unit_type in ('table', 'booth') and not u.out_of_service
    )
    select jsonb_agg(jsonb_build_object('starts_at', s.at, 'tables_free', c.singles,
        'bookable', c.singles > 0 or exists (
          -- a combination the party fits whose every table is free then
          select 1 from tablehold.combinations cb
           where cb.venue_id = p_venue_id and p_party_size between cb.min_party and cb.max_party
             and exists (select 1 from tablehold.combination_units cu where cu.combination_id = cb.id)
             and not exists (
               select 1 from tablehold.combination_units cu
                where cu.combination_id = cb.id
                  and not exists (select 1 from tables t where t.id = cu.unit_id and not coalesce(t.busy && s.occupies, false)))))
      order by s.at)
    from starts s
    cross join lateral (
      select count(*) filter (where t.fits and not coalesce(t.busy && s.occupies, false)) as singles from tables t) c
  ), '[]');
end;
$$;

/** The best free tables for a party at a start: single tables by fit, then combinations. Only a
 *  start that could be booked is answered. An API key needs the read scope at the venue. */
create or replace function public.suggest_tables(p_venue_id uuid, p_start timestamptz, p_party_size integer,
  p_area_id uuid default null, p_limit integer default 5)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.venue(p_venue_id);
  v_plan tablehold.booking_plan;
begin
  perform tablehold.require_api_scope(p_venue_id, 'read');
  if p_party_size is null or p_party_size < v_venue.min_party or p_party_size > v_venue.max_party then
    perform tablehold.fail('INVALID_PARTY_SIZE', jsonb_build_object('min_party', v_venue.min_party, 'max_party', v_venue.max_party));
  end if;
  -- only starts that could be booked: open, on the grid, not past, inside the booking window
  v_plan := tablehold.plan_time(v_venue, 'time', p_party_size, null, null, p_start, false);
  return coalesce((
    select jsonb_agg(to_jsonb(c)) from (
      select * from tablehold.table_candidates(p_venue_id, v_plan.occupies, p_party_size, p_area_id)
      limit greatest(least(coalesce(p_limit, 5), 50), 1)) c
  ), '[]');
end;
$$;

comment on function tablehold.require_api_scope(uuid, text) is 'For API-key callers: FORBIDDEN unless the key belongs to the venue and carries the scope or a higher one (read < book < manage).';

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
