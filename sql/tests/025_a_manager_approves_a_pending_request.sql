-- public.approve: the-vault's manager approves a guest's request for the mezzanine.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 15, p_date => '2026-11-28',
  p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')],
  p_guest => '{"name": "Max", "email": "max@example.com", "date_of_birth": "1988-02-29"}') as request \gset
select is(:'request'::jsonb ->> 'status', 'pending_approval', 'a guest''s mezzanine booking waits for approval');
select :'request'::jsonb ->> 'id' as booking_id \gset

select tests.authenticate_as_seed_user('manager@the-vault.test');
select tests.freeze_time('2026-11-25 15:00Z');
select public.approve(:'booking_id') as approved \gset
select is(:'approved'::jsonb ->> 'status', 'confirmed', 'the manager''s approval confirms the request');
select is(:'approved'::jsonb #>> '{units,0,code}', 'mezzanine', 'on the mezzanine');

select tests.clear_authentication();
select results_eq($$ select confirmed_at, status_reason from tablehold.bookings where status = 'confirmed' $$,
  $$ values ('2026-11-25 15:00Z'::timestamptz, 'approved') $$, 'confirmed at the time of approval, reason approved');

select * from finish();
rollback;
