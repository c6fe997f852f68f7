-- A double click: confirming a booking that is already confirmed (or pending approval) returns
-- it as it is, without touching it.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 3, p_date => '2026-11-26',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as hold \gset
select public.confirm((:'hold'::jsonb ->> 'id')::uuid, :'hold'::jsonb ->> 'manage_token') as once \gset
select tests.freeze_time('2026-11-25 12:01Z');
select public.confirm((:'hold'::jsonb ->> 'id')::uuid, :'hold'::jsonb ->> 'manage_token') as twice \gset

select is(:'twice'::jsonb ->> 'status', 'confirmed', 'the second confirm finds it confirmed');
select is(:'twice'::jsonb, :'once'::jsonb, 'and returns exactly what the first confirm returned');

select tests.clear_authentication();
select results_eq(format($$ select confirmed_at, updated_at from tablehold.bookings where id = %L $$, :'hold'::jsonb ->> 'id'),
  $$ values ('2026-11-25 12:00Z'::timestamptz, '2026-11-25 12:00Z'::timestamptz) $$, 'the row was not written again');

select * from finish();
rollback;
