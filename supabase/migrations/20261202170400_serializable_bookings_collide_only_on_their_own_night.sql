-- Serializable bookings collide only on their own night.
--
-- At SERIALIZABLE (the Edge Functions' default level) two bookings in flight together must not both
-- commit when one's decision depends on the other's writes; PostgreSQL then fails one with 40001 and
-- the Edge Functions run it again. Bookings of one venue-night really do depend on each other (the
-- night's capacity and its gap-free event versions, under the channel row lock): those re-runs are
-- the price of the level. Two things made bookings of *different* nights collide too, and this
-- migration removes both (figures: BENCHMARKS.md, "isolation"; README, "Isolation level").
--
-- 1. The staff feed's counter. The feed numbers each venue's booking changes 1, 2, 3 … under the
--    venue's counter row (tablehold.staff_feeds), taken at commit by the deferred trigger
--    tg_bookings__staff_event, so that a row becomes visible only after every row numbered before
--    it. At READ COMMITTED (supabase-js .rpc(), Studio) a writer that waited for that row lock goes
--    on with the committed value. At REPEATABLE READ and SERIALIZABLE it cannot: its snapshot was
--    taken at its first statement, so once the writer before it commits, updating the counter fails
--    with 40001 "could not serialize access due to concurrent update". Any two bookings of one
--    venue in flight together collided there, whatever their nights: 85% of the re-runs on the
--    spread load (1.96 re-runs per booking).
--
--    Now a writer at REPEATABLE READ or SERIALIZABLE writes its staff event, complete but
--    unnumbered, to tablehold.staff_events_pending, which nobody else updates, and
--    tablehold.publish_staff_events numbers the venue's pending rows after the commit, at READ
--    COMMITTED, under the same counter row lock, in the order they were written. It is called by
--    the Edge Functions right after each committed write (before they answer), by the SSE hub's
--    poll of a watched venue (every 2 s), by a READ COMMITTED writer of the venue that finds pending
--    rows at its own commit (it numbers them before its own event), and by a pg_cron job every
--    minute (serializable writers from elsewhere). What holds, as before: seqs are gap-free per
--    venue; a row is visible only after every lower seq is (all numbering happens under the counter
--    lock, held until the numbering commits); one booking's changes are numbered in the order they
--    committed (a later change of the booking waited for the earlier one's row lock, so its pending
--    row, or its own numbering, comes after). What changes: a serializable change reaches the feed
--    when it is numbered, right after its commit through the Edge Functions. READ COMMITTED writers
--    still number their own event in one statement at commit, as before.
--
-- 2. Scans. At SERIALIZABLE a statement that reads a table by scanning it, rather than by probing an
--    index, takes a predicate lock on the whole table, and any other transaction's insert into that
--    table is then a read/write conflict. The planner scans small tables (a new project, and every
--    table the booking path reads starts small), so two bookings of different nights of one venue
--    on a fresh database failed with 40001 every time (20 of 20: the capacity count scanned
--    allocations, the foreign-key check of the booking's client scanned clients). The functions
--    whose reads a booking makes now plan with enable_seqscan off: point reads through the indexes
--    that exist for them, whose predicate locks cover an index page (0 of 20). plpgsql caches a plan
--    per function, so the setting goes on the function that plans the read; place_booking's covers
--    the foreign-key checks its inserts run.
--    WARNING: `create or replace` of one of these functions drops the setting: repeat it there.

create table tablehold.staff_events_pending (
  id         bigint primary key generated always as identity,
  venue_id   uuid not null references tablehold.venues (id) on delete cascade,
  booking_id uuid not null,
  event      jsonb not null
);
create index staff_events_pending_venue_idx on tablehold.staff_events_pending (venue_id, id);
comment on table tablehold.staff_events_pending is 'Staff events written at commit by REPEATABLE READ and SERIALIZABLE transactions, complete but not yet numbered (event: the public.staff_events row without id and seq). tablehold.publish_staff_events numbers them onto public.staff_events after the commit; only the engine writes this table.';

alter table tablehold.staff_events_pending enable row level security;
revoke all on tablehold.staff_events_pending from anon, authenticated;
grant all on tablehold.staff_events_pending to service_role;
create policy "only the server reads pending staff events" on tablehold.staff_events_pending
  for select to service_role using (true);

create trigger tg_staff_events_pending__guard before insert or update or delete on tablehold.staff_events_pending
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit();
create trigger tg_staff_events_pending__guard_truncate before truncate on tablehold.staff_events_pending
for each statement execute function tablehold.tg_refuse_direct_edit();

/** Number a venue's pending staff events (tablehold.staff_events_pending, oldest first) onto
 *  public.staff_events after the venue's last seq, under the venue's counter row lock, and wake the
 *  SSE streams; with no venue, every venue that has pending rows (the cron job). p_moved_id names a
 *  staff event this transaction has just numbered (a READ COMMITTED writer that found pending rows
 *  at its commit): it moves after them, so the pending rows, committed earlier, come first. Returns
 *  how many rows it numbered. Call it at READ COMMITTED, after the writers' commit (at SERIALIZABLE
 *  it is still correct, but collides with every other numbering of the venue). */
create function tablehold.publish_staff_events(p_venue_id uuid default null, p_moved_id bigint default null)
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
  if v_count = 0 then
    v_was := tablehold.engine_restore(v_was);
    return 0;
  end if;
  if p_moved_id is not null then
    update public.staff_events e set seq = e.seq + v_count where e.id = p_moved_id and e.venue_id = p_venue_id
    returning e.seq - v_count - 1 into v_seq;
  end if;
  insert into public.staff_events overriding user value
  select (jsonb_populate_record(null::public.staff_events, u.event || jsonb_build_object('seq', v_seq + u.n))).*
    from unnest(v_events) with ordinality as u(event, n);
  update tablehold.staff_feeds f set seq = f.seq + v_count where f.venue_id = p_venue_id;
  perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', p_venue_id)::text);
  v_was := tablehold.engine_restore(v_was);
  return v_count;
end;
$$;

/** The staff feed, one event per booking per commit (see the original for the design, and this
 *  migration's header for the levels). The event's shape is public.staff_events, built once here:
 *  at READ COMMITTED numbered at once under the venue's counter row (one statement, as before),
 *  otherwise written to tablehold.staff_events_pending for tablehold.publish_staff_events. */
create or replace function tablehold.tg_bookings__staff_event()
returns trigger
language plpgsql
security definer
set search_path = ''
set enable_seqscan = off
as $$
declare
  v_now tablehold.bookings;
  v_map jsonb := coalesce(nullif(current_setting('tablehold.staff_started', true), ''), '{}')::jsonb;
  v_started text := v_map ->> new.id::text;
  v_numbered boolean := current_setting('transaction_isolation') = 'read committed';
  v_own bigint;
  v_behind boolean;
  v_count int;
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
  with event as (
    select jsonb_populate_record(null::public.staff_events, jsonb_build_object(
      'venue_id', v_now.venue_id, 'service_date', v_now.service_date, 'booking_id', v_now.id,
      'reference', v_now.reference, 'kind', v_now.kind,
      'previous_status', case when v_started is not null then nullif(v_started, 'new')
                              when tg_op = 'UPDATE' then old.status::text end,
      'status', v_now.status, 'party_size', v_now.party_size,
      'starts_at', lower(v_now.during), 'ends_at', upper(v_now.during),
      'guest_name', (select c.name from tablehold.clients c where c.id = v_now.client_id),
      'units', array(select distinct u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
                     where a.booking_id = v_now.id and not a.superseded order by u.code),
      'actor_user_id', tablehold.actor_id(), 'actor_role', tablehold.actor_label(v_now.venue_id),
      'api_key_id', tablehold.api_key_id(),
      'reason', coalesce(v_now.block_reason, v_now.status_reason), 'occurred_at', tablehold.clock())) as row
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

-- erasure reaches the pending rows too
create or replace function tablehold.tg_clients__erase_staff_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_was text := tablehold.engine_on();
begin
  update public.staff_events e set guest_name = null
   where e.booking_id in (select b.id from tablehold.bookings b where b.client_id = new.id) and e.guest_name is not null;
  update tablehold.staff_events_pending p set event = p.event || '{"guest_name": null}'
   where p.booking_id in (select b.id from tablehold.bookings b where b.client_id = new.id)
     and p.event ->> 'guest_name' is not null;
  v_was := tablehold.engine_restore(v_was);
  return null;
end;
$$;

-- Point reads, never scans, where a booking reads (2. above).
alter function tablehold.place_booking(uuid, int, date, text, timestamptz, uuid[], uuid, jsonb, uuid, text, text, bigint,
  text, text, text, boolean, boolean) set enable_seqscan = off;
alter function tablehold.pooled_use(uuid, tstzrange, bigint) set enable_seqscan = off;
alter function tablehold.exclusive_overlap(uuid, tstzrange, bigint) set enable_seqscan = off;
alter function tablehold.resolve_client(uuid, int, uuid, jsonb) set enable_seqscan = off;

-- Serializable writers outside the Edge Functions (which number right after their commit) are
-- numbered within a minute.
do $$
begin
  perform cron.schedule('tablehold-publish-staff-events', '* * * * *', 'select tablehold.publish_staff_events()');
end;
$$;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
