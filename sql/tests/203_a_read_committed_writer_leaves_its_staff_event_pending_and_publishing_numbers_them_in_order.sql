-- A READ COMMITTED writer (supabase-js .rpc(), Studio) leaves its staff event pending at commit,
-- like every writer (numbering it there would hold the venue's counter row through the commit's
-- flush, 20261202180200); tablehold.publish_staff_events numbers the pending events in the order
-- they were written, gap-free after the venue's last seq, and with nothing pending numbers nothing.
begin;
select plan(6);
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
select results_eq(format($$ select count(*) from public.staff_events where venue_id = %L and seq > %s $$, :'venue', :'last_seq'),
  $$ values (0::bigint) $$, 'the booking committed nothing onto the feed itself');
select is(tablehold.publish_staff_events(:'venue'), 2, 'publishing numbers the two pending events');

select results_eq(format($$ select seq - %s, reference from public.staff_events where venue_id = %L and seq > %s order by seq $$,
                         :'last_seq', :'venue', :'last_seq'),
  format($$ values (1::bigint, 'BR-261127-EARLY1'), (2, %L) $$, :'booked'),
  'the earlier pending event takes the next seq and the booking''s the one after, gap-free');
select is((select seq from tablehold.staff_feeds where venue_id = :'venue'), :'last_seq'::bigint + 2, 'the counter is at the last of them');
select is_empty($$ select 1 from tablehold.staff_events_pending $$, 'nothing is left pending');
select is(tablehold.publish_staff_events(:'venue'), 0, 'publishing again numbers nothing');

select * from finish();
rollback;
