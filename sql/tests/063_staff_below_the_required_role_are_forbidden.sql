-- FORBIDDEN: a host can seat and cancel but not approve, reject, block, unblock or override; a
-- signed-in guest cannot see the floor.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 12, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')],
  p_guest => '{"name": "Max", "email": "max@example.com", "date_of_birth": "1988-02-29"}') ->> 'id' as request_id \gset
select tests.clear_authentication();
select public.block(p_venue_id => tests.venue_id('the-vault'), p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')],
  p_reason => 'broken speaker', p_date => '2026-11-27', p_slot => 'late') ->> 'id' as block_id \gset

-- the-vault's host
select tests.authenticate_as_seed_user('host@the-vault.test');
select throws_ok(format('select public.approve(%L)', :'request_id'), 'TH011', 'You are not allowed to do that.', 'a host cannot approve');
select throws_ok(format('select public.reject(%L)', :'request_id'), 'TH011', 'You are not allowed to do that.', 'nor reject');
select throws_ok($$ select public.block(p_venue_id => tests.venue_id('the-vault'), p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
    p_reason => 'friends', p_date => '2026-11-27', p_slot => 'early') $$,
  'TH011', 'You are not allowed to do that.', 'nor block');
select throws_ok(format('select public.unblock(%L)', :'block_id'), 'TH011', 'You are not allowed to do that.', 'nor unblock');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_source => 'staff', p_override => true,
    p_guest => '{"name": "Jo", "email": "jo@example.com"}') $$,
  'TH011', 'You are not allowed to do that.', 'nor override the rules');

select from tests.create_supabase_user('curious');
select tests.authenticate_as('curious');
select throws_ok($$ select public.table_live_status(tests.venue_id('nora-kitchen')) $$,
  'TH011', 'You are not allowed to do that.', 'a signed-in guest cannot see the floor');

select * from finish();
rollback;
