-- Clients (the guest CRM), bookings and their allocations of inventory.

create table tablehold.clients (
  id            uuid primary key default gen_random_uuid(),
  venue_id      uuid not null references tablehold.venues (id) on delete cascade,
  user_id       uuid references auth.users (id) on delete set null,
  name          text not null check (length(name) between 1 and 200),
  email         text check (email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 320),
  phone         text check (phone ~ '^\+?[0-9 ()-]{5,32}$'),
  date_of_birth date check (date_of_birth > '1900-01-01'),
  notes         text check (length(notes) <= 4000),
  tags          text[] not null default '{}',
  visit_count   int not null default 0 check (visit_count >= 0),
  no_show_count int not null default 0 check (no_show_count >= 0),
  erased_at     timestamptz,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  unique (id, venue_id)
);
comment on table tablehold.clients is 'A venue''s guests. Erasing a client anonymises the personal data and keeps the booking history.';
create unique index clients_venue_email_key on tablehold.clients (venue_id, lower(email)) where email is not null;
create index clients_user_idx on tablehold.clients (user_id) where user_id is not null;

create table tablehold.bookings (
  id                 uuid primary key default gen_random_uuid(),
  reference          text not null unique check (reference ~ '^(BR|BL)-[0-9]{6}-[A-HJ-NP-Z2-9]{6}$'),
  venue_id           uuid not null references tablehold.venues (id),
  client_id          uuid,
  kind               tablehold.booking_kind not null default 'booking',
  status             tablehold.booking_status not null default 'held',
  party_size         int not null default 1 check (party_size between 1 and 500),
  service_date       date not null,
  slot_id            uuid references tablehold.slots (id),
  during             tstzrange not null,
  hold_expires_at    timestamptz,
  deposit_total      numeric(10, 2) not null default 0,
  min_spend_total    numeric(10, 2) not null default 0,
  payment_ref        text check (length(payment_ref) <= 200),
  special_requests   text check (length(special_requests) <= 2000),
  occasion           text check (length(occasion) <= 100),
  source             tablehold.booking_source not null default 'staff',
  idempotency_key    text check (length(idempotency_key) between 1 and 200),
  request_hash       text,
  manage_token_hash  text,
  block_reason       text,
  status_reason      text,
  created_by         uuid,
  created_by_role    text,
  held_at            timestamptz,
  submitted_at       timestamptz,
  confirmed_at       timestamptz,
  cancelled_at       timestamptz,
  seated_at          timestamptz,
  completed_at       timestamptz,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  foreign key (client_id, venue_id) references tablehold.clients (id, venue_id),
  unique (venue_id, idempotency_key),
  constraint bookings_during_check check (not isempty(during) and not lower_inf(during) and not upper_inf(during)),
  constraint bookings_block_check check ((kind = 'block') = (block_reason is not null)),
  constraint bookings_hold_check check (status <> 'held' or hold_expires_at is not null)
);
comment on table tablehold.bookings is 'A guest booking or a staff block. Status machine: held -> confirmed | pending_approval -> confirmed | rejected; confirmed -> seated -> completed; cancelled, expired and no_show where they make sense.';
comment on column tablehold.bookings.during is 'When the guests are expected (start to start + turn time); allocations add the buffer.';
comment on column tablehold.bookings.submitted_at is 'When the booking left the hold stage (confirmed or sent for approval): what metrics count as a booking made.';
comment on column tablehold.bookings.manage_token_hash is 'sha256 of the guest''s manage token; the token itself is shown once, at booking.';
create index bookings_venue_date_idx on tablehold.bookings (venue_id, service_date);
create index bookings_client_idx on tablehold.bookings (client_id) where client_id is not null;
create index bookings_held_expiry_idx on tablehold.bookings (hold_expires_at) where status = 'held';

create table tablehold.allocations (
  id           bigint primary key generated always as identity,
  booking_id   uuid not null references tablehold.bookings (id) on delete cascade,
  unit_id      uuid not null,
  venue_id     uuid not null,
  service_date date not null,
  during       tstzrange not null,
  quantity     int not null default 1 check (quantity >= 1),
  exclusive    boolean not null,
  active       boolean not null,
  superseded   boolean not null default false,
  expires_at   timestamptz,
  created_at   timestamptz not null default now(),
  foreign key (unit_id, venue_id) references tablehold.units (id, venue_id),
  constraint allocations_during_check check (not isempty(during) and not lower_inf(during) and not upper_inf(during)),
  constraint allocations_exclusive_quantity_check check (not exclusive or quantity = 1),
  -- The guarantee for tables, booths and exclusive sections: no two active allocations of one unit overlap.
  constraint allocations_unit_during_excl exclude using gist (unit_id with =, during with &&) where (active and exclusive)
);
comment on table tablehold.allocations is 'Inventory a booking or block occupies: a unit, a time range and a quantity. Active while the booking holds inventory; a hold''s allocation frees itself at expires_at even before the sweeper marks it.';
comment on column tablehold.allocations.superseded is 'Replaced by a modification: kept for history, never taken again (a re-take restores only the current set).';
create index allocations_unit_date_idx on tablehold.allocations (unit_id, service_date) where active;
create index allocations_booking_idx on tablehold.allocations (booking_id);
create index allocations_venue_date_idx on tablehold.allocations (venue_id, service_date) where active;
