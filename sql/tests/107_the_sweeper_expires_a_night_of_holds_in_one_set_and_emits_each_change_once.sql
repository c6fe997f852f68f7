-- A venue with every kind of key (a date-booked bar, a slot-booked floor, an exclusive booth, a
-- table on the time grid) has a busy Friday: several holds on each key, confirmed bookings, and one
-- hold made later that is still live when the sweeper runs; Saturday has one lapsed hold of its own.
-- One sweep expires exactly the lapsed holds and frees their inventory; each key whose public state
-- changed gets one hold_expired event (not one per hold), continuing from the key's last event; each
-- night's versions stay 1..n; and the events, replayed, say what availability() says.
begin;
select plan(11);
select tests.freeze_time('2026-11-25 12:00Z');

with operator as (insert into tablehold.operators (slug, name) values ('sweep-test', 'Sweep test') returning id)
insert into tablehold.venues (operator_id, slug, name, kind, timezone, service_day_cutover, hold_ttl)
select operator.id, 'sweep-test', 'Sweep test', 'club', 'UTC', '06:00', '5 minutes' from operator
returning id as venue \gset
insert into tablehold.opening_hours (venue_id, weekday, opens, closes) select :'venue', d, '06:00', '06:00' from generate_series(1, 7) d;
insert into tablehold.slots (venue_id, code, name, starts, ends) values
  (:'venue', 'early', 'Early', '20:00', '23:00'), (:'venue', 'late', 'Late', '23:00', '02:00');
insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode, capacity, max_covers) values
  (:'venue', 'bar', 'Bar', 'seat_option', 'pooled', 'date', 4, 10),
  (:'venue', 'floor', 'Floor', 'section', 'pooled', 'slot', 3, 10),
  (:'venue', 'booth', 'Booth', 'booth', 'exclusive', 'slot', 1, 10),
  (:'venue', 't1', 'Table 1', 'table', 'exclusive', 'time', 1, 4);
create temp table unit on commit drop as select code, id from tablehold.units where venue_id = :'venue';

create function pg_temp.hold(p_code text, p_date date, p_slot text default null, p_start timestamptz default null)
returns uuid language sql as $$
  select (public.hold(p_venue_id => (select id from tablehold.venues where slug = 'sweep-test'), p_party_size => 2,
    p_date => p_date, p_slot => p_slot, p_start => p_start,
    p_unit_ids => array[(select u.id from unit u where u.code = p_code)]) ->> 'id')::uuid;
$$;
create temp table lapsed (id uuid) on commit drop;
insert into lapsed select pg_temp.hold('bar', '2026-11-27') from generate_series(1, 3);
insert into lapsed select pg_temp.hold('floor', '2026-11-27', 'early') from generate_series(1, 2);
insert into lapsed select pg_temp.hold('floor', '2026-11-27', 'late');
insert into lapsed select pg_temp.hold('booth', '2026-11-27', 'early');
insert into lapsed select pg_temp.hold('t1', '2026-11-27', p_start => '2026-11-27 19:00Z');
insert into lapsed select pg_temp.hold('bar', '2026-11-28');
select public.book(p_venue_id => :'venue', p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[(select id from unit where code = 'bar')]) ->> 'id' as confirmed \gset
select public.book(p_venue_id => :'venue', p_party_size => 2, p_date => '2026-11-27', p_slot => 'late',
  p_unit_ids => array[(select id from unit where code = 'booth')]) ->> 'id' as booth_late \gset
select tests.freeze_time('2026-11-25 12:03Z');
select pg_temp.hold('floor', '2026-11-27', 'early') as live \gset
select coalesce(max(id), 0) as mark from public.availability_events \gset

select tests.freeze_time('2026-11-25 12:06Z');
select is(public.sweep_expired_holds(), 9, 'the sweep reports the nine holds whose time is up');
select is((select count(*) from tablehold.bookings where id in (select id from lapsed) and status = 'expired' and status_reason = 'hold_expired'),
  9::bigint, 'each of them is expired, for hold_expired');
select is_empty($$ select 1 from tablehold.allocations where booking_id in (select id from lapsed) and active $$,
  'their allocations are all released');
