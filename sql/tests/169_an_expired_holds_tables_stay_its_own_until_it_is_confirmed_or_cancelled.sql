-- Confirming a lapsed hold re-takes the allocations it had, if they are still free (075). So while a
-- hold is expired its allocations are still its inventory: deleting them in Studio, moving them, or
-- moving the booking's time would let the confirmation make a booking with no table, or a table at
-- another time (the randomized workload found both). Each is refused with DIRECT_EDIT_REFUSED; the
-- confirmation then re-takes exactly the table it held. Once cancelled, its rows are history.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:00 America/New_York',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') as held \gset
select tests.freeze_time('2026-11-25 12:30Z');
select is(public.sweep_expired_holds(), 1, 'the hold lapsed and was swept');

select throws_ok(format($$ delete from tablehold.allocations where booking_id = %L $$, :'held'::jsonb ->> 'id'),
  'TH017', 'This change must go through tablehold''s functions.', 'its allocation cannot be deleted while it is expired');
select throws_ok(format($$ update tablehold.allocations set during = tstzrange(lower(during) + interval '2 hours', upper(during) + interval '2 hours') where booking_id = %L $$, :'held'::jsonb ->> 'id'),
  'TH017', 'This change must go through tablehold''s functions.', 'nor moved');
select throws_ok(format($$ update tablehold.bookings set during = tstzrange(lower(during) + interval '2 hours', upper(during) + interval '2 hours') where id = %L $$, :'held'::jsonb ->> 'id'),
  'TH017', 'This change must go through tablehold''s functions.', 'nor can the booking''s time move');

select is(public.confirm((:'held'::jsonb ->> 'id')::uuid, :'held'::jsonb ->> 'manage_token') ->> 'status', 'confirmed',
  'confirming it re-takes its table');
select is((select array_agg(u.code || ' ' || lower(a.during)::text) from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
            where a.booking_id = (:'held'::jsonb ->> 'id')::uuid and a.active),
  array['t3 ' || '2026-11-27 19:00 America/New_York'::timestamptz::text], 'exactly the table and time it held');

select public.cancel((:'held'::jsonb ->> 'id')::uuid, :'held'::jsonb ->> 'manage_token') ->> 'status' as cancelled \gset
select lives_ok(format($$ delete from tablehold.allocations where booking_id = %L $$, :'held'::jsonb ->> 'id'),
  'after a cancel its allocation is history, and may be tidied');

select * from finish();
rollback;
