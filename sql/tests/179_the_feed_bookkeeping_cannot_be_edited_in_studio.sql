-- On main before engine v2, deleting a channels row made every later booking that night answer 500
-- and reset its version to 0, and deleting one availability event starved every client resuming
-- from before it; the API roles could even move the event tables' sequences. Only the engine writes
-- channels, availability events and the staff feed now; bookings keep working after a refused edit.
begin;
select plan(10);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) ->> 'id' as booked \gset

select throws_ok($$ delete from tablehold.channels where venue_id = tests.venue_id('copper-bar') $$,
  'TH017', 'This change must go through tablehold''s functions.', 'deleting a channel is refused');
select throws_ok($$ update tablehold.channels set version = 0 $$,
  'TH017', 'This change must go through tablehold''s functions.', 'resetting a version is refused');
select throws_ok($$ delete from public.availability_events where version = 1 $$,
  'TH017', 'This change must go through tablehold''s functions.', 'deleting an availability event is refused');
select throws_ok($$ insert into public.availability_events (channel, venue_id, service_date, version, unit_id, starts_at, ends_at,
    capacity_mode, previous_state, new_state, remaining, capacity, reason)
  select channel, venue_id, service_date, version + 1, unit_id, starts_at, ends_at, capacity_mode, previous_state, new_state,
    remaining, capacity, 'forged' from public.availability_events limit 1 $$,
  'TH017', 'This change must go through tablehold''s functions.', 'forging one is refused');
select throws_ok($$ truncate public.availability_events $$,
  'TH017', 'This change must go through tablehold''s functions.', 'and so is truncating the outbox');
select throws_ok($$ insert into public.staff_events (venue_id, seq, service_date, booking_id, reference, kind, status, party_size,
    starts_at, ends_at, actor_role) values (tests.venue_id('copper-bar'), 999, '2026-11-27', gen_random_uuid(),
    'BR-261127-FORGED', 'booking', 'confirmed', 2, '2026-11-27 19:00Z', '2026-11-27 21:00Z', 'database') $$,
  'TH017', 'This change must go through tablehold''s functions.', 'the staff feed is the engine''s too');

select ok(not has_sequence_privilege('anon', 'public.availability_events_id_seq', 'UPDATE')
      and not has_sequence_privilege('authenticated', 'public.availability_events_id_seq', 'USAGE')
      and not has_sequence_privilege('authenticated', 'public.staff_events_id_seq', 'UPDATE'),
  'the API roles cannot use or move the event tables'' sequences');

select is(public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'table')]) ->> 'status',
  'confirmed', 'the next booking that night goes through');
select is((select version from tablehold.channels where venue_id = tests.venue_id('copper-bar') and service_date = '2026-11-27'), 2::bigint,
  'and the channel version carries on from where it was');
select is((select array_agg(version order by version) from public.availability_events
            where venue_id = tests.venue_id('copper-bar') and service_date = '2026-11-27'), array[1, 2]::bigint[],
  'with every event still there, gap-free');

select * from finish();
rollback;
