-- Expiring holds follows the staff feed's rule for each isolation level
-- (20261202170400_serializable_bookings_collide_only_on_their_own_night.sql), which
-- 20261202170500_expiry_writes_its_rows_once.sql, written beside it, did not know: a hold expired
-- inside a REPEATABLE READ or SERIALIZABLE transaction (a guest's booking through the Edge
-- Functions expiring the lapsed holds on the key it takes) leaves its staff feed line unnumbered in
-- tablehold.staff_events_pending instead of taking the venue's counter row, where it would collide
-- with every other writer of the venue; at READ COMMITTED (the pg_cron sweeper, Studio, RPC) the
-- venue's pending lines of earlier commits are numbered first, then the expiry's own.

/** Expire together the holds among p_booking_ids that are still held and whose time is up.
 *  Locks them (in id order), publishes the availability events once per changed key
 *  (tablehold.emit_unit_events with reason hold_expired: a lapsed hold already counts as free, so
 *  each key is published in its final state, exactly what expiring the holds one by one publishes),
 *  then in one statement releases all their allocations, marks them all expired, writes one audit
 *  row per booking (its allocations inside) and their staff feed lines, one per booking: at READ
 *  COMMITTED numbered under each venue's feed row lock (held to commit), after the venue's pending
 *  lines of earlier serializable commits (tablehold.publish_staff_events); at REPEATABLE READ or
 *  SERIALIZABLE left unnumbered in tablehold.staff_events_pending, like every other change at those
 *  levels, for tablehold.publish_staff_events after the commit. Returns how many it expired.
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
  v_numbered boolean := current_setting('transaction_isolation') = 'read committed';
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

  if v_numbered then  -- serializable commits of these venues waiting to be numbered come first
    perform tablehold.publish_staff_events(v.venue_id)
       from (select distinct b.venue_id from tablehold.bookings b where b.id = any (v_ids)
              and exists (select 1 from tablehold.staff_events_pending p where p.venue_id = b.venue_id)) v;
  end if;
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
    select e.venue_id, count(*) from expired e where v_numbered group by e.venue_id
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
  ), pending as (
    insert into tablehold.staff_events_pending (venue_id, booking_id, event)
    select e.venue_id, e.id, jsonb_build_object(
             'venue_id', e.venue_id, 'service_date', e.service_date, 'booking_id', e.id, 'reference', e.reference,
             'kind', e.kind, 'previous_status', 'held', 'status', e.status, 'party_size', e.party_size,
             'starts_at', lower(e.during), 'ends_at', upper(e.during),
             'guest_name', (select c.name from tablehold.clients c where c.id = e.client_id),
             'units', array(select distinct u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
                            where a.booking_id = e.id and not a.superseded order by u.code),
             'actor_user_id', tablehold.actor_id(), 'actor_role', tablehold.actor_label(e.venue_id),
             'api_key_id', tablehold.api_key_id(), 'reason', e.status_reason, 'occurred_at', v_now)
      from expired e where not v_numbered
    returning venue_id
  ), audited as (
    select tablehold.audit(e.venue_id, 'bookings', e.id::text, 'update',
             to_jsonb(h.booking) || jsonb_build_object('allocations', h.allocations),
             to_jsonb(e) || jsonb_build_object('allocations',
               (select coalesce(jsonb_agg(to_jsonb(r) order by r.id), '[]') from released r where r.booking_id = e.id)))
      from expired e join held h on (h.booking).id = e.id
  )
  select (select count(*) from audited) + (select count(*) from lines) + (select count(*) from pending) into v_written;
  v_set := set_config('tablehold.staff_feed_written', v_feed_was, true);
  v_set := set_config('tablehold.engine_writes', v_writes_was, true);
  -- wake the staff streams of each venue (delivered at commit); pending lines wake them when numbered
  perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', v.venue_id)::text)
     from (select distinct b.venue_id from tablehold.bookings b where b.id = any (v_ids)) v
    where v_numbered;
  v_was := tablehold.engine_restore(v_was);
  return cardinality(v_ids);
end;
$$;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
