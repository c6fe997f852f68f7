-- A guest holds the-vault's vip-booth-1 for Friday's early slot and walks away. Once the hold's
-- time is up the next guest books the booth at once: the stale hold is expired on the spot,
-- with a hold_expired event, and no sweeper is involved.
begin;
select plan(6);

select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}') ->> 'id' as hold_id \gset

select tests.clear_authentication();
select tests.freeze_time('2026-11-25 12:05:00.000001Z');
select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_guest => '{"name": "Bo", "email": "bo@example.test", "date_of_birth": "1991-01-01"}') as booked \gset
select tests.clear_authentication();

select is(:'booked'::jsonb ->> 'status', 'confirmed', 'the next guest books the booth the hold had taken');
select is((select status::text || '/' || status_reason from tablehold.bookings where id = :'hold_id'),
  'expired/hold_expired', 'the stale hold is marked expired');
select is((select count(*) from tablehold.allocations where unit_id = tests.unit_id('the-vault', 'vip-booth-1') and active),
  1::bigint, 'one active allocation on the booth: the new booking''s');
select results_eq(
  $$select version, previous_state, new_state, reason from public.availability_events
     where unit_id = tests.unit_id('the-vault', 'vip-booth-1') order by version$$,
  $$values (1::bigint, 'available', 'unavailable', 'booking_requested'),
           (2, 'unavailable', 'available', 'hold_expired'),
           (3, 'available', 'unavailable', 'booking_requested')$$,
  'the feed shows the hold, its expiry, and the new booking, in that order');
select is((select occurred_at from public.availability_events where reason = 'hold_expired'),
  '2026-11-25 12:05:00.000001Z'::timestamptz, 'the expiry event is stamped with the engine clock');
select is((select count(*) from tablehold.audit_log
            where entity = 'bookings' and entity_id = :'hold_id' and after ->> 'status' = 'expired'),
  1::bigint, 'the expiry is in the audit trail');

select * from finish();
rollback;
