-- One client address may hold at most venues.max_live_bookings_per_ip live bookings of one night
-- (the-vault: 4 of its 26 units), whatever the guest names: the blackout of a club night by one
-- anonymous client, 26 holds under 26 names, is stopped in the engine. The address comes as
-- PostgREST passes it (request.headers, x-forwarded-for), so .rpc() callers are bound too. Other
-- addresses still book; requests without an address, API keys and staff are not counted by address.
begin;
select plan(11);
select tests.freeze_time('2026-11-25 12:00Z');

create function pg_temp.from_address(p_address text) returns void language sql as $$
  select set_config('request.headers', jsonb_build_object('x-forwarded-for', p_address)::text, true);
$$;
/** Hold one unit of the-vault on a night (2026-12-04 unless said) under a fresh name: its status, or the error code. */
create function pg_temp.try_hold(p_unit text, p_slot text, p_n int, p_date date default '2026-12-04') returns text language plpgsql as $$
begin
  return public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => case when p_unit = 'mezzanine' then 10 else 4 end,
    p_date => p_date, p_slot => p_slot, p_unit_ids => array[tests.unit_id('the-vault', p_unit)],
    p_guest => jsonb_build_object('name', 'Guest ' || p_n, 'email', 'guest' || p_n || '@example.com', 'date_of_birth', '1990-01-01')) ->> 'status';
exception when sqlstate 'TH018' then
  return 'HOLD_LIMIT_REACHED';
end $$;

select is((select max_live_bookings_per_ip from tablehold.venues where slug = 'the-vault'), 4,
  'the demo seed caps one address at 4 live bookings of a night at the-vault (the default is 8)');

select tests.authenticate_as_anon();
select pg_temp.from_address('203.0.113.66');
-- the attack: every unit of the night, early and late, each under another name
select results_eq($$
  select r, count(*)::int from (
    select pg_temp.try_hold(u, s, row_number() over ()::int) as r
    from unnest(array['vip-booth-1', 'vip-booth-2', 'mezzanine'] || array_fill('standing-tables'::text, array[10])) u,
         unnest(array['early', 'late']) s) x
  group by r order by r $$,
  $$ values ('HOLD_LIMIT_REACHED', 22), ('held', 4) $$,
  'one address asking for all 26 units of a night under 26 names holds 4 of them');
select is(tests.error_detail($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-12-04',
    p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
    p_guest => '{"name": "Zed", "email": "zed@example.com", "date_of_birth": "1990-01-01"}') $$),
  '{"code": "HOLD_LIMIT_REACHED", "per": "ip", "limit": 4, "service_date": "2026-12-04", "retry_after": 300}'::jsonb,
  'book from that address is refused too, with the address cap named');
select tests.clear_authentication();
select is((select count(*)::int from tablehold.booking_origins o join tablehold.bookings b on b.id = o.booking_id
           where o.ip = '203.0.113.66' and b.service_date = '2026-12-04'), 4,
  'each booking made from the address records it');

select tests.authenticate_as_anon();
select pg_temp.from_address('198.51.100.23');
select is(pg_temp.try_hold('standing-tables', 'early', 100), 'held', 'another address still holds on the same night');
select pg_temp.from_address('203.0.113.66');
select is((select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-12-05', p_slot => 'early',
    p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
    p_guest => '{"name": "Guest 1", "email": "guest1@example.com", "date_of_birth": "1990-01-01"}') ->> 'status'), 'held',
  'the capped address holds on another night');

select tests.freeze_time('2026-11-25 12:05Z');
select is(pg_temp.try_hold('standing-tables', 'early', 200), 'held', 'once its holds lapse the address holds again');
select tests.freeze_time('2026-11-25 12:00Z');

select set_config('request.headers', '', true);
select is((select count(*)::int from generate_series(300, 305) n where pg_temp.try_hold('standing-tables', 'late', n) = 'held'), 6,
  'a request without an address (a direct connection, no proxy) is not counted by address');
select tests.clear_authentication();
select is((select count(*)::int from tablehold.booking_origins o join tablehold.bookings b on b.id = o.booking_id
           where b.service_date = '2026-12-04' and o.ip <> '203.0.113.66' and o.ip <> '198.51.100.23'), 0,
  'and records none');

-- an assistant's API key serves many guests from one server
select public.api_key_create(tests.venue_id('the-vault'), 'concierge', array['book']) ->> 'id' as book_key \gset
create function pg_temp.act_as_key(p_key text) returns void language sql as $$
  select set_config('role', 'authenticated', true),
         set_config('request.jwt.claims', jsonb_build_object('role', 'authenticated', 'api_key_id', p_key)::text, true);
$$;
select pg_temp.act_as_key(:'book_key');
select pg_temp.from_address('203.0.113.66');
select is((select count(*)::int from generate_series(400, 405) n where pg_temp.try_hold('standing-tables', 'late', n, '2026-12-05') = 'held'), 6,
  'an API key is not counted by its address');

select tests.authenticate_as_seed_user('manager@the-vault.test');
select is((select count(*)::int from generate_series(500, 505) n where pg_temp.try_hold('standing-tables', 'early', n, '2026-12-05') = 'held'), 6,
  'nor are staff');

select * from finish();
rollback;
