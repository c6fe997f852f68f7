-- Pacing intervals sit on the venue's clock, counted from local midnight. In Kolkata (+05:30) an
-- hourly cap of 4 covers counts 19:00-20:00 local; on the Chatham Islands (+13:45 in summer) a cap
-- of 4 per 30 minutes counts 19:00-19:30 local. After 4 covers at 19:00, 2 more at 19:45 (Kolkata)
-- or 19:15 (Chatham) are refused, while 18:45 and the next interval are free. Buckets aligned to
-- UTC, as before, ran 18:30-19:30 in Kolkata and 18:45-19:15 on Chatham, and got all four wrong.
begin;
select plan(10);
select tests.freeze_time('2026-11-20 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone, default_turn) values
  (tests.operator_id('northern-nights'), 'pace-kolkata', 'Pace Kolkata', 'restaurant', 'Asia/Kolkata', '1 hour'),
  (tests.operator_id('northern-nights'), 'pace-chatham', 'Pace Chatham', 'restaurant', 'Pacific/Chatham', '1 hour');
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select v.id, d, '17:00', '23:00' from tablehold.venues v, generate_series(1, 7) d where v.slug like 'pace-%';
insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode, max_covers)
select v.id, 't' || n, 'Table ' || n, 'table', 'exclusive', 'time', 4 from tablehold.venues v, generate_series(1, 4) n where v.slug like 'pace-%';
insert into tablehold.pacing_rules (venue_id, per, max_covers) values
  (tests.venue_id('pace-kolkata'), '1 hour', 4), (tests.venue_id('pace-chatham'), '30 minutes', 4);

-- a party at a local time on Friday 27 November, at the first free table or at the named one
create function pg_temp.book_at(p_slug text, p_party_size int, p_local time, p_table text default null)
returns jsonb language sql as $$
  select public.book(p_venue_id => v.id, p_party_size => p_party_size, p_start => ('2026-11-27'::date + p_local) at time zone v.timezone,
    p_unit_ids => case when p_table is not null then array(select u.id from tablehold.units u where u.venue_id = v.id and u.code = p_table) end)
  from tablehold.venues v where v.slug = p_slug;
$$;

select is(pg_temp.book_at('pace-kolkata', 4, '19:00') ->> 'status', 'confirmed', 'Kolkata: four covers start at 19:00 local');
select throws_ok($$ select pg_temp.book_at('pace-kolkata', 2, '19:45') $$, 'TH008', 'Sorry, we''re fully booked around that time. Please try another time.',
  'two more at 19:45 are refused: the same local hour');
select is(tests.error_detail($$ select pg_temp.book_at('pace-kolkata', 2, '19:45', 't2') $$) - 'code',
  '{"interval_start": "2026-11-27T13:30:00+00:00", "per": "01:00:00", "max_covers": 4}'::jsonb,
  'the refusal names the hour starting at 19:00 in Kolkata (13:30 UTC)');
select is(pg_temp.book_at('pace-kolkata', 4, '20:00') ->> 'status', 'confirmed', 'four at 20:00 start the next local hour');
select is(pg_temp.book_at('pace-kolkata', 4, '18:45') ->> 'status', 'confirmed', 'and four at 18:45 belong to the hour before');

select is(pg_temp.book_at('pace-chatham', 4, '19:00') ->> 'status', 'confirmed', 'Chatham: four covers start at 19:00 local');
select throws_ok($$ select pg_temp.book_at('pace-chatham', 2, '19:15') $$, 'TH008', 'Sorry, we''re fully booked around that time. Please try another time.',
  'two more at 19:15 are refused: the same local half hour');
select is(tests.error_detail($$ select pg_temp.book_at('pace-chatham', 2, '19:15', 't2') $$) - 'code',
  '{"interval_start": "2026-11-27T05:15:00+00:00", "per": "00:30:00", "max_covers": 4}'::jsonb,
  'the refusal names the half hour starting at 19:00 on the Chatham Islands (05:15 UTC)');
select is(pg_temp.book_at('pace-chatham', 4, '19:30') ->> 'status', 'confirmed', 'four at 19:30 start the next local half hour');
select is(pg_temp.book_at('pace-chatham', 4, '18:45') ->> 'status', 'confirmed', 'and four at 18:45 belong to the half hour before');

select * from finish();
rollback;
