-- nora-kitchen's host keeps the guest book: creates a client, reads it with its bookings, updates
-- it and finds it by part of the name, email or phone. Staff of another venue, customers and
-- anonymous callers can do none of it.
begin;
select plan(9);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_seed_user('host@nora-kitchen.test');

select public.client_create(tests.venue_id('nora-kitchen'), ' Ada Lovelace ', 'ada@example.test', '+1 212 555 0100',
  '1990-12-10', 'likes the window', array['regular']) ->> 'id' as client_id \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_client_id => :'client_id') ->> 'reference' as reference \gset

select is(public.client_get(:'client_id') - 'id' - 'created_at' - 'updated_at' - 'bookings',
  '{"name": "Ada Lovelace", "email": "ada@example.test", "phone": "+1 212 555 0100", "date_of_birth": "1990-12-10", "notes": "likes the window",
    "tags": ["regular"], "visit_count": 0, "no_show_count": 0, "erased_at": null, "linked_user": false}'::jsonb
    || jsonb_build_object('venue_id', tests.venue_id('nora-kitchen')),
  'the host reads the client back as created, name trimmed');
select is(jsonb_path_query_array(public.client_get(:'client_id'), '$.bookings[*].reference'), jsonb_build_array(:'reference'),
  'with the booking made for them');
select is(public.client_update(:'client_id', '{"phone": "+1 212 555 0199", "tags": ["regular", "vip"], "notes": null}') - 'id' - 'created_at' - 'updated_at'
    - 'venue_id' - 'visit_count' - 'no_show_count' - 'erased_at' - 'linked_user',
  '{"name": "Ada Lovelace", "email": "ada@example.test", "phone": "+1 212 555 0199", "date_of_birth": "1990-12-10", "notes": null, "tags": ["regular", "vip"]}'::jsonb,
  'the host updates the fields given and leaves the others');
select is(
  (select array_agg(jsonb_array_length(public.clients_search(tests.venue_id('nora-kitchen'), q)) order by q)
     from unnest(array['LOVEL', 'example.test', '555 0199', 'nobody']) q),
  array[1, 1, 1, 0], 'search finds her by part of the name (any case), the email or the phone, and nothing for a stranger');
select is(jsonb_array_length(public.clients_search(tests.venue_id('nora-kitchen'))), 1, 'an empty query lists the venue''s clients');

select throws_ok($$select public.clients_search(tests.venue_id('copper-bar'), 'Ada')$$,
  'TH011', 'You are not allowed to do that.', 'the host of nora-kitchen cannot search copper-bar''s clients');
select tests.authenticate_as_seed_user('manager@copper-bar.test');
select throws_ok(format('select public.client_get(%L)', :'client_id'),
  'TH010', 'We couldn''t find that.', 'to copper-bar''s manager a nora-kitchen client does not exist');
select tests.authenticate_as_seed_user('guest@example.test');
select throws_ok(format($$select public.client_update(%L, '{"name": "Mallory"}')$$, :'client_id'),
  'TH010', 'We couldn''t find that.', 'a customer who is not the client cannot even see it');
select tests.authenticate_as_anon();
select throws_ok($$select public.client_create(tests.venue_id('nora-kitchen'), 'Eve')$$,
  '42501', 'permission denied for function client_create', 'anonymous callers may not call the client functions at all');

select * from finish();
rollback;
