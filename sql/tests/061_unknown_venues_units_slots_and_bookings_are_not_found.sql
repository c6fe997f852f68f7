-- NOT_FOUND: a venue, a unit (or another venue's unit), a slot or a booking that does not exist.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare book_at_vault(uuid, uuid, text) as select public.book(p_venue_id => $1, p_party_size => 4, p_date => '2026-11-27',
  p_slot => $3, p_unit_ids => array[$2], p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}');

select throws_ok($$ execute book_at_vault(gen_random_uuid(), tests.unit_id('the-vault', 'vip-booth-1'), 'early') $$,
  'TH010', 'We couldn''t find that.', 'an unknown venue');
select throws_ok($$ execute book_at_vault(tests.venue_id('the-vault'), gen_random_uuid(), 'early') $$,
  'TH010', 'We couldn''t find that.', 'an unknown unit');
select throws_ok($$ execute book_at_vault(tests.venue_id('the-vault'), tests.unit_id('copper-bar', 'vip'), null) $$,
  'TH010', 'We couldn''t find that.', 'the copper-bar''s vip area asked for at the-vault');
select throws_ok($$ execute book_at_vault(tests.venue_id('the-vault'), tests.unit_id('the-vault', 'vip-booth-1'), 'brunch') $$,
  'TH010', 'We couldn''t find that.', 'a slot the club does not have');
select throws_ok($$ select public.confirm(gen_random_uuid(), 'not-a-token') $$,
  'TH010', 'We couldn''t find that.', 'an unknown booking');
select throws_ok($$ select public.availability(tests.venue_id('the-vault'), '2026-11-27', 'brunch') $$,
  'TH010', 'We couldn''t find that.', 'availability for an unknown slot');

select * from finish();
rollback;
