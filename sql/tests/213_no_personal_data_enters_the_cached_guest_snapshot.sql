-- The cache holds the guest view only. Bookings with names, emails, phone numbers, requests and
-- references, read by guests and by staff, leave nothing of that in the cached snapshot (as jsonb
-- and as text): no booking ids, references, statuses, staff states or counts by status, and no
-- guest's details.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select id as kitchen from tablehold.venues where slug = 'nora-kitchen' \gset
select id as t1 from tablehold.units where code = 't1' and venue_id = :'kitchen' \gset
select id as p1 from tablehold.units where code = 'p1' and venue_id = :'kitchen' \gset

select public.book(p_venue_id => :'kitchen', p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_unit_ids => array[:'t1']::uuid[],
  p_guest => '{"name": "Zelda Quartermaine", "email": "zelda.q@example.test", "phone": "+15550199"}',
  p_special_requests => 'window seat, nut allergy', p_occasion => 'birthday') as booked \gset
select public.hold(p_venue_id => :'kitchen', p_party_size => 2, p_start => '2026-11-27 20:00 America/New_York', p_unit_ids => array[:'p1']::uuid[],
  p_guest => '{"name": "Yusuf Holdsworth", "email": "yusuf.h@example.test"}') as held \gset

-- nora-kitchen's host reads (the staff view is computed, never cached), then a guest
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
set local role authenticated;
select ok(jsonb_path_exists(public.availability(:'kitchen', '2026-11-27'), 'strict $.**.reference'), 'staff see references');
select tests.clear_authentication();
select is((select count(*) from tablehold.snapshot_cache where venue_id = :'kitchen'), 0::bigint, 'and their view is not cached');
select tests.authenticate_as_anon();
select from public.availability(:'kitchen', '2026-11-27');
select tests.clear_authentication();

select snapshot::text || snapshot_text as cached from tablehold.snapshot_cache where venue_id = :'kitchen' and service_date = '2026-11-27' \gset
select is((select jsonb_path_query_array(snapshot, '$.units[*] ? (@.code == "t1" || @.code == "p1").busy.size()')
             from tablehold.snapshot_cache where venue_id = :'kitchen' and service_date = '2026-11-27'), '[1, 1]',
  'the guest''s read is cached, with both tables busy');
select is(array(select k from unnest(array['"reference"', '"booking_id"', '"status"', '"staff_state"', '"by_status"']) k
               where strpos(:'cached', k) > 0), '{}'::text[],
  'no booking ids, references, statuses, staff states or counts by status in it, as JSON or as text');
select is(array(select w from unnest(array['Zelda', 'Quartermaine', 'zelda.q', '5550199', 'nut allergy', 'birthday', 'Yusuf', 'yusuf.h',
                                           :'booked'::jsonb ->> 'reference', :'booked'::jsonb ->> 'id',
                                           :'held'::jsonb ->> 'reference', :'held'::jsonb ->> 'id']) w
               where strpos(:'cached', w) > 0), '{}'::text[],
  'and none of the guests'' details, references or booking ids anywhere in its text');

select * from finish();
rollback;
