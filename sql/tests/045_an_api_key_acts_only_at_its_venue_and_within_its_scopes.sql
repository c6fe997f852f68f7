-- Per-venue API keys for assistants: the Edge Functions run their requests as role authenticated,
-- with the key's id in the claims and no user. A "book" key holds and books at its own venue only;
-- a "read" key books nothing; a "manage" key acts as a host of its venue (seats, sees the floor,
-- but cannot block); a revoked key is nothing.
begin;
select plan(10);
select tests.freeze_time('2026-11-25 12:00Z');
select public.api_key_create(tests.venue_id('copper-bar'), 'concierge', array['book']) ->> 'id' as book_key \gset
select public.api_key_create(tests.venue_id('copper-bar'), 'search', array['read']) ->> 'id' as read_key \gset
select public.api_key_create(tests.venue_id('nora-kitchen'), 'floor bot', array['manage']) ->> 'id' as manage_key \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-25 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as kitchen_booking \gset

create function pg_temp.act_as_key(p_key text) returns void language sql as $$
  select set_config('role', 'authenticated', true),
         set_config('request.jwt.claims', jsonb_build_object('role', 'authenticated', 'api_key_id', p_key)::text, true);
$$;
prepare hold_bar_table(int) as select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => $1,
  p_date => '2026-11-28', p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_source => 'assistant',
  p_guest => '{"name": "Bo", "email": "bo@example.com"}');

select pg_temp.act_as_key(:'book_key');
select lives_ok('execute hold_bar_table(2)', 'a book key holds at its own venue');
select throws_ok($$ select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-28',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')], p_source => 'assistant',
    p_guest => '{"name": "Bo", "email": "bo@example.com", "date_of_birth": "1990-01-01"}') $$,
  'TH011', 'You are not allowed to do that.', 'but not at another venue of the same operator');

select pg_temp.act_as_key(:'read_key');
select throws_ok('execute hold_bar_table(3)', 'TH011', 'You are not allowed to do that.', 'a read key cannot hold');
select lives_ok($$ select public.availability(tests.venue_id('copper-bar'), '2026-11-28') $$, 'it reads availability');

select pg_temp.act_as_key(:'manage_key');
select tests.freeze_time('2026-11-25 19:05-05');
select lives_ok(format('select public.seat(%L)', :'kitchen_booking'), 'a manage key seats a party at its venue, as a host would');
select lives_ok($$ select public.table_live_status(tests.venue_id('nora-kitchen')) $$, 'and sees the floor');
select throws_ok($$ select public.block(p_venue_id => tests.venue_id('nora-kitchen'),
    p_unit_ids => array[tests.unit_id('nora-kitchen', 't2')], p_reason => 'x',
    p_start => '2026-11-25 20:00-05', p_end => '2026-11-25 21:00-05') $$,
  'TH011', 'You are not allowed to do that.', 'but cannot block, which takes a manager');

select tests.clear_authentication();
select is((select status::text from tablehold.bookings where id = :'kitchen_booking'), 'seated', 'the party is seated');
select from public.api_key_revoke(:'book_key');
select pg_temp.act_as_key(:'book_key');
select throws_ok('execute hold_bar_table(2)', 'TH011', 'You are not allowed to do that.', 'a revoked key holds nothing');
select pg_temp.act_as_key(gen_random_uuid()::text);
select throws_ok('execute hold_bar_table(2)', 'TH011', 'You are not allowed to do that.', 'nor does an unknown key id');

select * from finish();
rollback;
