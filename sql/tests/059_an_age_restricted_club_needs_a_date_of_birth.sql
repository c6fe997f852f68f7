-- DATE_OF_BIRTH_REQUIRED: the-vault cannot check a guest's age without a date of birth. A
-- manager booking with an override (they checked ID at the door) may go without.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select throws_ok($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')],
    p_guest => '{"name": "Jo", "email": "jo@example.com"}') $$,
  'TH014', 'This venue needs your date of birth to confirm your age.', 'a guest without a date of birth is asked for one');

select tests.authenticate_as_seed_user('manager@the-vault.test');
select is(public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')], p_source => 'staff', p_override => true,
    p_guest => '{"name": "Jo", "email": "jo@example.com"}') ->> 'status', 'confirmed',
  'the manager''s override books without one');

select * from finish();
rollback;