select results_eq(format($$ select status::text, (select count(*) from tablehold.allocations a where a.booking_id = b.id and a.active)
                              from tablehold.bookings b where b.id in (%L, %L, %L) order by b.id = %L, b.id = %L $$,
                              :'live', :'confirmed', :'booth_late', :'live', :'booth_late'),
  $$ values ('confirmed', 1::bigint), ('confirmed', 1::bigint), ('held', 1::bigint) $$,
  'the confirmed bookings and the live hold keep their status and their inventory');

select results_eq(format($$
    select u.code, e.service_date::text, to_char(e.starts_at at time zone 'UTC', 'HH24:MI'), e.previous_state, e.new_state, e.remaining, e.reason
      from public.availability_events e join unit u on u.id = e.unit_id
     where e.id > %s order by e.service_date, u.code, e.starts_at $$, :mark),
  $$ values ('bar', '2026-11-27', '06:00', 'unavailable', 'available', 3, 'hold_expired'),
            ('booth', '2026-11-27', '20:00', 'unavailable', 'available', 1, 'hold_expired'),
            ('floor', '2026-11-27', '20:00', 'unavailable', 'available', 2, 'hold_expired'),
            ('floor', '2026-11-27', '23:00', 'available', 'available', 3, 'hold_expired'),
            ('t1', '2026-11-27', '19:00', 'unavailable', 'available', 1, 'hold_expired'),
            ('bar', '2026-11-28', '06:00', 'available', 'available', 4, 'hold_expired') $$,
  'one event per key that changed, not one per hold, each continuing from the key''s last state');
select is_empty(format($$
    select 1 from (
      select e.previous_state, lag(e.new_state, 1, 'available') over (
               partition by e.unit_id, e.service_date, e.starts_at, e.ends_at order by e.version) as left_before
        from public.availability_events e where e.venue_id = %L) x
     where previous_state <> left_before $$, :'venue'),
  'every event of the venue starts from the state the key''s event before it left');
select results_eq(format($$
    select e.service_date::text, count(*), min(e.version), max(e.version), max(c.version)
      from public.availability_events e join tablehold.channels c using (venue_id, service_date)
     where e.venue_id = %L group by e.service_date order by 1 $$, :'venue'),
  $$ values ('2026-11-27', 16::bigint, 1::bigint, 16::bigint, 16::bigint), ('2026-11-28', 2::bigint, 1::bigint, 2::bigint, 2::bigint) $$,
  'each night''s events are versions 1..n without a gap, n being the channel''s version');

-- replayed: the last event of each key against what availability() reports for it
create temp table snapshot on commit drop as
  select d.service_date, u ->> 'code' as code, u ->> 'capacity_mode' as mode, u
    from (values ('2026-11-27'::date), ('2026-11-28')) d (service_date),
         jsonb_array_elements(public.availability(:'venue', d.service_date) -> 'units') u;
create temp table replayed on commit drop as
  select distinct on (e.unit_id, e.service_date, e.starts_at, e.ends_at)
         e.service_date, u.code, e.starts_at, e.new_state, e.remaining
    from public.availability_events e join unit u on u.id = e.unit_id
   where e.venue_id = :'venue'
   order by e.unit_id, e.service_date, e.starts_at, e.ends_at, e.version desc;
select set_eq($$ select s.service_date, s.code, (k ->> 'starts_at')::timestamptz, (k ->> 'remaining')::int
                   from snapshot s, jsonb_array_elements(s.u -> 'keys') k where s.mode = 'pooled' $$,
  $$ select s.service_date, s.code, (k ->> 'starts_at')::timestamptz, coalesce(r.remaining, (s.u ->> 'capacity')::int)
       from snapshot s cross join jsonb_array_elements(s.u -> 'keys') k
       left join replayed r on r.service_date = s.service_date and r.code = s.code and r.starts_at = (k ->> 'starts_at')::timestamptz
      where s.mode = 'pooled' $$,
  'replayed, the events leave every pooled key with the units availability() says remain');
select set_eq($$ select s.service_date, s.code, (b ->> 'starts_at')::timestamptz
                   from snapshot s, jsonb_array_elements(s.u -> 'busy') b where s.mode = 'exclusive' $$,
  $$ select service_date, code, starts_at from replayed where code in ('booth', 't1') and new_state = 'unavailable' $$,
  'and leave each exclusive unit taken exactly where availability() shows it busy (the booth''s late slot)');

select is(public.sweep_expired_holds(), 0, 'a second sweep finds nothing to expire');
select is((select count(*) from public.availability_events where id > :mark), 6::bigint, 'and publishes nothing more');

select * from finish();
rollback;
