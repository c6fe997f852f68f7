-- nora-kitchen knows Ada (ada@example.test). Anyone booking as a guest with that email, in any
-- case and under any name, is linked to her client record; what they type never overwrites it.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.client_create(tests.venue_id('nora-kitchen'), 'Ada Lovelace', 'ada@example.test', '+1 212 555 0100', p_notes => 'regular') as ada \gset
select max(id) as before_guests from tablehold.audit_log \gset

select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_guest => '{"name": "A. Hacker", "email": " ADA@Example.test ", "phone": "+1 999 999 9999"}') ->> 'client_id' as first_guest \gset
select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-28 19:00 America/New_York', p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "2001-01-01"}') ->> 'client_id' as second_guest \gset
select tests.clear_authentication();

select is(array[:'first_guest', :'second_guest'], array[:'ada'::jsonb ->> 'id', :'ada'::jsonb ->> 'id'], 'both bookings are linked to Ada''s record');
select is((select to_jsonb(c) - 'updated_at' - 'created_at' from tablehold.clients c where c.id = (:'ada'::jsonb ->> 'id')::uuid),
  (:'ada'::jsonb - 'updated_at' - 'created_at' - 'linked_user') || '{"user_id": null}', 'her record is exactly as the host created it');
select is((select count(*) from tablehold.clients where venue_id = tests.venue_id('nora-kitchen')), 1::bigint, 'no second client was created');
select is((select count(*) from tablehold.audit_log where id > :before_guests and entity = 'clients'), 0::bigint, 'the client row was not written at all');

select * from finish();
rollback;
