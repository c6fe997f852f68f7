-- deposit_total and min_spend_total are snapshots: when the venue reprices a unit later, existing
-- bookings keep what the guest agreed to, and new bookings pay the new price.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');

select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 5, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') ->> 'id' as booking_id \gset
update tablehold.units set deposit = 150, min_spend = 800 where id = tests.unit_id('the-vault', 'vip-booth-2');

select results_eq(format($$ select deposit_total, min_spend_total from tablehold.bookings where id = %L $$, :'booking_id'),
  $$ values (100.00::numeric, 500.00::numeric) $$, 'the booking keeps the deposit and minimum spend it was made at');
select results_eq($$ select (b ->> 'deposit_total')::numeric, (b ->> 'min_spend_total')::numeric
  from public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 5, p_date => '2026-11-27',
    p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')],
    p_guest => '{"name": "Lu", "email": "lu@example.com", "date_of_birth": "1990-01-01"}') b $$,
  $$ values (150.00::numeric, 800.00::numeric) $$, 'a new booking pays the new prices');

select * from finish();
rollback;
