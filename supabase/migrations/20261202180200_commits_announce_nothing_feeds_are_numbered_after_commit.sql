-- Commits announce nothing; the feeds are numbered and announced after commit.
--
-- PostgreSQL serialises every transaction that sends a NOTIFY through its commit: the notifying
-- transaction takes one database-wide lock before its commit record and keeps it until the commit
-- is flushed, so that notifications queue in commit order (src/backend/commands/async.c,
-- PreCommit_Notify). Every booking announced its availability event with pg_notify, and a READ
-- COMMITTED booking also numbered its staff event under its venue's counter row at commit: all
-- bookings of the database passed one lock, one WAL flush at a time. pgbench's tpcb-like script on
-- this project's benchmark machine ran 1 535 tps, and 541 tps with one pg_notify added to it
-- (BENCHMARKS, "Commits that announce nothing").
--
--   * tablehold.append_event appends the event and bumps the channel's version; it no longer
--     notifies.
--   * Every writer, at every isolation level, leaves its staff feed line in
--     tablehold.staff_events_pending at commit (as REPEATABLE READ and SERIALIZABLE writers already
--     did): the staff event trigger and tablehold.expire_holds no longer number lines or notify.
--   * tablehold.publish_staff_events numbers a venue's pending lines (its p_moved_id, for a READ
--     COMMITTED writer that numbered its own at commit, is gone) and announces them; it returns at
--     once, taking no lock, when the venue has nothing pending.
--   * tablehold.announce(p_venue_id) is what a writer calls after its commit, in a transaction of its
--     own: it numbers the venue's pending staff lines and announces the venue's change on
--     tablehold_events. That transaction commits asynchronously (synchronous_commit off): it writes
--     only what the pending lines already hold, and a crash before its flush undoes it whole and
--     leaves the lines pending for the next call. The Edge Functions call it after every write.
--   * Writers that do not call it (supabase-js .rpc(), Studio) are found by the SSE hub's poll of the
--     watched channels' versions and feeds' heads (functions/_shared/live.ts), within its interval;
--     the cron job numbers whatever is left every minute.

/** Append one availability event to the venue-night's channel and return its version (see
 *  20261202100700 and 20261202170300). Announced after commit (tablehold.announce, the SSE hub's
 *  poll), never by the writer's own transaction. */
create or replace function tablehold.append_event(
  p_unit tablehold.units, p_service_date date, p_slot_id uuid, p_key tstzrange, p_previous text, p_new text,
  p_remaining int, p_reason text)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
  v_version bigint;
begin
  insert into tablehold.channels as c (venue_id, service_date, version)
  values (p_unit.venue_id, p_service_date, 1)
  on conflict (venue_id, service_date) do update set version = c.version + 1
  returning c.version into v_version;

  insert into public.availability_events (
    channel, venue_id, service_date, version, unit_id, slot_id, starts_at, ends_at, capacity_mode,
    previous_state, new_state, remaining, capacity, reason, occurred_at)
  values (
    p_unit.venue_id::text || ':' || p_service_date::text, p_unit.venue_id, p_service_date, v_version,
    p_unit.id, p_slot_id, lower(p_key), upper(p_key), p_unit.capacity_mode,
    p_previous, p_new, p_remaining, p_unit.capacity, p_reason, tablehold.clock());
  v_was := tablehold.engine_restore(v_was);
  return v_version;
end;
$$;

/** The staff feed, one event per booking per commit (see 20261202100700 for the design), its row
 *  built by tablehold.staff_event and left in tablehold.staff_events_pending at every isolation
 *  level, numbered after commit by tablehold.publish_staff_events. */
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
  insert into tablehold.staff_events_pending (venue_id, booking_id, event)
  values (v_now.venue_id, v_now.id, to_jsonb(tablehold.staff_event(v_now,
    case when v_started is not null then nullif(v_started, 'new')::tablehold.booking_status
         when tg_op = 'UPDATE' then old.status end)) - 'id' - 'seq');
  v_was := tablehold.engine_restore(v_was);
  return null;
end;
$$;

