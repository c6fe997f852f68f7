-- Events and feeds; audit: the outbox (public.availability_events, public.staff_events) and the
-- audit trail (tablehold.audit_log) are pruned beyond configurable windows by a pg_cron job
-- (issue 9, "the outbox and audit tables grow forever").
--
-- The windows are one row, tablehold.retention, edited with SQL (Studio, psql):
--   resume_window        24 hours  how long after it lost its stream a live client may reconnect
--                                  with Last-Event-ID and be replayed every event it missed
--   availability_events   7 days   (never less than the resume window)
--   staff_events         30 days   (never less than the resume window)
--   audit_log           365 days
-- What tablehold.prune_history deletes, per batch:
--   * an availability event older than its window, unless it is the latest event of its key (unit
--     and window) on a night not yet over by that window: the engine continues each key from its
--     latest event (tablehold.emit_unit_events), so that one stays while the night can still change;
--   * a staff event older than its window;
--   * an audit row older than its window.
-- Nothing younger than the resume window is ever deleted: a client that reconnects within it finds
-- every event after its Last-Event-ID (writers' transactions are assumed to last far less than the
-- retention windows). A client that comes back later than that, from a version whose next event is
-- gone, is sent a fresh snapshot by the Edge availability route instead of a replay with a gap: the
-- job records per channel the highest version it deleted (tablehold.outbox_pruned), and
-- public.channel_resumable answers from that row, without reading the outbox.
-- The job runs hourly (procedure tablehold.prune_history_in_batches, committing after each batch,
-- so that no delete holds its locks for long); BRIN indexes on the time columns find the old rows
-- without scanning the tables and cost next to nothing on the write path.

create table tablehold.retention (
  singleton           boolean primary key default true constraint retention_singleton_check check (singleton),
  resume_window       interval not null default interval '24 hours'
                      constraint retention_resume_window_check check (resume_window >= interval '1 minute'),
  availability_events interval not null default interval '7 days',
  staff_events        interval not null default interval '30 days',
  audit_log           interval not null default interval '365 days'
                      constraint retention_audit_log_check check (audit_log >= interval '1 day'),
  constraint retention_outbox_check check (availability_events >= resume_window and staff_events >= resume_window)
);
comment on table tablehold.retention is 'How long the outbox and the audit trail are kept (one row; edit its columns): resume_window, how long a client may reconnect with Last-Event-ID and be replayed what it missed, and per table the age beyond which tablehold.prune_history deletes rows. The outbox windows are never shorter than the resume window.';
insert into tablehold.retention default values;

create trigger tg_retention__guard before delete on tablehold.retention
for each row execute function tablehold.tg_refuse_direct_edit(
  'the retention windows are one row the pruning job reads', 'update its columns');
create trigger tg_retention__guard_truncate before truncate on tablehold.retention
for each statement execute function tablehold.tg_refuse_direct_edit(
  'the retention windows are one row the pruning job reads', 'update its columns');

alter table tablehold.retention enable row level security;
create policy "only the server reads the retention windows" on tablehold.retention for select to service_role using (true);
revoke all on tablehold.retention from public, anon, authenticated;
grant all on tablehold.retention to service_role;

create table tablehold.outbox_pruned (
  venue_id        uuid not null,
  service_date    date not null,
  through_version bigint not null,
  primary key (venue_id, service_date)
);
comment on table tablehold.outbox_pruned is 'Per channel, the highest availability event version the retention job deleted: a stream may resume after a version at or above it with nothing missing (public.channel_resumable). Only the engine writes it.';
create trigger tg_outbox_pruned__guard before insert or update or delete on tablehold.outbox_pruned
for each row when (not tablehold.in_engine()) execute function tablehold.tg_refuse_direct_edit(
  'only the engine writes this table: it says which events the retention job deleted', 'nothing: tablehold.prune_history keeps it');
create trigger tg_outbox_pruned__guard_truncate before truncate on tablehold.outbox_pruned
for each statement execute function tablehold.tg_refuse_direct_edit(
  'only the engine writes this table: it says which events the retention job deleted', 'nothing: tablehold.prune_history keeps it');
alter table tablehold.outbox_pruned enable row level security;
create policy "only the server reads what was pruned" on tablehold.outbox_pruned for select to service_role using (true);
revoke all on tablehold.outbox_pruned from public, anon, authenticated;
grant all on tablehold.outbox_pruned to service_role;

create index availability_events_occurred_brin on public.availability_events using brin (occurred_at) with (autosummarize = on);
create index staff_events_occurred_brin on public.staff_events using brin (occurred_at) with (autosummarize = on);
create index audit_log_at_brin on tablehold.audit_log using brin (at) with (autosummarize = on);

/** Delete one batch (at most p_limit rows per table) of the outbox and audit rows past their
 *  retention windows (tablehold.retention; the migration that made it says what is kept and why).
 *  Returns how many rows went from each table. Trusted callers only (the pg_cron job, a DBA).
 *  Example: select tablehold.prune_history(1000);  -- {"audit_log": 0, "staff_events": 12, "availability_events": 340} */
create function tablehold.prune_history(p_limit int default 5000)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  c_trusted constant int := 4;  -- tablehold.caller_rank: the service role, or a trusted database session
  v_now timestamptz := tablehold.clock();
  v_limit int := greatest(coalesce(p_limit, 5000), 1);
  v_keep tablehold.retention;
  v_events int;
  v_staff int;
  v_audit int;
  v_was text;
