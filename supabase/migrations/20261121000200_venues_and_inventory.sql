-- Operators, venues, opening hours, areas, slots, inventory units, combinations, pacing, staff, API keys.

create table tablehold.operators (
  id         uuid primary key default gen_random_uuid(),
  slug       text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name       text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);
comment on table tablehold.operators is 'The business that owns one or more venues.';

create table tablehold.venues (
  id                  uuid primary key default gen_random_uuid(),
  operator_id         uuid not null references tablehold.operators (id),
  slug                text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name                text not null check (length(name) between 1 and 200),
  kind                tablehold.venue_kind not null,
  timezone            text not null constraint venues_timezone_check check (tablehold.is_valid_timezone(timezone)),
  service_day_cutover time not null default '05:00',
  booking_horizon     interval not null default '180 days' check (booking_horizon > interval '0'),
  min_notice          interval not null default '0' check (min_notice >= interval '0'),
  min_party           int not null default 1,
  max_party           int not null default 50,
  min_age             int check (min_age between 1 and 99),
  hold_ttl            interval not null default '5 minutes' check (hold_ttl > interval '0' and hold_ttl <= interval '1 day'),
  start_grid          interval not null default '15 minutes' check (start_grid >= interval '1 minute'),
  default_turn        interval not null default '2 hours' check (default_turn > interval '0'),
  buffer              interval not null default '0' check (buffer >= interval '0'),
  requires_approval   boolean not null default false,
  created_at          timestamptz not null default now(),
  constraint venues_party_limits_check check (min_party >= 1 and max_party >= min_party and max_party <= 500)
);
comment on table tablehold.venues is 'A bar, club or restaurant. Times are interpreted in its IANA timezone; a service day runs from service_day_cutover to the next day''s cutover, so a 01:30 booking belongs to the previous date.';
comment on column tablehold.venues.start_grid is 'Table venues offer start times every start_grid from opening.';
comment on column tablehold.venues.buffer is 'Kept free after each table booking (clearing, resetting).';

create table tablehold.opening_hours (
  id       bigint primary key generated always as identity,
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  weekday  smallint not null check (weekday between 1 and 7),
  opens    time not null,
  closes   time not null,
  unique (venue_id, weekday, opens)
);
comment on table tablehold.opening_hours is 'Weekly hours per ISO weekday (1 = Monday) of the service date. closes <= opens spans midnight (22:00 to 04:00).';

create table tablehold.opening_exceptions (
  venue_id     uuid not null references tablehold.venues (id) on delete cascade,
  service_date date not null,
  closed       boolean not null default false,
  opens        time,
  closes       time,
  note         text,
  primary key (venue_id, service_date),
  constraint opening_exceptions_hours_check check (closed or (opens is not null and closes is not null))
);
comment on table tablehold.opening_exceptions is 'A closed day, or special hours replacing the weekly hours for one service date.';

create table tablehold.turn_times (
  venue_id  uuid not null references tablehold.venues (id) on delete cascade,
  min_party int not null check (min_party >= 1),
  max_party int not null,
  duration  interval not null check (duration > interval '0'),
  primary key (venue_id, min_party),
  constraint turn_times_party_check check (max_party >= min_party)
);
comment on table tablehold.turn_times is 'How long a table booking lasts by party size; venues.default_turn otherwise.';

create table tablehold.areas (
  id       uuid primary key default gen_random_uuid(),
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  name     text not null check (length(name) between 1 and 100),
  unique (venue_id, name)
);

create table tablehold.slots (
  id       uuid primary key default gen_random_uuid(),
  venue_id uuid not null references tablehold.venues (id) on delete cascade,
  code     text not null check (code ~ '^[a-z0-9_]{1,64}$'),
  name     text not null,
  weekdays smallint[] not null default '{1,2,3,4,5,6,7}' constraint slots_weekdays_check check (weekdays <@ '{1,2,3,4,5,6,7}' and cardinality(weekdays) > 0),
  starts   time not null,
  ends     time not null,
  unique (venue_id, code)
);
comment on table tablehold.slots is 'Named windows on the weekly schedule (a club night''s 21:00 slot). A start before the venue cutover falls on the next calendar day; ends <= starts spans midnight.';

