-- The hold sweeper, set-based and in batches (issue 8: "Sweeping 10 000 expired holds: < 1 s, and a
-- booking of a swept night waits < 100 ms meanwhile").
--
-- Before: public.sweep_expired_holds updated one booking at a time; each update ran the whole
-- cascade of triggers for that hold alone (its allocations released, their events computed while
-- every other lapsed hold of the key was still active, audit rows, the staff feed): about 1 ms a
-- hold at 1 000 and 3.5 to 12 ms a hold at 10 000 (`npm run bench -- sweeper`, BENCHMARKS.md), and
-- one call kept every swept night's lock until it had done them all: a guest booking one of those
-- nights waited as long as the sweep.
--
-- Now:
--   * tablehold.expire_holds expires a set of lapsed holds with one statement per table: it locks
--     the holds (skipping any a concurrent change has taken out of 'held'), publishes each changed
--     key once in its final state, releases every allocation in one UPDATE and marks every booking
--     expired in one UPDATE. The sweeper, refresh_channel and the lazy expiry of a key being booked
--     (tablehold.expire_stale_holds) all use it: one home for "how a lapsed hold is expired".
--   * public.sweep_expired_holds keeps its signature and its lock order (channel by channel, in
--     (venue, date) order) and expires each channel's holds as one set.
--   * pg_cron calls the procedure tablehold.sweep_expired_holds_in_batches, which runs
--     public.sweep_expired_holds on batches of 100 holds and COMMITs after each: a night's lock is
--     held for one batch (50 to 170 ms measured), not for the whole sweep. A function cannot commit,
--     so a single call of public.sweep_expired_holds(10000) still holds every lock it took until
--     its caller commits; that is the caller's choice.
--
-- What the triggers still do per row: the booking and allocation triggers have no set-based form
-- and do not stand down for the engine (only the direct-edit guards do, tablehold.in_engine()), so
-- the audit rows (one per booking, one per allocation, as every expiry writes them), the staff feed
-- entry (one per booking, at commit) and an event check per allocation are still written by them,
-- row by row, exactly as for any other expiry, and they are most of what a sweep costs now. They are
-- cheaper here than in the per-hold cascade: by the time they run, every allocation of the set is
-- released and every changed key published, so their event checks find nothing left to emit.

/** Expire together the holds among p_booking_ids that are still held and whose time is up.
 *  Locks them (in id order), publishes the availability events once per changed key
 *  (tablehold.emit_unit_events with reason hold_expired: a lapsed hold already counts as free, so
 *  each key is published in its final state, exactly what expiring the holds one by one publishes),
 *  releases all their allocations in one UPDATE and marks them all expired in another, with the
 *  engine flag on (the direct-edit guards stand down; the status machine, the audit and the staff
 *  feed triggers run as for any status change). Returns how many it expired.
 *  It leaves the audit rows and the staff feed line to those row triggers: call it where they run.
 *  WARNING: the caller must already hold the channel lock (tablehold.lock_channels) of the nights
 *  these holds are on: the engine's lock order is channel, then booking rows, then allocations, and
 *  the events must be computed under the channel lock. Lazy expiry (tablehold.expire_stale_holds)
 *  runs inside the allocation trigger, which holds it; the sweepers take it first. */
create function tablehold.expire_holds(p_booking_ids uuid[])
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
  v_ids uuid[];
  v_was text;
  v_key record;
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
  -- each changed key once, in its final state; the allocation trigger's own check then adds nothing
  for v_key in
    select distinct a.service_date, a.unit_id, a.during
      from tablehold.allocations a
     where a.booking_id = any (v_ids) and a.active and not a.superseded
     order by a.service_date, a.unit_id, a.during
  loop
    perform tablehold.emit_unit_events(v_key.unit_id, v_key.service_date, v_key.during, 'hold_expired');
  end loop;
  -- the booking trigger would release these one booking at a time; released first, it finds none
  update tablehold.allocations a
     set active = false, expires_at = null
   where a.booking_id = any (v_ids) and a.active and not a.superseded;
  update tablehold.bookings b
     set status = 'expired', status_reason = 'hold_expired'
   where b.id = any (v_ids);
  v_was := tablehold.engine_restore(v_was);
  return cardinality(v_ids);
end;
$$;

/** Expire, now, every hold on this unit overlapping p_window whose time is up, so it never blocks
 *  anyone, without waiting for the sweeper (the allocation trigger calls it for the window it is
 *  taking, under the channel lock). One set: tablehold.expire_holds. */
create or replace function tablehold.expire_stale_holds(p_unit_id uuid, p_window tstzrange)
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
begin
  return tablehold.expire_holds(array(
    select a.booking_id from tablehold.allocations a
     where a.unit_id = p_unit_id and a.active and a.during && p_window and a.expires_at <= v_now));
end;
$$;

/** Expire up to p_limit (null: all) of the lapsed holds of one channel (venue, service date) as one
 *  set, oldest first, under the channel's lock, which it takes. Returns how many it expired. */
create function tablehold.sweep_channel(p_venue_id uuid, p_service_date date, p_limit int default null)
returns int
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := tablehold.clock();
begin
  perform tablehold.lock_channels(p_venue_id, array[p_service_date]);
  return tablehold.expire_holds(array(
    select b.id from tablehold.bookings b
     where b.status = 'held' and b.hold_expires_at <= v_now
       and b.venue_id = p_venue_id and b.service_date = p_service_date
     order by b.hold_expires_at, b.id
     limit p_limit));
end;
$$;

/** Mark up to p_limit holds whose time is up as expired, freeing their inventory and emitting their
 *  hold_expired events (one per changed key). Correctness never waits for this: an expired hold
 *  already counts as free everywhere, and whatever books its key expires it first.
 *  Channel by channel in the engine's lock order (venue, date), each channel's holds as one set
 *  (tablehold.sweep_channel). Every channel it locks stays locked until the caller commits: keep
 *  p_limit small, or let tablehold.sweep_expired_holds_in_batches (the pg_cron job) commit between
 *  batches. Service role and database only.
 *  Example: select public.sweep_expired_holds(100);  -- returns how many holds it expired */
create or replace function public.sweep_expired_holds(p_limit int default 500)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_trusted constant int := 4;  -- tablehold.caller_rank: the service role, or a session with no JWT (cron, Studio)
  v_left int := greatest(coalesce(p_limit, 500), 1);
  v_now timestamptz := tablehold.clock();
  v_channel record;
begin
  perform tablehold.require_rank(null, c_trusted);
  for v_channel in
    select b.venue_id, b.service_date from tablehold.bookings b
     where b.status = 'held' and b.hold_expires_at <= v_now
     group by b.venue_id, b.service_date
     order by b.venue_id, b.service_date
  loop
    v_left := v_left - tablehold.sweep_channel(v_channel.venue_id, v_channel.service_date, v_left);
    exit when v_left <= 0;
  end loop;
  return greatest(coalesce(p_limit, 500), 1) - v_left;
end;
$$;
comment on function public.sweep_expired_holds(int) is 'Expire up to p_limit holds whose TTL has passed, each channel''s as one set, in one transaction (the caller''s). The pg_cron job calls tablehold.sweep_expired_holds_in_batches, which commits between batches.';

/** The pg_cron job: sweep every lapsed hold in batches of p_batch_size (public.sweep_expired_holds),
 *  committing after each, so that a night's lock is held for one batch and a guest booking that
 *  night waits for one batch at most; stops when a batch comes back short, or after p_max_batches.
 *  A procedure, because only a procedure can commit; called on its own (CALL, not inside a
 *  transaction block), as pg_cron does: call tablehold.sweep_expired_holds_in_batches();
 *  It runs with its caller's rights (a procedure that commits can be neither SECURITY DEFINER nor
 *  pin search_path, so every name in it is schema-qualified); public.sweep_expired_holds checks the
 *  caller. */
create procedure tablehold.sweep_expired_holds_in_batches(p_batch_size int default 100, p_max_batches int default 500)
language plpgsql
as $$
declare
  v_batch int := greatest(coalesce(p_batch_size, 100), 1);
  v_swept int;
begin
  for i in 1 .. greatest(coalesce(p_max_batches, 500), 1) loop
    v_swept := public.sweep_expired_holds(v_batch);
    commit;
    exit when v_swept < v_batch;
  end loop;
end;
$$;
comment on procedure tablehold.sweep_expired_holds_in_batches(int, int) is 'The pg_cron job tablehold-sweep-expired-holds: every lapsed hold, in committed batches of p_batch_size.';

/** Expire the holds of one channel whose time is up, so the channel's version and events catch
 *  up before a snapshot is served (the Edge availability route calls it; anyone may). One set
 *  (tablehold.sweep_channel). */
create or replace function public.refresh_channel(p_venue_id uuid, p_date date)
returns int
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform tablehold.venue(p_venue_id);
  if p_date is null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'date', 'problem', 'date is required'));
  end if;
  -- the usual case, nothing to expire, takes no lock: readers never queue behind writers
  if not exists (select 1 from tablehold.bookings b
                 where b.venue_id = p_venue_id and b.service_date = p_date
                   and b.status = 'held' and b.hold_expires_at <= tablehold.clock()) then
    return 0;
  end if;
  return tablehold.sweep_channel(p_venue_id, p_date);
end;
$$;

-- pg_cron runs the procedure, on the schedule the job already has ('10 seconds' where pg_cron >= 1.5,
-- every minute otherwise). WARNING: keep the command a single CALL: pg_cron lets a procedure commit
-- only when it is the job's one statement.
select cron.alter_job(j.jobid, command => 'call tablehold.sweep_expired_holds_in_batches()')
  from cron.job j
 where j.jobname = 'tablehold-sweep-expired-holds';

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
revoke execute on all procedures in schema tablehold from public, anon, authenticated;
grant execute on all procedures in schema tablehold to service_role;
revoke execute on function public.sweep_expired_holds(int) from public, anon, authenticated;
grant execute on function public.sweep_expired_holds(int) to service_role;
revoke execute on function public.refresh_channel(uuid, date) from public, anon, authenticated;
grant execute on function public.refresh_channel(uuid, date) to anon, authenticated, service_role;
