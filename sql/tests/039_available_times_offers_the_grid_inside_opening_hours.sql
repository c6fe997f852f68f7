-- public.available_times: every 15 minutes from opening until the last start that still ends by
-- closing (for the party's turn time), with how many single tables are free at each.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

-- Friday: 17:00 to midnight in New York; a party of 2 stays 90 minutes, so the last start is 22:30
select public.available_times(tests.venue_id('nora-kitchen'), '2026-11-27', 2) as times \gset
select is(jsonb_array_length(:'times'::jsonb), 23, '23 start times for a couple on Friday');
select is(:'times'::jsonb -> 0, '{"starts_at": "2026-11-27T22:00:00+00:00", "tables_free": 6, "bookable": true}'::jsonb,
  'the first is 17:00, with the six tables that seat two free');
select is(:'times'::jsonb -> -1 ->> 'starts_at', '2026-11-28T03:30:00+00:00', 'the last is 22:30');

-- a party of 5 stays 150 minutes: the last start is 21:30; with t5 and the booth taken at 19:00,
-- only the joined tables remain
select tests.clear_authentication();
select from unnest(array[tests.unit_id('nora-kitchen', 't5'), tests.unit_id('nora-kitchen', 'booth-1')]) u,
  lateral public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5, p_start => '2026-11-27 19:00-05',
    p_unit_ids => array[u], p_guest => jsonb_build_object('name', 'Guest', 'email', u || '@example.com'));
select tests.authenticate_as_anon();
select public.available_times(tests.venue_id('nora-kitchen'), '2026-11-27', 5) as times \gset
select is(:'times'::jsonb -> -1 ->> 'starts_at', '2026-11-28T02:30:00+00:00', 'for 5, the last start is 21:30');
select is(jsonb_path_query_first(:'times'::jsonb, '$[*] ? (@.starts_at == "2026-11-28T00:00:00+00:00")'),
  '{"starts_at": "2026-11-28T00:00:00+00:00", "tables_free": 0, "bookable": true}'::jsonb,
  'at 19:00 no single table seats 5, but a combination does');
select is(public.available_times(tests.venue_id('nora-kitchen'), '2026-11-30', 2), '[]'::jsonb, 'nothing on Monday, when it is closed');

select * from finish();
rollback;
