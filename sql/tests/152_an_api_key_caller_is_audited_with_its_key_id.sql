-- An assistant books through the HTTP API with nora-kitchen's API key: the Edge Function runs the
-- request as role authenticated with the key's id in the claims and no user. Every row the booking
-- writes is audited with that key id and no user, so staff can tell the assistant's bookings apart.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select public.api_key_create(tests.venue_id('nora-kitchen'), 'concierge', array['book']) ->> 'id' as key_id \gset
select max(id) as before_booking from tablehold.audit_log \gset

select set_config('role', 'authenticated', true), set_config('request.jwt.claims', jsonb_build_object('role', 'authenticated', 'api_key_id', :'key_id')::text, true);
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_source => 'assistant', p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'id' as keyed \gset
select tests.clear_authentication();
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 20:00 America/New_York') ->> 'id' as direct \gset

select is(
  (select array_agg(distinct entity || ' ' || actor_role || ' ' || coalesce(actor_user_id::text, 'no user') || ' ' || api_key_id)
     from tablehold.audit_log where id > :before_booking and (entity_id = :'keyed' or after ->> 'booking_id' = :'keyed' or entity = 'clients')),
  array['bookings authenticated no user ' || :'key_id', 'clients authenticated no user ' || :'key_id'],
  'the client and booking rows (the booking''s with its allocations) carry the key id and no user');
-- a booking is written once, in its final status (engine v2: no hold rewritten as confirmed)
select is((select count(*) from tablehold.audit_log where id > :before_booking and entity_id = :'keyed'), 1::bigint,
  'the booking''s one write is there');
select is((select count(*) from tablehold.audit_log where entity_id = :'direct' and api_key_id is null and actor_role = 'postgres'), 1::bigint,
  'a booking made without a key carries none');

select * from finish();
rollback;
