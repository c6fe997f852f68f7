-- Availability reads: the availability ETag changes whenever anything a caller sees changes, and
-- differs between the guest view and the staff view (issue 9, "the availability ETag ignores price
-- and unit edits, and staff and guest views share one ETag").
--
-- Before, the ETag was the channel version alone: an edit of a unit (its name, price, capacity)
-- changed the snapshot without an event, and a host and a guest sent the same ETag for different
-- documents (a confirmed hold changes the staff view without an event).
--
-- Now the ETag names the view and what it was computed from:
--   * the guest view: "g<channel version>.<configuration version>". The guest snapshot is a function
--     of exactly these (it is cached by them, tablehold.cached_night_snapshot), so the ETag changes
--     with every event and every edit of the venue's set-up. Turn times now count as set-up too
--     (a party's turn decides free_at_start), with the same trigger as the rest;
--   * the staff view: "s<md5 of the snapshot without as_of>", a digest of the document itself: it
--     shows booking states that change without an event.
-- public.availability_etag answers it for the conditional GET (after expiring the night's lapsed
-- holds, as the caller); public.availability_text now returns it with the snapshot, computed from
-- the same row or document it sends.

create trigger tg_turn_times__config after insert or update or delete on tablehold.turn_times
for each row execute function tablehold.tg_config__bump('venue_id');

/** The ETag of the guest availability view: the channel version and the venue's configuration
 *  version it reflects. */
create function tablehold.guest_etag(p_version bigint, p_config_version bigint)
returns text
language sql
immutable
set search_path = ''
as $$
  select '"g' || coalesce(p_version, 0) || '.' || coalesce(p_config_version, 0) || '"';
$$;

/** The ETag of a staff availability view: a digest of the document itself, as_of aside. */
create function tablehold.staff_etag(p_snapshot jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select '"s' || md5((p_snapshot - 'as_of')::text) || '"';
$$;

/** The availability ETag the caller would get for this request now, after expiring the night's holds
 *  whose time is up: the guest view's from two version numbers (no snapshot work), the staff view's
 *  from its document. What the Edge route compares If-None-Match with before anything else.
 *  Example: select public.availability_etag('00000000-0000-4000-b000-000000000002', '2026-12-04'); */
create function public.availability_etag(
  p_venue_id uuid, p_date date, p_slot text default null, p_party_size int default null, p_start timestamptz default null)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform tablehold.availability_venue(p_venue_id, p_date, p_slot, p_party_size);
  perform public.refresh_channel(p_venue_id, p_date);
  if tablehold.caller_rank(p_venue_id) >= 1 then
    return tablehold.staff_etag(public.availability(p_venue_id, p_date, p_slot, p_party_size, p_start));
  end if;
  return tablehold.guest_etag(
    (select c.version from tablehold.channels c where c.venue_id = p_venue_id and c.service_date = p_date),
    (select cv.version from tablehold.config_versions cv where cv.venue_id = p_venue_id));
end;
$$;

drop function public.availability_text(uuid, date, text, int, timestamptz);

/** public.availability as JSON text, with the channel version it reflects and its ETag apart: what
 *  the Edge route sends. A guest's whole night is the cached text with as_of put in front, never
 *  serialized again, and a narrower guest request is cut from the same cached row; a staff view is
 *  public.availability's answer as text. */
create function public.availability_text(
  p_venue_id uuid, p_date date, p_slot text default null, p_party_size int default null, p_start timestamptz default null,
  out version bigint, out snapshot text, out etag text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_venue tablehold.venues := tablehold.availability_venue(p_venue_id, p_date, p_slot, p_party_size);
  v_row tablehold.snapshot_cache;
  v_snapshot jsonb;
begin
  -- WARNING: only the guest view may come from the cache (public.availability says why)
  if tablehold.caller_rank(p_venue_id) < 1 then
    v_row := tablehold.cached_night_snapshot(v_venue, p_date);
    version := v_row.version;
    etag := tablehold.guest_etag(v_row.version, v_row.config_version);
    if p_slot is null and p_party_size is null and p_start is null then
      snapshot := '{"as_of": ' || to_jsonb(tablehold.clock())::text || ', ' || right(v_row.snapshot_text, -1);
    else
      snapshot := tablehold.snapshot_for(v_venue, v_row.snapshot, tablehold.clock(), p_slot, p_party_size, p_start)::text;
    end if;
    return;
  end if;
  v_snapshot := public.availability(p_venue_id, p_date, p_slot, p_party_size, p_start);
  version := (v_snapshot ->> 'version')::bigint;
  snapshot := v_snapshot::text;
  etag := tablehold.staff_etag(v_snapshot);
end;
$$;

comment on function public.availability_text(uuid, date, text, int, timestamptz) is 'public.availability as JSON text with its channel version and ETag apart, for the Edge route: a guest''s whole night passes through from the cache without being serialized again.';
comment on function public.availability_etag(uuid, date, text, int, timestamptz) is 'The availability ETag for the caller: "g<channel version>.<configuration version>" for the guest view, "s<digest>" for the staff view; compared with If-None-Match before any snapshot work.';
comment on function public.channel_version(uuid, date) is 'A channel''s version after expiring its lapsed holds: where a live stream starts or resumes.';

revoke execute on function public.availability_etag(uuid, date, text, int, timestamptz),
  public.availability_text(uuid, date, text, int, timestamptz) from public, anon, authenticated;
grant execute on function public.availability_etag(uuid, date, text, int, timestamptz),
  public.availability_text(uuid, date, text, int, timestamptz) to anon, authenticated, service_role;
revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
