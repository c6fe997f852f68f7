-- A guest held all three of copper-bar's vip units for 24 people and let the hold lapse; another
-- guest then booked one unit. Three units are no longer free, so confirming fails with
-- HOLD_EXPIRED, for the guest and for the bar's manager alike, and takes nothing back.
-- (The same for an exclusive booth: 054.)
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 24, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') as vip \gset

select tests.freeze_time('2026-11-25 12:06Z');
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Bo", "email": "bo@example.test"}') ->> 'id' as taker \gset
select throws_ok(format('select public.confirm(%L, %L)', :'vip'::jsonb ->> 'id', :'vip'::jsonb ->> 'manage_token'),
  'TH003', 'Sorry, your hold has expired and the spot is no longer available.', 'the guest cannot confirm 3 units with 2 left');

select tests.authenticate_as_seed_user('manager@copper-bar.test');
select throws_ok(format('select public.confirm(%L)', :'vip'::jsonb ->> 'id'),
  'TH003', 'Sorry, your hold has expired and the spot is no longer available.', 'nor can copper-bar''s manager');
select tests.clear_authentication();

select is((select status::text from tablehold.bookings where id = (:'vip'::jsonb ->> 'id')::uuid), 'expired', 'the hold stays expired');
select is((select coalesce(sum(quantity), 0) from tablehold.allocations where booking_id = (:'vip'::jsonb ->> 'id')::uuid and active),
  0::bigint, 'and holds no unit');
select is(
  jsonb_path_query_first(public.availability(tests.venue_id('copper-bar'), '2026-11-27'), '$.units[*] ? (@.code == "vip").keys[0].remaining')::int,
  2, 'the two units left are still on offer');

select * from finish();
rollback;
