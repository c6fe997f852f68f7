-- A READ COMMITTED writer (supabase-js .rpc(), Studio) still numbers its staff event at commit, in
-- the same single statement as before; when serializable writers of the venue have committed events
-- nobody has numbered yet, it numbers those first and its own after them, so the feed keeps the
-- order in which the changes committed.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select v.id as venue, u.id as unit from tablehold.venues v join tablehold.units u on u.venue_id = v.id
 where v.slug = 'copper-bar' and u.code = 'table' \gset
select coalesce(max(seq), 0) as last_seq from public.staff_events where venue_id = :'venue' \gset

-- an event a serializable writer committed and nobody has numbered yet (written as the engine would)
select set_config('tablehold.engine', 'on', true);
insert into tablehold.staff_events_pending (venue_id, booking_id, event)
select :'venue', gen_random_uuid(), jsonb_build_object('venue_id', :'venue', 'service_date', '2026-11-27',
  'booking_id', gen_random_uuid(), 'reference', 'BR-261127-EARLY1', 'kind', 'booking', 'status', 'confirmed',
  'party_size', 2, 'starts_at', '2026-11-27 17:00Z', 'ends_at', '2026-11-28 05:00Z', 'units', array['table'],
  'actor_role', 'guest', 'occurred_at', '2026-11-25 11:59Z');
select set_config('tablehold.engine', '', true);

select tests.authenticate_as_anon();
select public.book(p_venue_id => :'venue', p_party_size => 2, p_date => '2026-11-27', p_unit_ids => array[:'unit']::uuid[],
  p_guest => '{"name": "Ada Lovelace", "email": "ada@example.test"}') ->> 'reference' as booked \gset
set constraints all immediate;
select tests.clear_authentication();

select results_eq(format($$ select seq - %s, reference from public.staff_events where venue_id = %L and seq > %s order by seq $$,
                         :'last_seq', :'venue', :'last_seq'),
  format($$ values (1::bigint, 'BR-261127-EARLY1'), (2, %L) $$, :'booked'),
  'the pending event takes the next seq and the booking''s own the one after, gap-free');
select is((select seq from tablehold.staff_feeds where venue_id = :'venue'), :'last_seq'::bigint + 2, 'the counter is at the last of them');
select is_empty($$ select 1 from tablehold.staff_events_pending $$, 'nothing is left pending');

select * from finish();
rollback;
