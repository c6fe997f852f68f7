-- pgTAP helpers in schema tests (in the spirit of supabase-test-helpers).
-- Applied by scripts/test.sh as supabase_admin after migrations and seed, in test runs only.
-- Example:
--   select tests.create_supabase_user('alice', 'alice@example.com');
--   select tests.authenticate_as('alice');        -- role authenticated + JWT claims
--   select tests.freeze_time('2030-06-01 20:00+00');
--   select tests.clear_authentication();          -- back to the connecting role (postgres)
--   select tests.error_detail($$select public.book(...)$$);  -- the refusal's DETAIL as jsonb
--   select tests.unit_id('nora-kitchen', 't3');   -- a row of the seed (or one the test made) by name
--   select tests.authenticate_as_seed_user('host@nora-kitchen.test');
-- Role and claims are transaction-local (set_config(..., true)): call them inside begin ... rollback.

create schema tests;
grant usage on schema tests to postgres, anon, authenticated, service_role;

/** Creates an auth.users row for a test identifier; returns its id. */
create function tests.create_supabase_user(identifier text, email text default null, phone text default null)
returns uuid language plpgsql security definer set search_path = '' as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, aud, role, email, phone, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
  values (v_id, 'authenticated', 'authenticated', coalesce(email, identifier || '@test.invalid'), phone,
          '{"provider": "email", "providers": ["email"]}',
          jsonb_build_object('test_identifier', identifier), now(), now());
  return v_id;
end $$;

/** Returns the id of the user created for a test identifier; raises if there is none. */
create function tests.get_supabase_uid(identifier text)
returns uuid language plpgsql stable security definer set search_path = '' as $$
declare
  v_id uuid;
begin
  select u.id into v_id from auth.users u where u.raw_user_meta_data ->> 'test_identifier' = identifier;
  if v_id is null then
    raise exception 'tests: no user with identifier %', identifier;
  end if;
  return v_id;
end $$;

/** The email of a user id (helper for authenticate_as). */
create function tests.user_email(user_id uuid)
returns text language sql stable security definer set search_path = '' as $$
  select u.email::text from auth.users u where u.id = user_id;
$$;

/** Acts as that user until the transaction ends: role authenticated plus its JWT claims. */
create function tests.authenticate_as(identifier text)
returns void language plpgsql as $$
declare
  v_id uuid := tests.get_supabase_uid(identifier);
  v_email text := tests.user_email(v_id);
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', v_id, 'role', 'authenticated', 'aud', 'authenticated', 'email', v_email)::text, true);
end $$;

/** Acts as an anonymous caller (the anon key) until the transaction ends. */
create function tests.authenticate_as_anon()
returns void language plpgsql as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role": "anon"}', true);
end $$;

/** Acts as the service role (the secret key) until the transaction ends. */
create function tests.authenticate_as_service_role()
returns void language plpgsql as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end $$;

/** Acts as an assistant's API key (an id from public.api_key_create) until the transaction ends:
 *  role authenticated with the key in the claims and no user, as the Edge Functions run its requests. */
create function tests.authenticate_as_api_key(p_api_key_id text)
returns void language plpgsql as $$
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', jsonb_build_object('role', 'authenticated', 'api_key_id', p_api_key_id)::text, true);
end $$;

/** Back to the connecting role with no claims. */
create function tests.clear_authentication()
returns void language plpgsql as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
end $$;

/** Freezes the engine clock (GUC tablehold.frozen_now) until the transaction ends. */
create function tests.freeze_time(at timestamptz)
returns void language sql as $$
  select set_config('tablehold.frozen_now', $1::text, true);
$$;

create function tests.unfreeze_time()
returns void language sql as $$
  select set_config('tablehold.frozen_now', '', true);
$$;

/** The DETAIL (as jsonb) of the error a statement raises; null when it succeeds (its effects then stay). */
create function tests.error_detail(p_sql text)
returns jsonb language plpgsql as $$
declare
  v_detail text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_detail = pg_exception_detail;
  return v_detail::jsonb;
end $$;

-- Named fixtures: rows of supabase/seed.sql (and rows a test inserts) by the names people use:
-- venue slug, unit and slot code, area and combination name, user email, booking reference, so the
-- seed stays the only place that spells their ids. A lookup never returns null: a name that nothing
-- has raises no_data_found (P0002) saying which lookup and which name, with the names there are in
-- its DETAIL ({"known": [...]}, read with tests.error_detail) where the list is short.

/** Raises the error of a fixture lookup that found nothing; never returns.
 *  Example: tests.fixture_missing('tests.venue_id', 'no venue has the slug ''nope''', array['copper-bar']) */
create function tests.fixture_missing(p_lookup text, p_problem text, p_known text[] default null)
returns uuid language plpgsql as $$
begin
  raise exception using errcode = 'no_data_found', message = format('%s: %s', p_lookup, p_problem),
    detail = jsonb_strip_nulls(jsonb_build_object('known', p_known))::text;
end $$;

