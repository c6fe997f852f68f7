-- available_times and book share one rule for table starts (tablehold.table_starts inside
-- tablehold.booking_window_problem): for every instant of a service day, five minutes apart,
-- book accepts it exactly when available_times lists it. Checked on nights that test the rule:
-- Lord Howe hours wholly after midnight while the clocks go back half an hour; a Chatham night
-- while they jump forward an hour at 02:45 (so the last one-hour table before the 04:00 close
-- starts at 02:00); a New York night that closes at a cutover inside the repeated hour; and a
-- Kolkata venue's minimum notice tonight and the last day of its horizon.
begin;
select plan(4);

insert into tablehold.venues (operator_id, slug, name, kind, timezone, service_day_cutover, default_turn, min_notice, booking_horizon) values
  (tests.operator_id('northern-nights'), 'times-lord-howe', 'Times Lord Howe', 'restaurant', 'Australia/Lord_Howe', '05:00', '1 hour', '0', '1 year'),
  (tests.operator_id('northern-nights'), 'times-chatham', 'Times Chatham', 'restaurant', 'Pacific/Chatham', '05:00', '1 hour', '0', '1 year'),
  (tests.operator_id('northern-nights'), 'times-new-york', 'Times New York', 'restaurant', 'America/New_York', '01:30', '1 hour', '0', '1 year'),
  (tests.operator_id('northern-nights'), 'times-kolkata', 'Times Kolkata', 'restaurant', 'Asia/Kolkata', '05:00', '1 hour', '2 hours', '10 days');
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select v.id, d, h.opens::time, h.closes::time
from (values ('times-lord-howe', '00:30', '03:00'), ('times-chatham', '22:00', '04:00'), ('times-new-york', '18:00', '01:30'),
             ('times-kolkata', '17:00', '23:00')) h(slug, opens, closes)
join tablehold.venues v on v.slug = h.slug, generate_series(1, 7) d;
insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode, max_covers)
select v.id, 't1', 'Table 1', 'table', 'exclusive', 'time', 4 from tablehold.venues v where v.slug like 'times-%';

-- does book take a couple at p_start? (the booking is undone either way)
create function pg_temp.book_accepts(p_venue_id uuid, p_start timestamptz) returns boolean language plpgsql as $$
begin
  perform public.book(p_venue_id => p_venue_id, p_party_size => 2, p_start => p_start);
  raise exception using errcode = 'ZX001', message = 'accepted; undo';
exception
  when sqlstate 'ZX001' then return true;
  when others then return false;
end;
$$;

create temp table night (slug text, service_date date, frozen_at timestamptz) on commit drop;
insert into night values
  ('times-lord-howe', '2026-04-04', '2026-03-01 12:00Z'), ('times-chatham', '2026-09-26', '2026-03-01 12:00Z'),
  ('times-new-york', '2026-10-31', '2026-03-01 12:00Z'),
  ('times-kolkata', '2026-11-25', '2026-11-25 18:00 Asia/Kolkata'), ('times-kolkata', '2026-12-05', '2026-11-25 18:00 Asia/Kolkata'),
  ('times-kolkata', '2026-12-06', '2026-11-25 18:00 Asia/Kolkata');
create temp table listed (slug text, service_date date, starts_at timestamptz) on commit drop;
create temp table accepted (slug text, service_date date, starts_at timestamptz) on commit drop;

-- what available_times lists and which instants book accepts, for the nights seen at p_frozen_at
create function pg_temp.try_nights(p_frozen_at timestamptz) returns void language plpgsql as $$
begin
  perform tests.freeze_time(p_frozen_at);
  insert into listed
  select n.slug, n.service_date, (t ->> 'starts_at')::timestamptz
  from night n join tablehold.venues v on v.slug = n.slug, jsonb_array_elements(public.available_times(v.id, n.service_date, 2)) t
  where n.frozen_at = p_frozen_at;
  insert into accepted
  select n.slug, n.service_date, t
  from night n join tablehold.venues v on v.slug = n.slug,
       generate_series(lower(tablehold.service_window(v, n.service_date)), upper(tablehold.service_window(v, n.service_date)) - interval '1 second', interval '5 minutes') t
  where n.frozen_at = p_frozen_at and pg_temp.book_accepts(v.id, t);
end;
$$;
select pg_temp.try_nights(f) from (select distinct frozen_at from night) n(f);

select results_eq(
  $$select n.slug, n.service_date, count(l.starts_at), to_char(min(l.starts_at) at time zone v.timezone, 'MM-DD HH24:MI'),
           to_char(max(l.starts_at) at time zone v.timezone, 'MM-DD HH24:MI')
      from night n join tablehold.venues v on v.slug = n.slug
      left join listed l on l.slug = n.slug and l.service_date = n.service_date
     group by n.slug, n.service_date, v.timezone order by n.slug, n.service_date$$,
  $$values ('times-chatham', '2026-09-26'::date, 17::bigint, '09-26 22:00', '09-27 02:00'),
           ('times-kolkata', '2026-11-25', 9, '11-25 20:00', '11-25 22:00'),
           ('times-kolkata', '2026-12-05', 21, '12-05 17:00', '12-05 22:00'),
           ('times-kolkata', '2026-12-06', 0, null, null),
           ('times-lord-howe', '2026-04-04', 9, '04-05 00:30', '04-05 02:00'),
           ('times-new-york', '2026-10-31', 27, '10-31 18:00', '11-01 00:30')$$,
  'the nights list what their hours, clocks, notice and horizon allow');
select is((select count(*) from accepted), 83::bigint, 'book accepts 83 of the instants tried');
select is_empty($$select * from listed except select * from accepted$$, 'book accepts every start available_times lists');
select is_empty($$select * from accepted except select * from listed$$, 'and available_times lists every instant book accepts');

select * from finish();
rollback;
