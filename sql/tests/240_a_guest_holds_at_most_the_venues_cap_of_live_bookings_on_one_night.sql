-- One guest (their client record at the venue) may hold at most venues.max_live_bookings_per_guest
-- live bookings of one night (the default: 4), through hold and book alike, called directly as
-- supabase-js .rpc() would. Lapsed and cancelled bookings stop counting, other nights and other
-- guests are not affected, staff are not bound, and a venue without a cap has none.
begin;
select plan(11);
select tests.freeze_time('2026-11-25 12:00Z');

select is((select max_live_bookings_per_guest from tablehold.venues where slug = 'the-vault'), 4,
  'the-vault caps a guest at the default of 4 live bookings a night');

select tests.authenticate_as_anon();
prepare gil(text, date, text) as select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2,
  p_date => $2, p_slot => $3, p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => jsonb_build_object('name', 'Gil', 'email', $1, 'date_of_birth', '1990-01-01'));
select lives_ok($$ execute gil('gil@example.com', '2026-12-04', 'early') $$, 'a guest holds a first table of a night');
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-12-04', p_slot => 'late',
  p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Gil", "email": "GIL@example.com", "date_of_birth": "1990-01-01"}') ->> 'id' as booked \gset
execute gil('gil@example.com', '2026-12-04', 'early') \gset second_
execute gil('gil@example.com', '2026-12-04', 'late') \gset fourth_
select throws_ok($$ execute gil('gil@example.com', '2026-12-04', 'early') $$,
  'TH018', 'You already hold as many bookings for this night as this venue allows.',
  'a fifth live booking of the night (holds, a booking, either slot, the email in any case) is refused');
select is(tests.error_detail($$ execute gil('gil@example.com', '2026-12-04', 'early') $$),
  '{"code": "HOLD_LIMIT_REACHED", "per": "guest", "limit": 4, "service_date": "2026-12-04", "retry_after": 300}'::jsonb,
  'the refusal names the cap and when the guest''s first hold lapses');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-12-04',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_guest => '{"name": "Gil", "email": "gil@example.com", "date_of_birth": "1990-01-01"}') $$,
  'TH018', 'You already hold as many bookings for this night as this venue allows.',
  'book is refused the same way: a confirmed booking would count as long');
select lives_ok($$ execute gil('gil@example.com', '2026-12-05', 'early') $$, 'the same guest holds on another night');
select lives_ok($$ execute gil('ida@example.com', '2026-12-04', 'early') $$, 'another guest holds on the same night');

select public.cancel((:'fourth_hold'::jsonb ->> 'id')::uuid, :'fourth_hold'::jsonb ->> 'manage_token') ->> 'status' as cancelled \gset
select lives_ok($$ execute gil('gil@example.com', '2026-12-04', 'early') $$, 'a cancelled hold stops counting');

select tests.freeze_time('2026-11-25 12:05Z');
select lives_ok($$ execute gil('gil@example.com', '2026-12-04', 'late') $$,
  'lapsed holds stop counting the instant their time is up, swept or not (only the booking still counts)');

select tests.authenticate_as_seed_user('host@the-vault.test');
select lives_ok(format($$ select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-12-04',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')], p_client_id => %L, p_source => 'staff')
    from generate_series(1, 4) $$, tests.client_id('the-vault', 'gil@example.com')),
  'staff are not bound: a host holds four more for the guest');

select tests.clear_authentication();
update tablehold.venues set max_live_bookings_per_guest = null where slug = 'copper-bar';
select tests.authenticate_as_anon();
select is((select count(*)::int from generate_series(1, 6) n,
                lateral (select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 1, p_date => '2026-11-28',
                           p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_occasion => 'n' || n,
                           p_guest => '{"name": "Jo", "email": "jo@example.com"}') as b) h), 6,
  'a venue without a cap lets one guest hold six');

select * from finish();
rollback;
