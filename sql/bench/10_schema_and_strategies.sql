-- The benchmark's throwaway schema `bench` (bench/run.sh loads it into the bench cluster only; it is
-- not a migration): seed 000's seat options and reservations, and the three ways of booking them that
-- tablehold is compared with in `npm run bench -- strategies`:
--   (a)/(b) bench.count_then_insert: seed 000 as written, run at READ COMMITTED (a) or SERIALIZABLE (b)
--   (c)     bench.advisory_lock_then_insert: seed 002's advisory lock per unit and date, then the same
--   (d)     bench.counter_row_then_insert: seed 003's row lock on the availability key, a counter row
-- and helpers: server-side timing of the availability reads, a unit's past bookings.
drop schema if exists bench cascade;
create schema bench;
grant usage on schema bench to anon, authenticated;

create table bench.seat_options (
  id              int primary key,
  bar_id          int not null default 1,
  seat_type       text not null default 'table',
  available_count int not null check (available_count >= 0)
);

create table bench.reservations (
  id               bigint primary key generated always as identity,
  seat_option_id   int not null references bench.seat_options (id),
  reservation_date date not null,
  party_size       int not null,
  guest_name       text not null,
  status           text not null default 'confirmed',
  created_at       timestamptz not null default now()
);
create index reservations_option_date_idx on bench.reservations (seat_option_id, reservation_date);

-- seed 003's availability key: one row per (seat option, date) that writers lock, with a counter
create table bench.availability_keys (
  seat_option_id   int not null references bench.seat_options (id),
  reservation_date date not null,
  booked           int not null default 0,
  primary key (seat_option_id, reservation_date)
);

/** A clean slate: p_count seat options of p_capacity each, their availability keys on p_dates, and
 *  20 000 completed reservations on earlier dates, as a live table has: without a history the planner
 *  counts with a sequential scan, and SERIALIZABLE then predicate-locks the whole table. */
create function bench.reset_seat_options(p_count int, p_capacity int, p_dates date[])
returns void
language sql
as $$
  truncate bench.availability_keys, bench.reservations, bench.seat_options;
  insert into bench.seat_options (id, available_count) select i, p_capacity from generate_series(1, p_count) i;
  insert into bench.availability_keys (seat_option_id, reservation_date)
  select i, d from generate_series(1, p_count) i, unnest(p_dates) d;
  insert into bench.reservations (seat_option_id, reservation_date, party_size, guest_name, status)
  select 1 + i % p_count, p_dates[1] - 1 - (i / p_count) % 365, 2, 'Past guest', 'completed'
  from generate_series(0, 19999) i;
  analyze bench.seat_options, bench.availability_keys, bench.reservations;
$$;

/** Seed 000's last step, shared by the strategies: refuse when the option is full, else insert. */
create function bench.reserve(p_full boolean, p_seat_option_id int, p_date date, p_party_size int, p_guest text)
returns bigint
language plpgsql
as $$
declare
  v_id bigint;
begin
  if p_full then
    raise exception using errcode = 'BH001', message = 'Sorry, this option is no longer available.';
  end if;
  insert into bench.reservations (seat_option_id, reservation_date, party_size, guest_name)
  values (p_seat_option_id, p_date, p_party_size, p_guest)
  returning id into v_id;
  return v_id;
end;
$$;

/** Seed 000 step by step, inside the caller's transaction: re-fetch available_count, count the
 *  confirmed reservations, compare, insert. WARNING: at READ COMMITTED two transactions can both
 *  count 49 of 50 and both insert; only SERIALIZABLE (with retries) makes it safe. */
create function bench.count_then_insert(p_seat_option_id int, p_date date, p_party_size int, p_guest text)
returns bigint
language plpgsql
as $$
declare
  v_available int;
  v_count int;
begin
  select s.available_count into v_available from bench.seat_options s where s.id = p_seat_option_id;
  select count(*) into v_count from bench.reservations r
   where r.seat_option_id = p_seat_option_id and r.reservation_date = p_date and r.status = 'confirmed';
  return bench.reserve(v_count >= v_available, p_seat_option_id, p_date, p_party_size, p_guest);
end;
$$;

/** Seed 002: an advisory lock per unit and date, then count-then-insert. Transaction-scoped, so it
 *  is released at commit or rollback (seed 002's session-level acquire/release leaks on errors). */
create function bench.advisory_lock_then_insert(p_seat_option_id int, p_date date, p_party_size int, p_guest text)
returns bigint
language plpgsql
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('bench.seat:' || p_seat_option_id || ':' || p_date, 0));
  return bench.count_then_insert(p_seat_option_id, p_date, p_party_size, p_guest);
