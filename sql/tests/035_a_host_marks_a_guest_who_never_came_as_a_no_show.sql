-- public.no_show: once the booking's time has begun and the guests have not come, the host marks
-- it a no-show; the table is freed and the client's no-show is counted.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 3, p_start => '2026-11-25 18:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 'p1')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select tests.freeze_time('2026-11-25 18:30-05');
select is(public.no_show((:'booking'::jsonb ->> 'id')::uuid) ->> 'status', 'no_show', 'half an hour in, the host marks a no-show');
select is(jsonb_path_query_first(public.table_live_status(tests.venue_id('nora-kitchen')), '$[*] ? (@.code == "p1").status'),
  '"available"'::jsonb, 'the terrace table shows available again');

select tests.clear_authentication();
select is((select no_show_count from tablehold.clients where id = (:'booking'::jsonb ->> 'client_id')::uuid), 1, 'the client''s no-show is counted');
select is((select count(*)::int from tablehold.allocations where booking_id = (:'booking'::jsonb ->> 'id')::uuid and active), 0,
  'the booking holds no inventory any more');

select * from finish();
rollback;