create table tablehold.units (
  id                uuid primary key default gen_random_uuid(),
  venue_id          uuid not null references tablehold.venues (id) on delete cascade,
  area_id           uuid references tablehold.areas (id) on delete set null,
  code              text not null check (code ~ '^[a-z0-9_-]{1,64}$'),
  name              text not null,
  unit_type         tablehold.unit_type not null,
  capacity_mode     tablehold.capacity_mode not null,
  booking_mode      tablehold.booking_mode not null,
  capacity          int not null default 1,
  min_covers        int not null default 1 check (min_covers >= 1),
  max_covers        int not null default 1,
  premium           boolean not null default false,
  min_spend         numeric(10, 2) not null default 0 check (min_spend >= 0),
  deposit           numeric(10, 2) not null default 0 check (deposit >= 0),
  requires_approval boolean not null default false,
  out_of_service    boolean not null default false,
  sort              int not null default 0,
  unique (venue_id, code),
  unique (id, venue_id),
  constraint units_capacity_check check (capacity >= 1 and (capacity_mode = 'pooled' or capacity = 1)),
  constraint units_covers_check check (max_covers >= min_covers),
  -- Pooled inventory is counted per slot or per service date; time-grid inventory is exclusive.
  constraint units_pooled_mode_check check (capacity_mode = 'exclusive' or booking_mode in ('slot', 'date'))
);
comment on table tablehold.units is 'Bookable inventory. pooled: capacity interchangeable units (a section of 10 standing tables, a bar''s seat option), a party takes ceil(party / max_covers) of them, enforced by counting. exclusive: one table, booth or exclusive section, enforced by an exclusion constraint.';
comment on column tablehold.units.max_covers is 'Largest party for one unit (pooled: per unit of capacity).';

create table tablehold.combinations (
  id        uuid primary key default gen_random_uuid(),
  venue_id  uuid not null references tablehold.venues (id) on delete cascade,
  name      text not null,
  min_party int not null check (min_party >= 1),
  max_party int not null,
  constraint combinations_party_check check (max_party >= min_party)
);
comment on table tablehold.combinations is 'Sets of tables the operator allows to be joined, with the party sizes the joined set takes.';

create table tablehold.combination_units (
  combination_id uuid not null references tablehold.combinations (id) on delete cascade,
  unit_id        uuid not null references tablehold.units (id) on delete cascade,
  primary key (combination_id, unit_id)
);

create table tablehold.pacing_rules (
  id         uuid primary key default gen_random_uuid(),
  venue_id   uuid not null references tablehold.venues (id) on delete cascade,
  area_id    uuid references tablehold.areas (id) on delete cascade,
  per        interval not null check (per >= interval '5 minutes'),
  max_covers int not null check (max_covers >= 1),
  unique nulls not distinct (venue_id, area_id, per)
);
comment on table tablehold.pacing_rules is 'At most max_covers (sum of party sizes) may start per interval, across the venue (area_id null) or one area.';

create table tablehold.staff_members (
  id          uuid primary key default gen_random_uuid(),
  user_id     uuid not null references auth.users (id) on delete cascade,
  operator_id uuid references tablehold.operators (id) on delete cascade,
  venue_id    uuid references tablehold.venues (id) on delete cascade,
  role        tablehold.staff_role not null,
  unique nulls not distinct (user_id, operator_id, venue_id),
  constraint staff_members_scope_check check (num_nonnulls(operator_id, venue_id) = 1)
);
comment on table tablehold.staff_members is 'Staff membership, for a whole operator or a single venue. Roles: host < manager < owner.';

create table tablehold.api_keys (
  id           uuid primary key default gen_random_uuid(),
  venue_id     uuid not null references tablehold.venues (id) on delete cascade,
  name         text not null check (length(name) between 1 and 100),
  key_prefix   text not null,
  key_hash     text not null unique,
  scopes       text[] not null constraint api_keys_scopes_check check (
                 cardinality(scopes) > 0 and scopes <@ array['read', 'book', 'manage']),
  created_by   uuid,
  created_at   timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
comment on table tablehold.api_keys is 'Per-venue API keys for assistants (Authorization: Bearer thk_…), stored as sha256. Scopes: read (availability), book (hold, book, confirm, cancel their own), manage (staff operations of a host).';
create index api_keys_venue_idx on tablehold.api_keys (venue_id);

create index units_venue_idx on tablehold.units (venue_id);
create index staff_members_user_idx on tablehold.staff_members (user_id);
create index combination_units_unit_idx on tablehold.combination_units (unit_id);
