-- Blocking a pooled section takes every unit still free for the slot, leaving the bookings that
-- already hold units alone; p_quantity blocks only some.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select from public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 13, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Sam", "email": "sam@example.com", "date_of_birth": "1999-07-01"}');

select tests.authenticate_as_seed_user('manager@the-vault.test');
select is(public.block(p_venue_id => tests.venue_id('the-vault'), p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
    p_reason => 'stag party', p_date => '2026-11-27', p_slot => 'early') #>> '{units,0,quantity}', '7',
  'the block takes the 7 standing tables left after a party of 13 took 3');
select is(jsonb_path_query_first(public.availability(tests.venue_id('the-vault'), '2026-11-27', 'early'),
    '$.units[*] ? (@.code == "standing-tables").keys[0]') - 'starts_at' - 'ends_at',
  '{"slot": "early", "state": "unavailable", "remaining": 0, "by_status": {"blocked": 7, "confirmed": 3}, "staff_state": "full"}'::jsonb,
  'staff see the section full: 7 blocked, 3 booked');
select is(public.block(p_venue_id => tests.venue_id('the-vault'), p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
    p_reason => 'reserved for the promoter', p_date => '2026-11-27', p_slot => 'late', p_quantity => 2) #>> '{units,0,quantity}', '2',
  'a block with p_quantity takes only that many');

select tests.authenticate_as_anon();
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 1, p_date => '2026-11-27',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
    p_guest => '{"name": "Lu", "email": "lu@example.com", "date_of_birth": "1990-01-01"}') $$,
  'TH001', 'Sorry, this option is no longer available.', 'a guest cannot get a standing table in the blocked slot');
select is(jsonb_path_query_first(public.availability(tests.venue_id('the-vault'), '2026-11-27', 'late'),
    '$.units[*] ? (@.code == "standing-tables").keys[0].remaining'), '8'::jsonb, 'the late slot has 8 left after the partial block');

select * from finish();
rollback;
