-- public.available_times reads each table's live allocations once for the night instead of asking
-- tablehold.table_candidates (the booking path's ranking of free tables and combinations) at every
-- start. Both must say the same: at every start it lists, for parties of 1 to 10, tables_free is
-- the number of single tables table_candidates offers and bookable whether it offers anything. On
-- a busy night: bookings, a live hold, a lapsed hold nobody swept, a table out of service and a
-- block across three days.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select id as kitchen from tablehold.venues where slug = 'nora-kitchen' \gset

create function pg_temp.unit(p_code text) returns uuid language sql as $$
  select u.id from tablehold.units u join tablehold.venues v on v.id = u.venue_id where v.slug = 'nora-kitchen' and u.code = p_code;
$$;
create function pg_temp.guest(p_name text) returns jsonb language sql as $$
  select jsonb_build_object('name', p_name, 'email', lower(p_name) || '@example.test');
$$;

select from public.book(p_venue_id => :'kitchen', p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[pg_temp.unit('t1')], p_guest => pg_temp.guest('Ada'));
select from public.book(p_venue_id => :'kitchen', p_party_size => 4, p_start => '2026-11-27 18:30 America/New_York', p_unit_ids => array[pg_temp.unit('t3')], p_guest => pg_temp.guest('Bo'));
select from public.book(p_venue_id => :'kitchen', p_party_size => 6, p_start => '2026-11-27 20:15 America/New_York', p_unit_ids => array[pg_temp.unit('booth-1')], p_guest => pg_temp.guest('Cy'));
select from public.book(p_venue_id => :'kitchen', p_party_size => 7, p_start => '2026-11-27 17:30 America/New_York', p_unit_ids => array[pg_temp.unit('t4'), pg_temp.unit('t5')], p_guest => pg_temp.guest('Di'));
select from public.hold(p_venue_id => :'kitchen', p_party_size => 3, p_start => '2026-11-27 21:00 America/New_York', p_unit_ids => array[pg_temp.unit('t4')], p_guest => pg_temp.guest('Ed'));
select tests.freeze_time('2026-11-25 12:03Z');
select from public.hold(p_venue_id => :'kitchen', p_party_size => 2, p_start => '2026-11-27 19:30 America/New_York', p_unit_ids => array[pg_temp.unit('p1')], p_guest => pg_temp.guest('Flo'));
select from public.block(:'kitchen', array[pg_temp.unit('p2')], 'terrace heater repair',
  p_start => '2026-11-26 21:00 America/New_York', p_end => '2026-11-28 18:00 America/New_York');
update tablehold.units set out_of_service = true where id = pg_temp.unit('t2');
-- Ed's hold (made at 12:00) has lapsed, unswept; Flo's (12:03) is live
select tests.freeze_time('2026-11-25 12:06Z');

create temp table compared on commit drop as
select p.party, (t.start ->> 'starts_at')::timestamptz as starts_at, (t.start ->> 'tables_free')::int as tables_free,
       (t.start ->> 'bookable')::boolean as bookable, c.singles, c.options
from tablehold.venues v, generate_series(1, 10) p(party),
     jsonb_array_elements(public.available_times(v.id, '2026-11-27', p.party)) t(start),
     lateral (select count(*) filter (where tc.kind = 'single') as singles, count(*) as options
              from tablehold.table_candidates(v.id, tstzrange((t.start ->> 'starts_at')::timestamptz,
                     (t.start ->> 'starts_at')::timestamptz + tablehold.turn_time(v, p.party) + v.buffer), p.party) tc) c
where v.id = :'kitchen';

select ok((select count(*) from compared) > 200, 'available_times lists the night''s starts for every party');
select is_empty($$ select party, starts_at, tables_free, singles from compared where tables_free <> singles $$,
  'tables_free is table_candidates'' count of single tables at every start');
select is_empty($$ select party, starts_at, bookable, options from compared where bookable <> (options > 0) $$,
  'bookable is whether table_candidates offers anything, a combination included');
select ok((select count(distinct tables_free) from compared) > 3 and exists (select 1 from compared where not bookable)
      and exists (select 1 from compared where bookable and tables_free = 0),
  'and the night is busy enough to tell: counts vary, some starts are full, some only a combination takes');

select * from finish();
rollback;
