-- the-vault opens 22:00-04:00 with its service day cut over at 06:00 (Europe/London, GMT in
-- November): 01:30 on Saturday morning belongs to Friday's night, and the 01:00 'late' slot of
-- Friday's night starts on Saturday's calendar date.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');

select is(tablehold.service_date_of(v, '2026-11-28 01:30 Europe/London'), '2026-11-27'::date, '01:30 belongs to the night before')
  from tablehold.venues v where v.slug = 'the-vault';
select is(tablehold.service_date_of(v, '2026-11-28 05:59:59 Europe/London'), '2026-11-27'::date, 'up to the cutover it is still the night before')
  from tablehold.venues v where v.slug = 'the-vault';
select is(tablehold.service_date_of(v, '2026-11-28 06:00 Europe/London'), '2026-11-28'::date, 'from the cutover it is the new date')
  from tablehold.venues v where v.slug = 'the-vault';
select is(tablehold.service_window(v, '2026-11-27'), tstzrange('2026-11-27 06:00Z', '2026-11-28 06:00Z'),
  'Friday''s service day runs cutover to cutover') from tablehold.venues v where v.slug = 'the-vault';

select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27',
  p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_override => true) as late \gset
select is(tstzrange((:'late'::jsonb ->> 'starts_at')::timestamptz, (:'late'::jsonb ->> 'ends_at')::timestamptz),
  tstzrange('2026-11-28 01:00Z', '2026-11-28 04:00Z'), 'Friday''s late slot runs 01:00-04:00 on Saturday''s calendar date');
select is(:'late'::jsonb ->> 'service_date', '2026-11-27', 'and the booking is on Friday''s service date');
select ok(:'late'::jsonb ->> 'reference' like 'BR-261127-%', 'its reference carries the service date');
select is(
  jsonb_path_query_first(public.availability(tests.venue_id('the-vault'), '2026-11-27'), '$.slots[*] ? (@.code == "late").starts_at') #>> '{}',
  '2026-11-28T01:00:00+00:00', 'availability for Friday lists the late slot starting early on Saturday');

select * from finish();
rollback;
