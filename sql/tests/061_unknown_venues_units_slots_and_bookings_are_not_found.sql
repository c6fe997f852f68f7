-- NOT_FOUND: a venue, a unit (or another venue's unit), a slot or a booking that does not exist.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare book_at_vault(uuid, uuid, text) as select public.book(p_venue_id => $1, p_party_size => 4, p_date => '2026-11-27',
  p_slot => $3, p_unit_ids => array[$2], p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}');

select throws_ok($$ execute book_at_vault('00000000-0000-4000-b000-0000000000ff', '00000000-0000-4000-c002-000000000001', 'early') $$,
  'TH010', 'We couldn''t find that.', 'an unknown venue');
select throws_ok($$ execute book_at_vault('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-c002-0000000000ff', 'early') $$,
  'TH010', 'We couldn''t find that.', 'an unknown unit');
select throws_ok($$ execute book_at_vault('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-c001-000000000002', null) $$,
  'TH010', 'We couldn''t find that.', 'the copper-bar''s vip area asked for at the-vault');
select throws_ok($$ execute book_at_vault('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-c002-000000000001', 'brunch') $$,
  'TH010', 'We couldn''t find that.', 'a slot the club does not have');
select throws_ok($$ select public.confirm('00000000-0000-4000-9999-00000000abcd', 'not-a-token') $$,
  'TH010', 'We couldn''t find that.', 'an unknown booking');
select throws_ok($$ select public.availability('00000000-0000-4000-b000-000000000002', '2026-11-27', 'brunch') $$,
  'TH010', 'We couldn''t find that.', 'availability for an unknown slot');

select * from finish();
rollback;
