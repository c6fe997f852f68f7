-- public.reject: the manager turns down a mezzanine request; the section is free for others.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 15, p_date => '2026-11-28',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')],
  p_guest => '{"name": "Max", "email": "max@example.com", "date_of_birth": "1988-02-29"}') ->> 'id' as booking_id \gset

select tests.authenticate_as_seed_user('manager@the-vault.test');
select is(public.reject(:'booking_id', 'private hire that night') ->> 'status', 'rejected', 'the manager rejects the request');
select is(jsonb_path_query_first(public.availability(tests.venue_id('the-vault'), '2026-11-28', 'early'),
    '$.units[*] ? (@.code == "mezzanine").keys[0]') - 'by_status',
  '{"slot": "early", "state": "available", "ends_at": "2026-11-29T01:00:00+00:00", "remaining": 1, "starts_at": "2026-11-28T22:00:00+00:00", "staff_state": "available"}'::jsonb,
  'the mezzanine is available again');

select tests.clear_authentication();
select is((select status_reason from tablehold.bookings where id = :'booking_id'), 'private hire that night', 'the reason is kept');

select * from finish();
rollback;
