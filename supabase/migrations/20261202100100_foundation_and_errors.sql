-- Foundation and errors: the extensions, the private schema, the error registry and the one way the
-- engine raises from it (tablehold.fail), the engine's clock, and the engine flag.
--
-- Tables live in the private schema `tablehold`; the callable surface is the set of functions in
-- `public` (what PostgREST / supabase-js `.rpc()` expose), each checking its caller. The migrations
-- that follow add one concern each, in an order that lets each build on the ones before; every
-- grant, row level security policy and publication membership is in the last,
-- 20261202101200_security_and_grants.sql.

create extension if not exists btree_gist with schema extensions;
create extension if not exists pgcrypto with schema extensions;

create schema if not exists tablehold;
comment on schema tablehold is 'tablehold engine: private tables and internals. Call the functions in public instead.';

/** The error registry. One row per stable domain error code; a retired code is never reused.
 *  sqlstate: the SQLSTATE raised (class TH, the project's own); http_status: what the API answers;
 *  refusal: the caller wanted inventory that was not free (counted as a conflict prevented).
 *  Its one source is supabase/errors.json: a change to the registry is a new migration that keeps
 *  this table equal to the file (a test fails while they differ). */
create table tablehold.error_codes (
  code        text primary key check (code ~ '^[A-Z][A-Z_]+$'),
  sqlstate    char(5) not null unique check (sqlstate ~ '^TH[0-9A-Z]{3}$'),
  http_status int not null check (http_status between 400 and 499),
  message     text not null,
  refusal     boolean not null default false
);
comment on table tablehold.error_codes is
  'Registry of every domain error: code, SQLSTATE, HTTP status, guest-facing message, refusal. Its source is supabase/errors.json (docs/errors.md); a retired code is never reused.';
comment on column tablehold.error_codes.refusal is
  'True for a refusal: the caller wanted inventory that was not free (counted as a conflict prevented in venue_metrics).';

insert into tablehold.error_codes (code, sqlstate, http_status, refusal, message) values
  ('SECTION_NOT_AVAILABLE',  'TH001', 409, true,  'Sorry, this option is no longer available.'),
  ('TABLE_NOT_AVAILABLE',    'TH002', 409, true,  'Sorry, this table is no longer available at that time.'),
  ('HOLD_EXPIRED',           'TH003', 410, true,  'Sorry, your hold has expired and the spot is no longer available.'),
  ('INVALID_PARTY_SIZE',     'TH004', 422, false, 'That party size can''t be booked here.'),
  ('OUTSIDE_OPENING_HOURS',  'TH005', 422, false, 'The venue is not open at that time.'),
  ('OUTSIDE_BOOKING_WINDOW', 'TH006', 422, false, 'That date or time can''t be booked right now.'),
  ('UNDERAGE',               'TH007', 422, false, 'Sorry, guests must meet the venue''s minimum age.'),
  ('PACING_LIMIT_REACHED',   'TH008', 409, true,  'Sorry, we''re fully booked around that time. Please try another time.'),
  ('INVALID_TRANSITION',     'TH009', 409, false, 'This booking can''t be changed that way in its current state.'),
  ('NOT_FOUND',              'TH010', 404, false, 'We couldn''t find that.'),
  ('FORBIDDEN',              'TH011', 403, false, 'You are not allowed to do that.'),
  ('IDEMPOTENCY_CONFLICT',   'TH012', 409, false, 'This request key was already used for a different request.'),
  ('INVALID_REQUEST',        'TH013', 422, false, 'The request is not valid.'),
  ('DATE_OF_BIRTH_REQUIRED', 'TH014', 422, false, 'This venue needs your date of birth to confirm your age.'),
  ('CLIENT_EMAIL_TAKEN',     'TH015', 409, false, 'A client with that email already exists at this venue.'),
  ('NO_TABLE_AVAILABLE',     'TH016', 409, true,  'Sorry, no table is free for that party size at that time.'),
  ('DIRECT_EDIT_REFUSED',    'TH017', 409, false, 'This change must go through tablehold''s functions.');

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

-- The clock, cheap to call: plpgsql caches its plan.
/** The engine's clock. Returns now(), unless a trusted database session (a member of
 *  postgres, as pgTAP and operators are; never PostgREST's authenticator) has set the
 *  transaction-local setting tablehold.frozen_now: that is how tests freeze time.
 *  WARNING: every time-dependent rule reads this, never now() directly. */
create function tablehold.clock()
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  v_frozen text := current_setting('tablehold.frozen_now', true);
begin
  if coalesce(v_frozen, '') <> '' and pg_has_role(session_user, 'postgres', 'member') then
    return v_frozen::timestamptz;
  end if;
  return now();
end;
$$;

-- The engine flag. WARNING: the engine's own functions set the transaction-local setting
-- tablehold.engine to 'on' around the rows they write after validating them; the guard triggers
-- (when (not tablehold.in_engine())) then stand down. Direct edits (Studio, psql, the service role)
-- never set it, so they meet every guard. Only the table owner and the service role can write the
-- tables at all, and setting the flag yourself is bypassing the engine: don't.
/** True while the engine's own functions write (the transaction-local setting tablehold.engine). */
create function tablehold.in_engine()
returns boolean
language sql
stable
as $$
  select coalesce(pg_catalog.current_setting('tablehold.engine', true), '') = 'on';
$$;

/** Turn the engine flag on for the rest of the transaction, returning its value before, which
 *  tablehold.engine_restore puts back. Use as an assignment (v_was := tablehold.engine_on()) so it
 *  costs no statement. */
create function tablehold.engine_on()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_was text := coalesce(current_setting('tablehold.engine', true), '');
  v_on text := set_config('tablehold.engine', 'on', true);
begin
  return v_was;
end;
$$;

/** Put the engine flag back to p_was, the value tablehold.engine_on returned. */
create function tablehold.engine_restore(p_was text)
returns text
language plpgsql
volatile
set search_path = ''
as $$
begin
  return set_config('tablehold.engine', coalesce(p_was, ''), true);
end;
$$;
