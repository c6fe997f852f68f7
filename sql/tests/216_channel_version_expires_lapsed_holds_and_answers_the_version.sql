-- public.channel_version is what the availability route compares If-None-Match with before any
-- snapshot work: the channel's version, 0 for a night nothing happened on, after expiring the
-- night's holds whose time is up (so a lapsed hold moves the ETag). Guests may call it.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select id as copper from tablehold.venues where slug = 'copper-bar' \gset
select id as vip from tablehold.units where code = 'vip' and venue_id = :'copper' \gset

select tests.authenticate_as_anon();
select is(public.channel_version(:'copper', '2026-11-27'), 0::bigint, 'a night nothing happened on is at version 0');
select from public.hold(p_venue_id => :'copper', p_party_size => 4, p_date => '2026-11-27', p_unit_ids => array[:'vip']::uuid[],
  p_guest => '{"name": "Ada", "email": "ada@example.test"}');
select is(public.channel_version(:'copper', '2026-11-27'), 1::bigint, 'a hold moves it to 1');
select is(public.channel_version(:'copper', '2026-11-27'), 1::bigint, 'and asking again changes nothing');
select tests.freeze_time('2026-11-25 12:05Z');
select is(public.channel_version(:'copper', '2026-11-27'), 2::bigint, 'once the hold''s time is up, asking expires it: version 2');
select tests.clear_authentication();
select is((select status::text from tablehold.bookings where venue_id = :'copper' and service_date = '2026-11-27'), 'expired',
  'the hold is expired');

select * from finish();
rollback;
