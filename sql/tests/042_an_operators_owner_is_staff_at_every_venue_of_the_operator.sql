-- Staff rank comes from staff_members per venue or for a whole operator: northern-nights' owner
-- manages the copper-bar and the-vault alike, and is nobody at nora-kitchen (another operator).
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as kitchen_booking \gset
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 12, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')], p_source => 'app',
  p_guest => '{"name": "Max", "email": "max@example.com", "date_of_birth": "1988-02-29"}') ->> 'id' as vault_booking \gset

-- northern-nights' owner
select tests.authenticate_as_seed_user('owner@northern-nights.test');
select is(public.block(p_venue_id => tests.venue_id('copper-bar'), p_unit_ids => array[tests.unit_id('copper-bar', 'vip')],
    p_reason => 'launch party', p_date => '2026-11-28') ->> 'kind', 'block', 'the owner blocks at the copper-bar');
select is(public.cancel(:'vault_booking') ->> 'status', 'cancelled', 'and cancels at the-vault');
select is((select count(*)::int from tablehold.bookings), 2, 'and reads the bookings of both venues, not nora-kitchen''s');
select throws_ok(format('select public.cancel(%L)', :'kitchen_booking'), 'TH010', 'We couldn''t find that.',
  'at nora-kitchen the owner is a stranger');
select throws_ok($$ select public.block(p_venue_id => tests.venue_id('nora-kitchen'), p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')],
    p_reason => 'x', p_start => '2026-11-27 18:00-05', p_end => '2026-11-27 19:00-05') $$,
  'TH011', 'You are not allowed to do that.', 'who may not block there');

select * from finish();
rollback;
