-- The outbox behind the live feed, the audit log and refused-attempt counters.

create table tablehold.channels (
  venue_id     uuid not null references tablehold.venues (id) on delete cascade,
  service_date date not null,
  version      bigint not null default 0,
  primary key (venue_id, service_date)
);
comment on table tablehold.channels is 'One availability channel per (venue, service date); version rises by exactly 1 per event.';

create table public.availability_events (
  id             bigint primary key generated always as identity,
  channel        text not null,
  venue_id       uuid not null references tablehold.venues (id) on delete cascade,
  service_date   date not null,
  version        bigint not null check (version >= 1),
  unit_id        uuid not null references tablehold.units (id) on delete cascade,
  slot_id        uuid references tablehold.slots (id) on delete set null,
  starts_at      timestamptz not null,
  ends_at        timestamptz not null,
  capacity_mode  tablehold.capacity_mode not null,
  previous_state text not null check (previous_state in ('available', 'unavailable')),
  new_state      text not null check (new_state in ('available', 'unavailable')),
  remaining      int not null,
  capacity       int not null,
  reason         text not null,
  occurred_at    timestamptz not null default now(),
  unique (venue_id, service_date, version),
  constraint availability_events_channel_check check (channel = venue_id::text || ':' || service_date::text)
);
comment on table public.availability_events is 'Public availability changes, one row per change of a unit''s public state on a (venue, service date) channel, written in the same transaction as the change. No personal data. pooled units: the key is the slot or service-day window and remaining counts free units. exclusive units: the key is the allocation window, unavailable = taken, available = freed.';
comment on column public.availability_events.channel is 'venue_id:service_date, for Realtime filters (channel=eq.<venue>:<date>).';
create index availability_events_key_idx on public.availability_events (venue_id, service_date, unit_id, starts_at, ends_at, version desc);

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

create table tablehold.refusals (
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  day      date not null,
  code     text not null references tablehold.error_codes (code),
  stale    boolean not null,
  count    bigint not null default 0,
  primary key (venue_id, day, code, stale)
);
comment on table tablehold.refusals is 'Refused booking attempts per venue, day and error code. The refused transaction rolls back, so the caller records the refusal afterwards in its own transaction (public.record_refusal).';