begin
  perform tablehold.require_rank(null, c_trusted);
  select * into strict v_keep from tablehold.retention;
  v_was := tablehold.engine_on();  -- the outbox's guards stand down for the engine only
  with doomed as (
    select e.id from public.availability_events e
     where e.occurred_at < v_now - greatest(v_keep.availability_events, v_keep.resume_window)
       and (-- the night is over (a service day ends within two days of its date in any time zone),
            -- and was over before the window began: no key of it will change again
            e.service_date < ((v_now - v_keep.availability_events) at time zone 'UTC')::date - 2
            -- or a later event of the same key carries its state on
            or exists (select 1 from public.availability_events n
                        where n.venue_id = e.venue_id and n.service_date = e.service_date and n.unit_id = e.unit_id
                          and n.starts_at = e.starts_at and n.ends_at = e.ends_at and n.version > e.version))
     limit v_limit
  ), gone as (
    delete from public.availability_events e using doomed d where e.id = d.id returning e.venue_id, e.service_date, e.version
  ), marked as (
    insert into tablehold.outbox_pruned as p (venue_id, service_date, through_version)
    select g.venue_id, g.service_date, max(g.version) from gone g group by g.venue_id, g.service_date
    on conflict (venue_id, service_date) do update set through_version = greatest(p.through_version, excluded.through_version)
    returning 1
  )
  select count(*) into v_events from gone;

  with doomed as (
    select e.id from public.staff_events e
     where e.occurred_at < v_now - greatest(v_keep.staff_events, v_keep.resume_window)
     limit v_limit
  ), gone as (
    delete from public.staff_events e using doomed d where e.id = d.id returning 1
  )
  select count(*) into v_staff from gone;

  with doomed as (
    select l.id from tablehold.audit_log l where l.at < v_now - v_keep.audit_log limit v_limit
  ), gone as (
    delete from tablehold.audit_log l using doomed d where l.id = d.id returning 1
  )
  select count(*) into v_audit from gone;
  v_was := tablehold.engine_restore(v_was);
  return jsonb_build_object('availability_events', v_events, 'staff_events', v_staff, 'audit_log', v_audit);
end;
$$;

/** The pg_cron job: tablehold.prune_history in batches of p_batch_size, committing after each, until
 *  a batch comes back short on every table, or after p_max_batches. A procedure, because only a
 *  procedure can commit; called on its own, as pg_cron does: call tablehold.prune_history_in_batches();
 *  It runs with its caller's rights (a procedure that commits can be neither SECURITY DEFINER nor
 *  pin search_path, so every name in it is schema-qualified); tablehold.prune_history checks the
 *  caller. */
create procedure tablehold.prune_history_in_batches(p_batch_size int default 5000, p_max_batches int default 200)
language plpgsql
as $$
declare
  v_batch int := greatest(coalesce(p_batch_size, 5000), 1);
  v_done jsonb;
begin
  for i in 1 .. greatest(coalesce(p_max_batches, 200), 1) loop
    v_done := tablehold.prune_history(v_batch);
    commit;
    exit when (v_done ->> 'availability_events')::int < v_batch and (v_done ->> 'staff_events')::int < v_batch
          and (v_done ->> 'audit_log')::int < v_batch;
  end loop;
end;
$$;

/** Whether a stream of the channel can resume after version p_after with nothing missing: p_after is
 *  at most the channel's version and no event after it was pruned (tablehold.outbox_pruned). The
 *  Edge availability route sends a fresh snapshot instead when it cannot. Reads no outbox row. Anyone
 *  may call it; an API key needs the read scope at the venue.
 *  Example: select public.channel_resumable('00000000-0000-4000-b000-000000000002', '2026-12-04', 41); */
create function public.channel_resumable(p_venue_id uuid, p_date date, p_after bigint)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform tablehold.availability_venue(p_venue_id, p_date, null, null);
  return p_after >= coalesce((select p.through_version from tablehold.outbox_pruned p
                               where p.venue_id = p_venue_id and p.service_date = p_date), 0)
     and p_after <= coalesce((select c.version from tablehold.channels c
                               where c.venue_id = p_venue_id and c.service_date = p_date), 0);
end;
$$;
revoke execute on function public.channel_resumable(uuid, date, bigint) from public, anon, authenticated;
grant execute on function public.channel_resumable(uuid, date, bigint) to anon, authenticated, service_role;

comment on function tablehold.prune_history(int) is 'One batch of the retention job: the outbox and audit rows past their windows (tablehold.retention), never an event younger than the resume window nor the latest event of a key whose night can still change.';
comment on procedure tablehold.prune_history_in_batches(int, int) is 'The pg_cron job tablehold-prune-history: tablehold.prune_history in committed batches.';

-- WARNING: keep the command a single CALL: pg_cron lets a procedure commit only when it is the job's
-- one statement. cron.schedule upserts by job name.
do $$
begin
  perform cron.schedule('tablehold-prune-history', '37 * * * *', 'call tablehold.prune_history_in_batches()');
end;
$$;

revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
revoke execute on all procedures in schema tablehold from public, anon, authenticated;
grant execute on all procedures in schema tablehold to service_role;
