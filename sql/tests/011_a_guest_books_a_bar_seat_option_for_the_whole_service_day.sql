-- public.book at a bar: the copper-bar's vip area is a pooled, date-mode seat option (3 units of
-- up to 8). A booking lasts the service day (05:00 to 05:00 London) and snapshots deposit and
-- minimum spend per unit taken.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 12, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_occasion => 'birthday',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset

select is(:'booking'::jsonb ->> 'status', 'confirmed', 'the booking is confirmed at once');
select is(:'booking'::jsonb -> 'hold_expires_at', 'null'::jsonb, 'with no hold expiry');
select is(:'booking'::jsonb #>> '{units,0,code}', 'vip', 'in the vip area');
select is((:'booking'::jsonb #>> '{units,0,quantity}')::int, 2, 'a party of 12 takes two 8-person vip units');
select is((:'booking'::jsonb ->> 'deposit_total')::numeric, 100.00, 'deposit: 2 units x 50');
select is((:'booking'::jsonb ->> 'min_spend_total')::numeric, 400.00, 'minimum spend: 2 units x 200');
select is(tstzrange((:'booking'::jsonb ->> 'starts_at')::timestamptz, (:'booking'::jsonb ->> 'ends_at')::timestamptz),
  tstzrange('2026-11-27 05:00Z', '2026-11-28 05:00Z'), 'it covers the service day, cutover to cutover');
select is(:'booking'::jsonb ->> 'occasion', 'birthday', 'the occasion is kept');

select * from finish();
rollback;
