-- The feed is public (anon may read it), so an event says what changed and nothing about who:
-- no booking, client, reference, party or contact column, and no guest detail in any value.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

select columns_are('public', 'availability_events', array[
  'id', 'channel', 'venue_id', 'service_date', 'version', 'unit_id', 'slot_id', 'starts_at', 'ends_at', 'capacity_mode',
  'previous_state', 'new_state', 'remaining', 'capacity', 'reason', 'occurred_at'],
  'events have only venue, unit, window, state and count columns');
select is(
  (select array_agg(confrelid::regclass::text order by confrelid::regclass::text) from pg_constraint
    where conrelid = 'public.availability_events'::regclass and contype = 'f'),
  array['tablehold.slots', 'tablehold.units'], 'they reference only units (of a venue) and slots');

select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 3, p_start => '2026-11-27 19:00 America/New_York',
  p_guest => '{"name": "Ada Lovelace", "email": "ada@example.test", "phone": "+44 20 7946 0000"}', p_special_requests => 'nut allergy',
  p_occasion => 'birthday') ->> 'reference' as reference \gset
select is(
  (select count(*) from public.availability_events e
    where to_jsonb(e)::text ~* ('Ada|example\.test|7946|allergy|birthday|' || :'reference')),
  0::bigint, 'a guest reading the feed finds no trace of the guest''s name, contact, requests or reference');
select is((select count(*) from public.availability_events where venue_id = tests.venue_id('nora-kitchen')), 1::bigint,
  'though the booking itself is published');

select * from finish();
rollback;