/** Expire together the holds among p_booking_ids (see 20261202170600 and 20261202170700); their
 *  staff feed lines left pending like every other change's (numbered after commit). */
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
  ), pending as (
    insert into tablehold.staff_events_pending (venue_id, booking_id, event)
    select e.venue_id, e.id, to_jsonb(tablehold.staff_event(row(e.*)::tablehold.bookings, 'held')) - 'id' - 'seq'
      from expired e
    returning venue_id
  ), audited as (
    select tablehold.audit(e.venue_id, 'bookings', e.id::text, 'update',
             to_jsonb(h.booking) || jsonb_build_object('allocations', h.allocations),
             to_jsonb(e) || jsonb_build_object('allocations',
               (select coalesce(jsonb_agg(to_jsonb(r) order by r.id), '[]') from released r where r.booking_id = e.id)))
      from expired e join held h on (h.booking).id = e.id
  )
  select (select count(*) from audited) + (select count(*) from pending) into v_written;
  v_set := set_config('tablehold.staff_feed_written', v_feed_was, true);
  v_set := set_config('tablehold.engine_writes', v_writes_was, true);
  v_was := tablehold.engine_restore(v_was);
  return cardinality(v_ids);
end;
$$;

drop function tablehold.publish_staff_events(uuid, bigint);

/** Number a venue's pending staff events (tablehold.staff_events_pending, oldest first) onto
 *  public.staff_events after the venue's last seq, under the venue's counter row lock, and wake the
 *  SSE streams; with no venue, every venue that has pending rows (the cron job), one at a time.
 *  Returns how many rows it numbered; with nothing pending it returns 0 at once, locking nothing.
 *  Call it after the writers' commit (tablehold.announce does, for the Edge Functions). */
create function tablehold.publish_staff_events(p_venue_id uuid default null)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_was text;
  v_seq bigint;
  v_events jsonb[];
  v_count int := 0;
  v_venue uuid;
begin
  if p_venue_id is null then
    for v_venue in select distinct p.venue_id from tablehold.staff_events_pending p order by p.venue_id loop
      v_count := v_count + tablehold.publish_staff_events(v_venue);
    end loop;
    return v_count;
  end if;
  if not exists (select 1 from tablehold.staff_events_pending p where p.venue_id = p_venue_id) then
    return 0;  -- a line committed after this look is numbered by the next call
  end if;

  v_was := tablehold.engine_on();
  -- WARNING: the counter row's lock first, then the pending rows: every numbering of the venue
  -- takes them in this order, so two never wait for each other the other way round
  select f.seq into v_seq from tablehold.staff_feeds f where f.venue_id = p_venue_id for update;
  if not found then
    insert into tablehold.staff_feeds as f (venue_id, seq) values (p_venue_id, 0)
    on conflict (venue_id) do update set seq = f.seq
    returning f.seq into v_seq;
  end if;
  with taken as (
    delete from tablehold.staff_events_pending p where p.venue_id = p_venue_id returning p.id, p.event
  )
  select coalesce(array_agg(t.event order by t.id), '{}') into v_events from taken t;
  v_count := cardinality(v_events);
  if v_count > 0 then
    insert into public.staff_events overriding user value
    select (jsonb_populate_record(null::public.staff_events, u.event || jsonb_build_object('seq', v_seq + u.n))).*
      from unnest(v_events) with ordinality as u(event, n);
    update tablehold.staff_feeds f set seq = f.seq + v_count where f.venue_id = p_venue_id;
    perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', p_venue_id)::text);
  end if;
  v_was := tablehold.engine_restore(v_was);
  return v_count;
end;
$$;

/** After a committed write, in a transaction of its own: number the venue's pending staff lines
 *  and announce the venue's change on tablehold_events ({"t":"v","venue":…}; with no venue, every
 *  venue with pending lines and {"t":"*"}), so that the SSE hubs read the new rows at once. Returns
 *  how many staff lines it numbered. Example: select tablehold.announce('…venue id…');
 *  WARNING: when nothing was written before it in the transaction, it turns synchronous_commit off
 *  for that transaction: its writes are only the pending lines' numbering, which a crash undoes
 *  whole (the lines stay pending). Inside a transaction that has written, it leaves the setting. */
create function tablehold.announce(p_venue_id uuid default null)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count int;
begin
  if txid_current_if_assigned() is null then
    perform set_config('synchronous_commit', 'off', true);
  end if;
  v_count := tablehold.publish_staff_events(p_venue_id);
  perform pg_notify('tablehold_events', case when p_venue_id is null then '{"t":"*"}'
    else json_build_object('t', 'v', 'venue', p_venue_id)::text end);
  return v_count;
end;
$$;

comment on table tablehold.staff_events_pending is 'Staff events written at commit by every writer, complete but not yet numbered (event: the public.staff_events row without id and seq). tablehold.publish_staff_events numbers them onto public.staff_events after the commit (tablehold.announce, the SSE hub, the cron job); only the engine writes this table.';

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
