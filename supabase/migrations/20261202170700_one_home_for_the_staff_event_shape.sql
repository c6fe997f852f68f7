-- One home for the staff event's shape, and no dead overload.
--
--   * The row a booking change puts on the staff feed (venue, booking, previous and new status,
--     party, time, guest name, units, who, why, when) was built three times: by the staff event
--     trigger and, twice, by tablehold.expire_holds (numbered at READ COMMITTED, pending above it).
--     tablehold.staff_event builds it once; the three call it.
--   * tablehold.check_pacing(p_booking_id) had no caller left since the engine's take step checks
--     pacing with the booking row it holds (tablehold.check_pacing(p_booking, p_timezone)).

drop function tablehold.check_pacing(uuid);

/** The staff feed's row for a booking as it is now, after p_previous (null: new), without id and
 *  seq (numbered by the writer, or left pending): guest name, units, the actor of the change, its
 *  reason and the engine's clock. Example: tablehold.staff_event(b, 'held') */
create function tablehold.staff_event(p_booking tablehold.bookings, p_previous tablehold.booking_status)
returns public.staff_events
language plpgsql
stable
set search_path = ''
as $$
begin
  return jsonb_populate_record(null::public.staff_events, jsonb_build_object(
    'venue_id', p_booking.venue_id, 'service_date', p_booking.service_date, 'booking_id', p_booking.id,
    'reference', p_booking.reference, 'kind', p_booking.kind, 'previous_status', p_previous,
    'status', p_booking.status, 'party_size', p_booking.party_size,
    'starts_at', lower(p_booking.during), 'ends_at', upper(p_booking.during),
    'guest_name', (select c.name from tablehold.clients c where c.id = p_booking.client_id),
    'units', array(select distinct u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
                   where a.booking_id = p_booking.id and not a.superseded order by u.code),
    'actor_user_id', tablehold.actor_id(), 'actor_role', tablehold.actor_label(p_booking.venue_id),
    'api_key_id', tablehold.api_key_id(),
    'reason', coalesce(p_booking.block_reason, p_booking.status_reason), 'occurred_at', tablehold.clock()));
end;
$$;

/** The staff feed, one event per booking per commit (see the original for the design, and
 *  20261202170400 for the levels), its row built by tablehold.staff_event. */
create or replace function tablehold.tg_bookings__staff_event()
returns trigger
language plpgsql
security definer
set search_path = ''
set enable_seqscan = off  -- WARNING: keep (20261202170400: index reads only at SERIALIZABLE)
as $$
declare
  v_now tablehold.bookings;
  v_map jsonb := coalesce(nullif(current_setting('tablehold.staff_started', true), ''), '{}')::jsonb;
  v_started text := v_map ->> new.id::text;
  v_numbered boolean := current_setting('transaction_isolation') = 'read committed';
  v_own bigint;
  v_behind boolean;
  v_count int;
  v_event public.staff_events;
  v_was text;
begin
  select * into v_now from tablehold.bookings b where b.id = new.id;
  if not found then
    return null;
  end if;
  if (new.status, new.during, new.party_size, new.service_date)
     is distinct from (v_now.status, v_now.during, v_now.party_size, v_now.service_date) then
    if v_started is null then
      perform set_config('tablehold.staff_started', (v_map || jsonb_build_object(new.id::text,
        coalesce(case when tg_op = 'UPDATE' then old.status::text end, 'new')))::text, true);
    end if;
    return null;
  end if;
  if v_started is not null then
    perform set_config('tablehold.staff_started', (v_map - new.id::text)::text, true);
  end if;
  v_was := tablehold.engine_on();
  v_event := tablehold.staff_event(v_now, case when v_started is not null then nullif(v_started, 'new')::tablehold.booking_status
                                               when tg_op = 'UPDATE' then old.status end);
  with event as (
    select v_event as row
  ), feed as (
    insert into tablehold.staff_feeds as f (venue_id, seq)
    select v_now.venue_id, 1 where v_numbered
    on conflict (venue_id) do update set seq = f.seq + 1
    returning f.seq, exists (select 1 from tablehold.staff_events_pending p where p.venue_id = f.venue_id) as behind
  ), numbered as (
    insert into public.staff_events overriding user value
    select (jsonb_populate_record(e.row, jsonb_build_object('seq', feed.seq))).* from event e, feed
    returning id
  ), pending as (
    insert into tablehold.staff_events_pending (venue_id, booking_id, event)
    select v_now.venue_id, v_now.id, to_jsonb(e.row) - 'id' - 'seq' from event e where not v_numbered
    returning id
  )
  select (select n.id from numbered n), (select f.behind from feed f), (select count(*) from pending)
    into v_own, v_behind, v_count;
  if v_numbered then
    if v_behind then
      -- serializable writers of the venue committed rows nobody has numbered yet: theirs first
      v_count := tablehold.publish_staff_events(v_now.venue_id, v_own);
    end if;
    perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', v_now.venue_id)::text);
  end if;
  v_was := tablehold.engine_restore(v_was);
  return null;
end;
$$;

/** Expire together the holds among p_booking_ids (see 20261202170600); their staff feed rows built
 *  by tablehold.staff_event. */
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
    insert into public.staff_events overriding user value
    select (n.event).*
      from (select jsonb_populate_record(tablehold.staff_event(row(e.*)::tablehold.bookings, 'held'),
                     jsonb_build_object('seq', f.seq - count(*) over (partition by e.venue_id)
                                                + row_number() over (partition by e.venue_id order by e.id))) as event
              from expired e join feeds f on f.venue_id = e.venue_id
            offset 0) n  -- WARNING: the fence keeps staff_event to one call per row, not one per column
    returning venue_id
  ), pending as (
    insert into tablehold.staff_events_pending (venue_id, booking_id, event)
    select e.venue_id, e.id, to_jsonb(tablehold.staff_event(row(e.*)::tablehold.bookings, 'held')) - 'id' - 'seq'
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
