-- p_client_id names an existing client: staff may name any client of their venue, a signed-in
-- customer only their own. An anonymous guest has no client of their own, so naming one (here a
-- regular the host entered by phone, with no login) is NOT_FOUND; they give their details instead.
-- Otherwise anyone could attach bookings to a regular's history and borrow their date of birth.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');

-- the-vault's host enters a regular
select tests.authenticate_as_seed_user('host@the-vault.test');
select public.client_create(tests.venue_id('the-vault'), 'Vera Regular', 'vera@example.com',
  p_date_of_birth => '1980-01-01') ->> 'id' as vera \gset

prepare book_as(uuid) as select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4,
  p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_client_id => $1);

select tests.authenticate_as_anon();
select throws_ok(format('execute book_as(%L)', :'vera'), 'TH010', 'We couldn''t find that.',
  'an anonymous guest cannot book as Vera');
select from tests.create_supabase_user('mallory');
select tests.authenticate_as('mallory');
select throws_ok(format('execute book_as(%L)', :'vera'), 'TH010', 'We couldn''t find that.',
  'nor can a signed-in customer who is not Vera');

select tests.authenticate_as_seed_user('host@the-vault.test');
select is((select b ->> 'client_id' from (select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4,
    p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')],
    p_client_id => :'vera', p_source => 'staff') as b) x), :'vera', 'the host books for Vera');

select * from finish();
rollback;