-- The global lookups are coalesce(the row's id, tests.fixture_missing(...)): coalesce evaluates its
-- second argument (and the list of known names in it) only when the row is missing.

/** The id of the operator with this slug. Example: tests.operator_id('northern-nights') */
create function tests.operator_id(p_slug text)
returns uuid language sql stable security definer set search_path = '' as $$
  select coalesce((select o.id from tablehold.operators o where o.slug = p_slug),
    tests.fixture_missing('tests.operator_id', format('no operator has the slug %L', p_slug),
      array(select o.slug from tablehold.operators o order by o.slug)));
$$;

/** The id of the venue with this slug. Example: tests.venue_id('nora-kitchen') */
create function tests.venue_id(p_slug text)
returns uuid language sql stable security definer set search_path = '' as $$
  select coalesce((select v.id from tablehold.venues v where v.slug = p_slug),
    tests.fixture_missing('tests.venue_id', format('no venue has the slug %L', p_slug),
      array(select v.slug from tablehold.venues v order by v.slug)));
$$;

/** The id of the auth user with this email (the seed's staff and guest). Example: tests.user_id('host@the-vault.test') */
create function tests.user_id(p_email text)
returns uuid language sql stable security definer set search_path = '' as $$
  select coalesce((select u.id from auth.users u where u.email = p_email),
    tests.fixture_missing('tests.user_id', format('no user has the email %L', p_email)));
$$;

/** The id of the booking with this reference. Example: tests.booking_id('BR-261127-STUDY2') */
create function tests.booking_id(p_reference text)
returns uuid language sql stable security definer set search_path = '' as $$
  select coalesce((select b.id from tablehold.bookings b where b.reference = p_reference),
    tests.fixture_missing('tests.booking_id', format('no booking has the reference %L', p_reference)));
$$;

/** The id of a venue's row in tablehold.<p_table> whose <p_column> is p_name, for the lookups below;
 *  p_noun names the row in the error. Columns compare with =, except email, case-insensitively as
 *  the engine keeps client emails unique. */
create function tests.venue_row_id(p_lookup text, p_table text, p_column text, p_noun text, p_venue_slug text, p_name text)
returns uuid language plpgsql stable security definer set search_path = '' as $$
declare
  v_venue_id uuid := tests.venue_id(p_venue_slug);
  v_match text := case when p_column = 'email' then 'lower(t.email) = lower($2)' else format('t.%I = $2', p_column) end;
  v_id uuid;
  v_known text[];
begin
  execute format('select t.id from tablehold.%I t where t.venue_id = $1 and %s', p_table, v_match)
    into v_id using v_venue_id, p_name;
  if v_id is null then
    -- a venue's clients are personal data and may be many: only the short lists are shown
    if p_column <> 'email' then
      execute format('select array_agg(t.%1$I order by t.%1$I) from tablehold.%2$I t where t.venue_id = $1', p_column, p_table)
        into v_known using v_venue_id;
      v_known := coalesce(v_known, '{}');
    end if;
    perform tests.fixture_missing(p_lookup, format('venue %L has no %s %L', p_venue_slug, p_noun, p_name), v_known);
  end if;
  return v_id;
end $$;

/** The id of a venue's unit by its code. Example: tests.unit_id('the-vault', 'vip-booth-1') */
create function tests.unit_id(p_venue_slug text, p_code text)
returns uuid language sql stable as $$
  select tests.venue_row_id('tests.unit_id', 'units', 'code', 'unit', p_venue_slug, p_code);
$$;

/** The id of a venue's slot by its code. Example: tests.slot_id('the-vault', 'early') */
create function tests.slot_id(p_venue_slug text, p_code text)
returns uuid language sql stable as $$
  select tests.venue_row_id('tests.slot_id', 'slots', 'code', 'slot', p_venue_slug, p_code);
$$;

/** The id of a venue's area by its name. Example: tests.area_id('nora-kitchen', 'terrace') */
create function tests.area_id(p_venue_slug text, p_name text)
returns uuid language sql stable as $$
  select tests.venue_row_id('tests.area_id', 'areas', 'name', 'area', p_venue_slug, p_name);
$$;

/** The id of a venue's table combination by its name. Example: tests.combination_id('nora-kitchen', 'Tables 3 + 4') */
create function tests.combination_id(p_venue_slug text, p_name text)
returns uuid language sql stable as $$
  select tests.venue_row_id('tests.combination_id', 'combinations', 'name', 'combination', p_venue_slug, p_name);
$$;

/** The id of a venue's client by email. Example: tests.client_id('the-vault', 'kid@example.test') */
create function tests.client_id(p_venue_slug text, p_email text)
returns uuid language sql stable as $$
  select tests.venue_row_id('tests.client_id', 'clients', 'email', 'client with the email', p_venue_slug, p_email);
$$;

/** Acts as an existing auth user, found by email, until the transaction ends: role authenticated and
 *  the claims {"sub", "role"} of their access token.
 *  Example: tests.authenticate_as_seed_user('manager@the-vault.test') */
create function tests.authenticate_as_seed_user(p_email text)
returns void language plpgsql as $$
declare
  v_id uuid := tests.user_id(p_email);
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object('sub', v_id, 'role', 'authenticated')::text, true);
end $$;

/** What a guest reads of a venue's service date (public.availability as anon, through the snapshot
 *  cache), without as_of (each read's own clock); the caller's authentication is cleared after. */
create function tests.availability_as_guest(p_venue_id uuid, p_date date)
returns jsonb language plpgsql as $$
declare
  v_snapshot jsonb;
begin
  perform tests.authenticate_as_anon();
  v_snapshot := public.availability(p_venue_id, p_date);
  perform tests.clear_authentication();
  return v_snapshot - 'as_of';
end $$;

grant execute on all functions in schema tests to postgres, anon, authenticated, service_role;
