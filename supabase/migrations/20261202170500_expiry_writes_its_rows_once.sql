-- Expiring holds writes its rows once, like placing a booking (issue 8: "Sweeping 10 000 expired
-- holds: < 1 s"). The set-based sweeper (20261202170100) expired each night's holds with one
-- statement per table, but every expired hold still ran the row triggers one by one: an event check
-- per released allocation, an audit row per booking and per allocation, and the staff feed's line
-- at commit, about four fifths of a sweep's time.
--
--   * tablehold.expire_holds releases the allocations and marks the bookings expired in one
--     statement with tablehold.engine_writes on, so the allocation triggers, the booking status
--     sync (tg_bookings__after_update, which would find the allocations released already) and the
--     booking and allocation audit triggers stand down; the same statement writes one audit row per
--     expired booking (before and after, each with its allocations), through tablehold.audit.
--   * The staff feed's lines for the expired bookings are written by the same function, one per
--     booking, their sequence numbers taken under the venue's feed row lock, which stays held until
--     the transaction commits (so sequence order is still commit order); the deferred staff event
--     trigger stands down for bookings whose line the engine wrote (tablehold.staff_feed_written,
--     the transaction-local setting only expire_holds sets, around its one statement).
--   * The events are unchanged: each changed key once, in its final state, before the release.

/** True while the engine writes the staff feed's lines itself for the bookings it is changing (the
 *  transaction-local setting tablehold.staff_feed_written; only tablehold.expire_holds sets it). */
create function tablehold.staff_feed_written()
returns boolean
language sql
stable
as $$
  select coalesce(pg_catalog.current_setting('tablehold.staff_feed_written', true), '') = 'on';
$$;

drop trigger tg_bookings__staff_event on tablehold.bookings;
create constraint trigger tg_bookings__staff_event
after insert or update of status, during, party_size on tablehold.bookings
deferrable initially deferred
for each row when (not tablehold.staff_feed_written())
execute function tablehold.tg_bookings__staff_event();

create or replace trigger tg_bookings__after_update
after update of status, hold_expires_at on tablehold.bookings
for each row when (not tablehold.engine_writes())
execute function tablehold.tg_bookings__after_update();

/** Expire together the holds among p_booking_ids that are still held and whose time is up.
 *  Locks them (in id order), publishes the availability events once per changed key
 *  (tablehold.emit_unit_events with reason hold_expired: a lapsed hold already counts as free, so
 *  each key is published in its final state, exactly what expiring the holds one by one publishes),
 *  then in one statement releases all their allocations, marks them all expired, writes one audit
 *  row per booking (its allocations inside) and their staff feed lines (one per booking, numbered
 *  under each venue's feed row lock, held to commit). Returns how many it expired.
 *  WARNING: the caller must already hold the channel lock (tablehold.lock_channels) of the nights
 *  these holds are on: the engine's lock order is channel, then booking rows, then allocations, and
 *  the events must be computed under the channel lock. */
create or replace function tablehold.expire_holds(p_booking_ids uuid[])
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_ids uuid[];
  v_was text;
  v_set text;
  v_key record;
  v_written bigint;
  v_writes_was text := coalesce(current_setting('tablehold.engine_writes', true), '');
  v_feed_was text := coalesce(current_setting('tablehold.staff_feed_written', true), '');
begin
  -- lock them and keep the ones still held and lapsed: a confirmation that committed first wins
  select coalesce(array_agg(h.id order by h.id), '{}') into v_ids
    from (select b.id from tablehold.bookings b
           where b.id = any (p_booking_ids) and b.status = 'held' and b.hold_expires_at <= v_now
           order by b.id
             for update) h;
  if cardinality(v_ids) = 0 then
    return 0;
  end if;

  v_was := tablehold.engine_on();
  -- each changed key once, in its final state
  for v_key in
    select distinct a.service_date, a.unit_id, a.during
      from tablehold.allocations a
     where a.booking_id = any (v_ids) and a.active and not a.superseded
     order by a.service_date, a.unit_id, a.during
  loop
    perform tablehold.emit_unit_events(v_key.unit_id, v_key.service_date, v_key.during, 'hold_expired');
  end loop;

  v_set := set_config('tablehold.engine_writes', 'on', true);
  v_set := set_config('tablehold.staff_feed_written', 'on', true);
  with held as (  -- the bookings and their allocations as they were (the statement's snapshot)
    select b as booking,
           coalesce((select jsonb_agg(to_jsonb(a) order by a.id) from tablehold.allocations a
                      where a.booking_id = b.id and not a.superseded), '[]') as allocations
      from tablehold.bookings b where b.id = any (v_ids)
  ), released as (
    update tablehold.allocations a set active = false, expires_at = null
     where a.booking_id = any (v_ids) and a.active and not a.superseded
    returning a.*
  ), expired as (
    update tablehold.bookings b set status = 'expired', status_reason = 'hold_expired'
     where b.id = any (v_ids)
    returning b.*
  ), feeds as (  -- each venue's next sequence numbers, its feed row locked to commit
    insert into tablehold.staff_feeds as f (venue_id, seq)
    select e.venue_id, count(*) from expired e group by e.venue_id
    on conflict (venue_id) do update set seq = f.seq + excluded.seq
    returning f.venue_id, f.seq
  ), lines as (
    insert into public.staff_events (venue_id, seq, service_date, booking_id, reference, kind, previous_status, status,
      party_size, starts_at, ends_at, guest_name, units, actor_user_id, actor_role, api_key_id, reason, occurred_at)
    select e.venue_id,
           f.seq - count(*) over (partition by e.venue_id) + row_number() over (partition by e.venue_id order by e.id),
           e.service_date, e.id, e.reference, e.kind, 'held', e.status, e.party_size, lower(e.during), upper(e.during),
           (select c.name from tablehold.clients c where c.id = e.client_id),
           array(select distinct u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
                  where a.booking_id = e.id and not a.superseded order by u.code),
           tablehold.actor_id(), tablehold.actor_label(e.venue_id), tablehold.api_key_id(), e.status_reason, v_now
      from expired e join feeds f on f.venue_id = e.venue_id
    returning venue_id
  ), audited as (
    select tablehold.audit(e.venue_id, 'bookings', e.id::text, 'update',
             to_jsonb(h.booking) || jsonb_build_object('allocations', h.allocations),
             to_jsonb(e) || jsonb_build_object('allocations',
               (select coalesce(jsonb_agg(to_jsonb(r) order by r.id), '[]') from released r where r.booking_id = e.id)))
      from expired e join held h on (h.booking).id = e.id
  )
  select (select count(*) from audited) + (select count(*) from lines) into v_written;
  v_set := set_config('tablehold.staff_feed_written', v_feed_was, true);
  v_set := set_config('tablehold.engine_writes', v_writes_was, true);
  -- wake the staff streams of each venue (delivered at commit)
  perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', v.venue_id)::text)
     from (select distinct b.venue_id from tablehold.bookings b where b.id = any (v_ids)) v;
  v_was := tablehold.engine_restore(v_was);
  return cardinality(v_ids);
end;
$$;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
