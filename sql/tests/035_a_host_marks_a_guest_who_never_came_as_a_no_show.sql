-- public.no_show: once the booking's time has begun and the guests have not come, the host marks
-- it a no-show; the table is freed and the client's no-show is counted.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 3, p_start => '2026-11-25 18:00-05',
  p_unit_ids => array['00000000-0000-4000-c003-000000000007']::uuid[],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset

set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}';
select tests.freeze_time('2026-11-25 18:30-05');
select is(public.no_show((:'booking'::jsonb ->> 'id')::uuid) ->> 'status', 'no_show', 'half an hour in, the host marks a no-show');
select is(jsonb_path_query_first(public.table_live_status('00000000-0000-4000-b000-000000000003'), '$[*] ? (@.code == "p1").status'),
  '"available"'::jsonb, 'the terrace table shows available again');

select tests.clear_authentication();
select is((select no_show_count from tablehold.clients where id = (:'booking'::jsonb ->> 'client_id')::uuid), 1, 'the client''s no-show is counted');
select is((select count(*)::int from tablehold.allocations where booking_id = (:'booking'::jsonb ->> 'id')::uuid and active), 0,
  'the booking holds no inventory any more');

select * from finish();
rollback;
