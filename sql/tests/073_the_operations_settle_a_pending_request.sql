-- From pending_approval, through the public functions: a manager approves (-> confirmed) or
-- rejects (-> rejected), or the guest withdraws with the manage token (-> cancelled).
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare request_mezzanine(date) as select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 14,
  p_date => $1, p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')],
  p_guest => '{"name": "Max", "email": "max@example.com", "date_of_birth": "1988-02-29"}');
execute request_mezzanine('2026-12-03') \gset approved_
execute request_mezzanine('2026-12-04') \gset rejected_
execute request_mezzanine('2026-12-05') \gset withdrawn_

select is(public.cancel((:'withdrawn_book'::jsonb ->> 'id')::uuid, :'withdrawn_book'::jsonb ->> 'manage_token') ->> 'status',
  'cancelled', 'pending_approval -> cancelled when the guest withdraws');

select tests.authenticate_as_seed_user('manager@the-vault.test');
select is(public.approve((:'approved_book'::jsonb ->> 'id')::uuid) ->> 'status', 'confirmed', 'pending_approval -> confirmed by approve');
select is(public.reject((:'rejected_book'::jsonb ->> 'id')::uuid) ->> 'status', 'rejected', 'pending_approval -> rejected by reject');

select * from finish();
rollback;
