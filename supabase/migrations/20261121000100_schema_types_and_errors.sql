-- tablehold: private schema, enum types, the error registry and the engine clock.
-- Tables live in the private schema `tablehold`; the callable surface is the set of
-- functions in `public` (what PostgREST / supabase-js `.rpc()` expose).

create extension if not exists btree_gist with schema extensions;
create extension if not exists pgcrypto with schema extensions;

create schema if not exists tablehold;
comment on schema tablehold is 'tablehold engine: private tables and internals. Call the functions in public instead.';

-- Grants on the private schema are explicit. WARNING: PostgreSQL lets every role execute a new
-- function; per-schema default privileges cannot take that away, so each migration that creates
-- functions in tablehold ends by revoking execute from public, anon and authenticated.
revoke all on schema tablehold from public;
grant usage on schema tablehold to authenticated, service_role;

create type tablehold.venue_kind as enum ('bar', 'club', 'restaurant');
create type tablehold.capacity_mode as enum ('pooled', 'exclusive');
create type tablehold.booking_mode as enum ('slot', 'date', 'time');
create type tablehold.unit_type as enum ('table', 'booth', 'section', 'seat_option');
create type tablehold.booking_kind as enum ('booking', 'block');
create type tablehold.booking_status as enum (
  'held', 'pending_approval', 'confirmed', 'seated', 'completed',
  'cancelled', 'expired', 'rejected', 'no_show'
);
create type tablehold.booking_source as enum ('web', 'app', 'staff', 'assistant');
create type tablehold.staff_role as enum ('host', 'manager', 'owner');

/** The error registry. One row per stable domain error code; a retired code is never reused.
 *  sqlstate: the SQLSTATE raised (class TH, the project's own); http_status: what the API answers. */
create table tablehold.error_codes (
  code        text primary key check (code ~ '^[A-Z][A-Z_]+$'),
  sqlstate    char(5) not null unique check (sqlstate ~ '^TH[0-9A-Z]{3}$'),
  http_status int not null check (http_status between 400 and 499),
  message     text not null
);
comment on table tablehold.error_codes is 'Registry of every domain error: code, SQLSTATE, HTTP status, guest-facing message. Mirrored in docs/errors.md.';

insert into tablehold.error_codes (code, sqlstate, http_status, message) values
  ('SECTION_NOT_AVAILABLE',  'TH001', 409, 'Sorry, this option is no longer available.'),
  ('TABLE_NOT_AVAILABLE',    'TH002', 409, 'Sorry, this table is no longer available at that time.'),
  ('HOLD_EXPIRED',           'TH003', 410, 'Sorry, your hold has expired and the spot is no longer available.'),
  ('INVALID_PARTY_SIZE',     'TH004', 422, 'That party size can''t be booked here.'),
  ('OUTSIDE_OPENING_HOURS',  'TH005', 422, 'The venue is not open at that time.'),
  ('OUTSIDE_BOOKING_WINDOW', 'TH006', 422, 'That date or time can''t be booked right now.'),
  ('UNDERAGE',               'TH007', 422, 'Sorry, guests must meet the venue''s minimum age.'),
  ('PACING_LIMIT_REACHED',   'TH008', 409, 'Sorry, we''re fully booked around that time. Please try another time.'),
  ('INVALID_TRANSITION',     'TH009', 409, 'This booking can''t be changed that way in its current state.'),
  ('NOT_FOUND',              'TH010', 404, 'We couldn''t find that.'),
  ('FORBIDDEN',              'TH011', 403, 'You are not allowed to do that.'),
  ('IDEMPOTENCY_CONFLICT',   'TH012', 409, 'This request key was already used for a different request.'),
  ('INVALID_REQUEST',        'TH013', 422, 'The request is not valid.'),
  ('DATE_OF_BIRTH_REQUIRED', 'TH014', 422, 'This venue needs your date of birth to confirm your age.'),
  ('CLIENT_EMAIL_TAKEN',     'TH015', 409, 'A client with that email already exists at this venue.'),
  ('NO_TABLE_AVAILABLE',     'TH016', 409, 'Sorry, no table is free for that party size at that time.');

/** Raise the domain error `p_code`: SQLSTATE from the registry, the guest-facing MESSAGE,
 *  HINT = the machine code, DETAIL = JSON context (always carries "code").
 *  Example: perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'venue')); */
create function tablehold.fail(p_code text, p_context jsonb default '{}')
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_error tablehold.error_codes;
begin
  select * into v_error from tablehold.error_codes e where e.code = p_code;
  if not found then
    raise exception 'tablehold: unknown error code %', p_code;
  end if;
  raise exception using
    errcode = v_error.sqlstate,
    message = v_error.message,
    detail  = (jsonb_build_object('code', p_code) || coalesce(p_context, '{}'))::text,
    hint    = p_code;
end;
$$;

/** The engine's clock. Returns now(), unless a trusted database session (a member of
 *  postgres, as pgTAP and operators are; never PostgREST's authenticator) has set the
 *  transaction-local setting tablehold.frozen_now: that is how tests freeze time.
 *  WARNING: every time-dependent rule reads this, never now() directly. */
create function tablehold.clock()
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select case
    when coalesce(current_setting('tablehold.frozen_now', true), '') <> ''
     and pg_catalog.pg_has_role(session_user, 'postgres', 'member')
    then current_setting('tablehold.frozen_now', true)::timestamptz
    else pg_catalog.now()
  end;
$$;

/** True when `p_timezone` is an IANA zone name PostgreSQL knows. Used by check constraints. */
create function tablehold.is_valid_timezone(p_timezone text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select exists (select 1 from pg_catalog.pg_timezone_names t where t.name = p_timezone);
$$;
