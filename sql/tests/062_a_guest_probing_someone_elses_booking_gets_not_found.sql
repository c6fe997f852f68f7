-- A guest who guesses another guest's booking id, with a wrong token or none, learns nothing:
-- NOT_FOUND, exactly as for an id that does not exist, never FORBIDDEN. Staff of another venue
-- are guests there.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as booking_id \gset

select tests.authenticate_as_anon();
select throws_ok(format('select public.cancel(%L)', :'booking_id'), 'TH010', 'We couldn''t find that.',
  'cancelling without the token');
select throws_ok(format('select public.confirm(%L, %L)', :'booking_id', repeat('0', 48)), 'TH010', 'We couldn''t find that.',
  'confirming with a wrong token');
select throws_ok(format('select public.booking_get(%L)', :'booking_id'), 'TH010', 'We couldn''t find that.',
  'reading it without the token');
select throws_ok(format('select public.modify(%L, %L, p_party_size => 4)', :'booking_id', repeat('f', 48)), 'TH010', 'We couldn''t find that.',
  'modifying with a wrong token');

select from tests.create_supabase_user('mallory');
select tests.authenticate_as('mallory');
select throws_ok(format('select public.cancel(%L)', :'booking_id'), 'TH010', 'We couldn''t find that.',
  'a signed-in customer cancelling a booking that is not theirs');

-- the copper-bar's manager is nobody at nora-kitchen
select tests.authenticate_as_seed_user('manager@copper-bar.test');
select throws_ok(format('select public.cancel(%L)', :'booking_id'), 'TH010', 'We couldn''t find that.',
  'staff of another venue cancelling it');

select * from finish();
rollback;