end;
$$;

/** Seed 003: lock the availability key's row, check and bump its counter, insert. */
create function bench.counter_row_then_insert(p_seat_option_id int, p_date date, p_party_size int, p_guest text)
returns bigint
language plpgsql
as $$
declare
  v_booked int;
  v_available int;
begin
  select k.booked into v_booked from bench.availability_keys k
   where k.seat_option_id = p_seat_option_id and k.reservation_date = p_date
     for update;
  if not found then
    raise exception 'no availability key for seat option % on %', p_seat_option_id, p_date;
  end if;
  select s.available_count into v_available from bench.seat_options s where s.id = p_seat_option_id;
  update bench.availability_keys k set booked = k.booked + 1
   where k.seat_option_id = p_seat_option_id and k.reservation_date = p_date and v_booked < v_available;
  return bench.reserve(v_booked >= v_available, p_seat_option_id, p_date, p_party_size, p_guest);
end;
$$;

/** Seat options and dates holding more confirmed reservations than available_count. */
create view bench.overbooked as
select r.seat_option_id, r.reservation_date, count(*)::int as confirmed, s.available_count
from bench.reservations r join bench.seat_options s on s.id = r.seat_option_id
where r.status = 'confirmed'
group by r.seat_option_id, r.reservation_date, s.available_count
having count(*) > s.available_count;

/** Server-side milliseconds of p_runs runs of p_query, a SELECT of one jsonb value (a call of
 *  public.availability or public.available_times), as the current role: the caller sets role anon and
 *  its claims first, as PostgREST and the Edge Functions do. Also returns the size of the last answer's
 *  JSON text. */
create function bench.time_query(p_query text, p_runs int, out times_ms float8[], out bytes int)
language plpgsql
as $$
declare
  v_t0 timestamptz;
  v_answer jsonb;
begin
  times_ms := '{}';
  for i in 1..least(p_runs, 10000) loop
    v_t0 := clock_timestamp();
    execute p_query into v_answer;
    times_ms := times_ms || extract(epoch from clock_timestamp() - v_t0)::float8 * 1000;
  end loop;
  bytes := octet_length(v_answer::text);
end;
$$;
grant execute on function bench.time_query(text, int) to anon, authenticated;

-- `npm run bench -- statements` runs seed 000's count-then-insert as it runs public.book: one
-- transaction with role anon and its claims set, so both pay the same connection setup.
grant select on bench.seat_options to anon;
grant select, insert on bench.reservations to anon;

/** p_count completed bookings of one unit on past service dates (p_per_day a day, going back from
 *  yesterday), with their allocations freed, as the engine leaves a unit's history. Written directly:
 *  the caller (a superuser session) sets session_replication_role = replica first, so no trigger runs
 *  (the engine's triggers refuse past dates) and filling takes seconds. Returns how many were made. */
create function bench.add_history(p_unit_id uuid, p_count int, p_per_day int default 100)
returns int
language plpgsql
as $$
declare
  v_venue tablehold.venues;
  v_alphabet constant text := 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
begin
  select v.* into v_venue from tablehold.venues v join tablehold.units u on u.venue_id = v.id where u.id = p_unit_id;
  create temp table bench_history on commit drop as
  select gen_random_uuid() as id, h.day, tablehold.service_window(v_venue, h.day) as during,
         -- references unique per day: the row number in base 31, in the engine's alphabet
         'BR-' || to_char(h.day, 'YYMMDD') || '-' || (select string_agg(substr(v_alphabet, 1 + (h.n / (31 ^ k)::int) % 31, 1), '' order by k)
                                                       from generate_series(0, 5) k) as reference
  from (select n, current_date - 1 - n / p_per_day as day from generate_series(0, p_count - 1) n) h;
  insert into tablehold.bookings (id, reference, venue_id, status, party_size, service_date, during, source,
    submitted_at, confirmed_at, seated_at, completed_at, created_at, updated_at)
  select h.id, h.reference, v_venue.id, 'completed', 2, h.day, h.during, 'web',
         lower(h.during) - interval '2 days', lower(h.during) - interval '2 days', lower(h.during), upper(h.during),
         lower(h.during) - interval '2 days', upper(h.during)
  from bench_history h;
  insert into tablehold.allocations (booking_id, unit_id, venue_id, service_date, during, quantity, exclusive, active)
  select h.id, p_unit_id, v_venue.id, h.day, h.during, 1, false, false from bench_history h;
  return (select count(*) from bench_history);
end;
$$;
