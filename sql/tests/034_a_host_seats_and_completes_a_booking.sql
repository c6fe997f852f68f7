-- public.seat and public.complete: the host seats the party when it arrives and completes the
-- booking when it leaves; the table is free again for the rest of its window and the client's
-- visit is counted.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-25 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select tests.freeze_time('2026-11-25 19:05-05');
select is(public.seat((:'booking'::jsonb ->> 'id')::uuid) ->> 'status', 'seated', 'the host seats the party');
select tests.freeze_time('2026-11-25 20:10-05');
select is(public.complete((:'booking'::jsonb ->> 'id')::uuid) ->> 'status', 'completed', 'and completes the booking when it leaves');

select tests.clear_authentication();
select results_eq(format($$ select seated_at, completed_at from tablehold.bookings where id = %L $$, :'booking'::jsonb ->> 'id'),
  $$ values ('2026-11-25 19:05-05'::timestamptz, '2026-11-25 20:10-05'::timestamptz) $$, 'both moments are recorded');
select is((select visit_count from tablehold.clients where id = (:'booking'::jsonb ->> 'client_id')::uuid), 1, 'the client''s visit is counted');
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-25 20:15-05',
    p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')],
    p_guest => '{"name": "Bo", "email": "bo@example.com"}') ->> 'status', 'confirmed',
  't1 can be booked again inside what was the finished booking''s window');

select * from finish();
rollback;
