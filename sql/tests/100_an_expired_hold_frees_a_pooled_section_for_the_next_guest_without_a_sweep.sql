-- copper-bar's vip area has 3 units of 8 covers: a party of 24 holds all of it.
-- Five minutes later the hold has expired and nothing has swept it: the next guest still gets in.
begin;
select plan(6);

select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 24, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'id' as hold_id \gset

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 8, p_date => '2026-11-27',
      p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Bo", "email": "bo@example.test"}')$$,
  'TH001', 'Sorry, this option is no longer available.',
  'while the hold lives, the vip area is full');

select tests.clear_authentication();
select tests.freeze_time('2026-11-25 12:05Z');
select is((select status::text from tablehold.bookings where id = :'hold_id'), 'held', 'nothing has swept the hold');
select tests.authenticate_as_anon();
select is(
  public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 8, p_date => '2026-11-27',
    p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Bo", "email": "bo@example.test"}') ->> 'status',
  'confirmed',
  'at hold_expires_at the next guest books the vip area');
select tests.clear_authentication();

select is((select status::text || '/' || status_reason from tablehold.bookings where id = :'hold_id'),
  'expired/hold_expired', 'the stale hold was expired by the booking that needed its units');
select is((select active from tablehold.allocations where booking_id = :'hold_id'), false, 'its allocation is released');
select is(
  (select array_agg(quantity order by id) from tablehold.allocations
    where unit_id = tests.unit_id('copper-bar', 'vip') and active),
  array[1], 'only the new booking occupies the vip area');

select * from finish();
rollback;
