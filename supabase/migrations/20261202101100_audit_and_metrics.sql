-- Audit and metrics: every insert, update and delete of bookings, allocations, clients, units,
-- venues, staff and API keys is audited with its actor; refused booking attempts are counted per
-- venue, day and code (the refused transaction rolls back, so the caller records them afterwards);
-- and the operational metrics read both.

create table tablehold.audit_log (
  id            bigint primary key generated always as identity,
  at            timestamptz not null default now(),
  venue_id      uuid,
  entity        text not null,
  entity_id     text not null,
  action        text not null check (action in ('insert', 'update', 'delete')),
  actor_user_id uuid,
  actor_role    text not null,
  api_key_id    uuid,
  before        jsonb,
  after         jsonb,
  reason        text,
  override      boolean not null default false
);
comment on table tablehold.audit_log is 'Every change to bookings, allocations, clients, units and venues: who (user and role, or API key), before and after, why, and whether a manager overrode a rule.';
create index audit_log_venue_at_idx on tablehold.audit_log (venue_id, at desc);
create index audit_log_entity_idx on tablehold.audit_log (entity, entity_id);

/** The audit trail: one row per insert, update or delete, with the actor from the JWT claims
 *  (user, role, API key, read through the engine's cached helpers) or the database user, and the
 *  reason and override flag the engine set for this transaction (tablehold.audit_reason,
 *  tablehold.override). An update that changes nothing writes nothing. */
create function tablehold.tg_audit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_before jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  v_after jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  v_row jsonb := coalesce(v_after, v_before);
begin
  if tg_op = 'UPDATE' and v_before = v_after then
    return null;
  end if;
  insert into tablehold.audit_log (venue_id, entity, entity_id, action, actor_user_id, actor_role,
    api_key_id, before, after, reason, override)
  values (
    (case when tg_table_name = 'venues' then v_row ->> 'id' else v_row ->> 'venue_id' end)::uuid,
    tg_table_name, v_row ->> 'id', lower(tg_op), tablehold.actor_id(), tablehold.actor_role(),
    tablehold.api_key_id(), v_before, v_after,
    nullif(current_setting('tablehold.audit_reason', true), ''),
    coalesce(nullif(current_setting('tablehold.override', true), '')::boolean, false));
  return null;
end;
$$;
create trigger tg_bookings__audit after insert or update or delete on tablehold.bookings
for each row execute function tablehold.tg_audit();
create trigger tg_allocations__audit after insert or update or delete on tablehold.allocations
for each row execute function tablehold.tg_audit();
create trigger tg_clients__audit after insert or update or delete on tablehold.clients
for each row execute function tablehold.tg_audit();
create trigger tg_units__audit after insert or update or delete on tablehold.units
for each row execute function tablehold.tg_audit();
create trigger tg_venues__audit after insert or update or delete on tablehold.venues
for each row execute function tablehold.tg_audit();
create trigger tg_staff_members__audit after insert or update or delete on tablehold.staff_members
for each row execute function tablehold.tg_audit();
create trigger tg_api_keys__audit after insert or update or delete on tablehold.api_keys
for each row execute function tablehold.tg_audit();

-- Refused attempts and the metrics.
create table tablehold.refusals (
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  day      date not null,
  code     text not null references tablehold.error_codes (code),
  stale    boolean not null,
  count    bigint not null default 0,
  primary key (venue_id, day, code, stale)
);
comment on table tablehold.refusals is 'Refused booking attempts per venue, day and error code. The refused transaction rolls back, so the caller records the refusal afterwards in its own transaction (public.record_refusal).';

/** Count a refused booking attempt. The refused transaction has rolled back, so the caller (the
 *  Edge Functions, or any trusted client) records it afterwards in a transaction of its own.
 *  p_stale: the caller's availability view was behind (error detail "stale": true). */
create function public.record_refusal(p_venue_id uuid, p_code text, p_stale boolean default false)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_timezone text;
begin
  perform tablehold.require_rank(p_venue_id, 4);
  v_timezone := (tablehold.venue(p_venue_id)).timezone;
  if not exists (select 1 from tablehold.error_codes e where e.code = p_code) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'code', 'problem', 'unknown error code'));
  end if;
  insert into tablehold.refusals as r (venue_id, day, code, stale, count)
  values (p_venue_id, (tablehold.clock() at time zone v_timezone)::date, p_code, coalesce(p_stale, false), 1)
  on conflict (venue_id, day, code, stale) do update set count = r.count + 1;
end;
$$;

create view tablehold.venue_daily_metrics
with (security_invoker = true)
as
with made as (
  -- the day a booking happened, on the engine clock, in the venue's zone
  select b.venue_id, (coalesce(b.held_at, b.submitted_at, b.created_at) at time zone v.timezone)::date as day,
    count(*) filter (where b.submitted_at is not null) as bookings_made,
    count(*) filter (where b.held_at is not null) as holds_created,
    count(*) filter (where b.held_at is not null and b.submitted_at is not null) as holds_confirmed,
    count(*) filter (where b.status = 'expired') as holds_expired
  from tablehold.bookings b join tablehold.venues v on v.id = b.venue_id
  where b.kind = 'booking'
  group by 1, 2
), by_code as (
  select r.venue_id, r.day, r.code, sum(r.count) as count, sum(r.count) filter (where r.stale) as stale
  from tablehold.refusals r
  group by 1, 2, 3
), refused as (
  select c.venue_id, c.day, sum(c.count) as refused, coalesce(sum(c.stale), 0) as stale_refused,
    jsonb_object_agg(c.code, c.count) as by_code
  from by_code c
  group by 1, 2
)
select coalesce(m.venue_id, f.venue_id) as venue_id, coalesce(m.day, f.day) as day,
  coalesce(m.bookings_made, 0) as bookings_made,
  coalesce(m.holds_created, 0) as holds_created,
  coalesce(m.holds_confirmed, 0) as holds_confirmed,
  coalesce(m.holds_expired, 0) as holds_expired,
  round(m.holds_confirmed::numeric / nullif(m.holds_created, 0), 4) as hold_conversion,
  coalesce(f.refused, 0) as conflicts_prevented,
  coalesce(f.stale_refused, 0) as stale_view_refusals,
  coalesce(f.by_code, '{}') as refusals_by_code
from made m full join refused f on f.venue_id = m.venue_id and f.day = m.day;
comment on view tablehold.venue_daily_metrics is 'Per venue and day: bookings made, guest holds created / confirmed / expired and the conversion rate (a direct booking is not a hold), refused attempts by error code (conflicts prevented) and those refused because the caller''s view was stale.';

/** A venue's operational metrics for a date range (manager and up). */
create function public.venue_metrics(p_venue_id uuid, p_from date, p_to date)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 2);
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 366 then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'to', 'problem', 'a range of at most 366 days'));
  end if;
  return coalesce((
    select jsonb_agg(to_jsonb(m) - 'venue_id' order by m.day)
    from tablehold.venue_daily_metrics m
    where m.venue_id = p_venue_id and m.day between p_from and p_to), '[]');
end;
$$;
