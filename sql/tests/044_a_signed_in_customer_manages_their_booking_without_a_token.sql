-- A signed-in customer's bookings are linked to their client record, so they confirm, change and
-- cancel them as themselves, with no manage token; later bookings reuse the same client.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select from tests.create_supabase_user('carla', 'carla@example.com');
select tests.authenticate_as('carla');

select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Carla", "email": "carla@example.com"}') as first \gset
select is(public.confirm((:'first'::jsonb ->> 'id')::uuid) ->> 'status', 'confirmed', 'Carla confirms her hold without the token');
select is(public.modify((:'first'::jsonb ->> 'id')::uuid, p_party_size => 3) ->> 'party_size', '3', 'changes the party size');
select is(public.cancel((:'first'::jsonb ->> 'id')::uuid) ->> 'status', 'cancelled', 'and cancels');

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-28 19:00-05') as second \gset
select is(:'second'::jsonb ->> 'client_id', :'first'::jsonb ->> 'client_id', 'her next booking needs no details: it reuses her client record');
select results_eq($$ select count(*)::int from tablehold.bookings $$, array[2], 'and she can read both of her bookings');

select * from finish();
rollback;
