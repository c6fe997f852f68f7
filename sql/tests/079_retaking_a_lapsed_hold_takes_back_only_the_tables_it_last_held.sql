-- A guest holds a table for two, grows the party to five (the hold moves from t1 to t5), and lets
-- the hold lapse (and the sweeper mark it expired). Confirming it afterwards re-takes t5, the table the hold last had, and leaves
-- t1, which it gave up, to others; a guest who booked t1 meanwhile does not make it fail.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as hold \gset
select from public.modify((:'hold'::jsonb ->> 'id')::uuid, :'hold'::jsonb ->> 'manage_token', p_party_size => 5);

select tests.clear_authentication();
select tests.freeze_time('2026-11-25 12:10Z');
select is(public.sweep_expired_holds(), 1, 'the sweeper expires the lapsed hold');
select tests.authenticate_as_anon();
select from public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')], p_guest => '{"name": "Bo", "email": "bo@example.com"}');

select lives_ok(format('select public.confirm(%L, %L)', :'hold'::jsonb ->> 'id', :'hold'::jsonb ->> 'manage_token'),
  'the lapsed hold is confirmed: t5 is still free');
select tests.clear_authentication();
select results_eq(format($$ select u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
                            where a.booking_id = %L and a.active $$, :'hold'::jsonb ->> 'id'),
  array['t5'], 'it holds t5 and only t5');
select is((select count(*)::int from tablehold.allocations
           where unit_id = tests.unit_id('nora-kitchen', 't1') and active), 1, 't1 is held once, by the other guest');

select * from finish();
rollback;
