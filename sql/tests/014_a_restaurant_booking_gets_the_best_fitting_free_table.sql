-- public.book at a restaurant with only a start time: the engine picks the free table that wastes
-- the fewest seats. The booking lasts the party's turn time; the table is kept 15 minutes longer
-- (the venue's buffer) for clearing.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as first \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:30-05',
  p_guest => '{"name": "Bo", "email": "bo@example.com"}') as second \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Cy", "email": "cy@example.com"}') as third \gset

select is(:'first'::jsonb ->> 'status', 'confirmed', 'the booking is confirmed');
select is(:'first'::jsonb #>> '{units,0,code}', 't1', 'a couple gets a two-seat table (t1)');
select is(:'second'::jsonb #>> '{units,0,code}', 't2', 'the next couple, overlapping, gets the other two-seat table');
select is(:'third'::jsonb #>> '{units,0,code}', 't5', 'a party of six gets t5, not the premium booth with a minimum spend');
select is(tstzrange((:'first'::jsonb ->> 'starts_at')::timestamptz, (:'first'::jsonb ->> 'ends_at')::timestamptz),
  tstzrange('2026-11-28 00:00Z', '2026-11-28 01:30Z'), 'a party of 2 stays 90 minutes');
select is(:'first'::jsonb ->> 'service_date', '2026-11-27', 'on the Friday service date (New York)');

select tests.clear_authentication();
select is((select a.during from tablehold.allocations a where a.booking_id = (:'first'::jsonb ->> 'id')::uuid),
  tstzrange('2026-11-28 00:00Z', '2026-11-28 01:45Z'), 'the table is taken for the turn plus the 15 minute buffer');

select * from finish();
rollback;
