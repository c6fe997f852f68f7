-- pgTAP helpers in schema tests (in the spirit of supabase-test-helpers).
-- Applied by scripts/test.sh as supabase_admin after migrations and seed, in test runs only.
-- Example:
--   select tests.create_supabase_user('alice', 'alice@example.com');
--   select tests.authenticate_as('alice');        -- role authenticated + JWT claims
--   select tests.freeze_time('2030-06-01 20:00+00');
--   select tests.clear_authentication();          -- back to the connecting role (postgres)
--   select tests.error_detail($$select public.book(...)$$);  -- the refusal's DETAIL as jsonb
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
