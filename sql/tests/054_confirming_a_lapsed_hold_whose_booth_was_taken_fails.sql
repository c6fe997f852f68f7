-- HOLD_EXPIRED: a guest holds a booth and comes back after the 5 minutes, by when someone else
-- has booked it. Their confirm is refused and the booth stays with the other guest.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') as hold \gset

select tests.freeze_time('2026-11-25 12:07Z');
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 5, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => '{"name": "Lu", "email": "lu@example.com", "date_of_birth": "1990-01-01"}') ->> 'id' as other_id \gset

select throws_ok(format('select public.confirm(%L, %L)', :'hold'::jsonb ->> 'id', :'hold'::jsonb ->> 'manage_token'),
  'TH003', 'Sorry, your hold has expired and the spot is no longer available.', 'the lapsed hold cannot be confirmed');

select tests.clear_authentication();
select is((select status::text from tablehold.bookings where id = (:'hold'::jsonb ->> 'id')::uuid), 'expired', 'the hold is expired');
select is((select booking_id::text from tablehold.allocations
           where unit_id = tests.unit_id('the-vault', 'vip-booth-1') and active), :'other_id', 'the booth belongs to the other guest');

select * from finish();
rollback;
