-- API-key scopes on every operation (migration 20261202186100): read < book < manage, each at the
-- key's own venue only. A read key reads availability but cannot read, confirm, change or cancel a
-- booking even with the guest's manage token; a book key can; a key of another venue is refused
-- even where anyone may read (availability, start times, suggestions). Without a token a key still
-- learns nothing about a booking (NOT_FOUND).
begin;
select plan(16);
select tests.freeze_time('2026-11-25 12:00Z');

select public.api_key_create(tests.venue_id('the-vault'), 'search', array['read']) ->> 'id' as read_key \gset
select public.api_key_create(tests.venue_id('the-vault'), 'concierge', array['book']) ->> 'id' as book_key \gset
select public.api_key_create(tests.venue_id('nora-kitchen'), 'floor bot', array['manage']) ->> 'id' as nora_key \gset
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Ada", "email": "ada@example.com", "date_of_birth": "1990-01-01"}') as booked \gset
select (:'booked'::jsonb ->> 'id') as booking, (:'booked'::jsonb ->> 'manage_token') as token \gset


select tests.authenticate_as_api_key(:'read_key');
select lives_ok($$ select public.availability(tests.venue_id('the-vault'), '2026-11-27') $$, 'a read key reads availability at its venue');
select throws_ok(format('select public.booking_get(%L, %L)', :'booking', :'token'),
  'TH011', 'You are not allowed to do that.', 'but cannot read a booking with its manage token');
select throws_ok(format('select public.cancel(%L, %L)', :'booking', :'token'),
  'TH011', 'You are not allowed to do that.', 'nor cancel it');
select throws_ok(format('select public.modify(%L, %L, p_party_size => 3)', :'booking', :'token'),
  'TH011', 'You are not allowed to do that.', 'nor change it');
select is(tests.error_detail(format('select public.cancel(%L, %L)', :'booking', :'token')) ->> 'required_scope', 'book',
  'the refusal names the scope it takes');
select throws_ok(format('select public.cancel(%L)', :'booking'),
  'TH010', 'We couldn''t find that.', 'without the token it learns nothing about the booking');

select tests.authenticate_as_api_key(:'book_key');
select lives_ok(format('select public.booking_get(%L, %L)', :'booking', :'token'), 'a book key reads the booking with its token');
select lives_ok(format('select public.modify(%L, %L, p_party_size => 3)', :'booking', :'token'), 'changes it');
select lives_ok(format('select public.cancel(%L, %L)', :'booking', :'token'), 'and cancels it');

select tests.authenticate_as_api_key(:'nora_key');
select throws_ok(format('select public.booking_get(%L, %L)', :'booking', :'token'),
  'TH011', 'You are not allowed to do that.', 'a key of another venue cannot use a guest''s token here, whatever its scopes');
select throws_ok($$ select public.availability(tests.venue_id('the-vault'), '2026-11-27') $$,
  'TH011', 'You are not allowed to do that.', 'nor read this venue''s availability');
select throws_ok($$ select public.channel_version(tests.venue_id('the-vault'), '2026-11-27') $$,
  'TH011', 'You are not allowed to do that.', 'nor its channel version');
select throws_ok($$ select public.availability_etag(tests.venue_id('the-vault'), '2026-11-27') $$,
  'TH011', 'You are not allowed to do that.', 'nor its ETag');
select lives_ok($$ select public.available_times(tests.venue_id('nora-kitchen'), '2026-11-27', 2) $$,
  'it reads start times at its own venue');
select tests.authenticate_as_api_key(:'book_key');
select throws_ok($$ select public.available_times(tests.venue_id('nora-kitchen'), '2026-11-27', 2) $$,
  'TH011', 'You are not allowed to do that.', 'which the-vault''s keys may not');
select throws_ok($$ select public.suggest_tables(tests.venue_id('nora-kitchen'), '2026-11-27 19:00-05', 2) $$,
  'TH011', 'You are not allowed to do that.', 'nor ask for its tables');

select * from finish();
rollback;
