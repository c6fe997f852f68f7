-- Ada asks nora-kitchen to erase her. The manager's client_erase anonymises her record (name
-- 'Erased client', no contact details, birth date, notes or tags) and scrubs her bookings' special
-- requests, but keeps the bookings and her visit count for the venue's history.
begin;
select plan(8);
select tests.freeze_time('2026-11-27 18:00 America/New_York');
select public.client_create(tests.venue_id('nora-kitchen'), 'Ada Lovelace', 'ada@example.test', '+1 212 555 0100', '1990-12-10', 'likes the window', array['vip']) ->> 'id' as ada \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_client_id => :'ada', p_special_requests => 'nut allergy') ->> 'id' as tonight \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-12-04 19:00 America/New_York', p_client_id => :'ada', p_special_requests => 'cake at 21:00') ->> 'id' as next_week \gset
select tests.freeze_time('2026-11-27 19:05 America/New_York');
select public.seat(:'tonight') ->> 'status' as seated \gset

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select throws_ok(format('select public.client_erase(%L)', :'ada'), 'TH011', 'You are not allowed to do that.', 'a host may not erase a client');
select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select public.client_erase(:'ada') as erased \gset

select is(:'erased'::jsonb - 'id' - 'venue_id' - 'created_at' - 'updated_at',
  '{"name": "Erased client", "email": null, "phone": null, "date_of_birth": null, "notes": null, "tags": [],
    "visit_count": 1, "no_show_count": 0, "erased_at": "2026-11-28T00:05:00+00:00", "linked_user": false}'::jsonb,
  'the manager''s erase leaves an anonymous record that keeps the visit count, stamped with the engine clock');
select is(jsonb_path_query_array(public.client_get(:'ada'), '$.bookings[*].status'), '["confirmed", "seated"]'::jsonb,
  'both bookings are still hers, newest first');
select is(jsonb_array_length(public.clients_search(tests.venue_id('nora-kitchen'), 'Erased')), 0,
  'erased clients do not show up in search');
select throws_ok(format($$select public.client_update(%L, '{"name": "Ada Lovelace"}')$$, :'ada'),
  'TH009', 'This booking can''t be changed that way in its current state.', 'an erased client cannot be filled in again');
select tests.clear_authentication();

select is((select count(*) from tablehold.bookings where client_id = :'ada' and special_requests is null), 2::bigint,
  'the special requests of both bookings are gone');
select is((select array_agg(status::text || ' ' || party_size order by party_size) from tablehold.bookings where client_id = :'ada'),
  array['seated 2', 'confirmed 4'], 'the bookings themselves are untouched');
select is((select active from tablehold.allocations where booking_id = :'next_week'), true, 'next week''s table is still held for the booking');

select * from finish();
rollback;
