-- From confirmed and seated, through the public functions a host uses: seat (-> seated),
-- no_show once the time has begun (-> no_show), cancel (-> cancelled), complete (seated -> completed).
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

prepare tonight(uuid) as select public.book(p_venue_id => '00000000-0000-4000-b000-000000000003', p_party_size => 2,
  p_start => '2026-11-25 18:00-05', p_unit_ids => array[$1], p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as id;
execute tonight('00000000-0000-4000-c003-000000000001') \gset seated_
execute tonight('00000000-0000-4000-c003-000000000002') \gset no_show_
execute tonight('00000000-0000-4000-c003-000000000003') \gset cancelled_

-- nora-kitchen's host, ten minutes into the evening
set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}';
select tests.freeze_time('2026-11-25 18:10-05');
select is(public.seat(:'seated_id') ->> 'status', 'seated', 'confirmed -> seated by seat');
select is(public.no_show(:'no_show_id') ->> 'status', 'no_show', 'confirmed -> no_show by no_show');
select is(public.cancel(:'cancelled_id') ->> 'status', 'cancelled', 'confirmed -> cancelled by cancel');
select is(public.complete(:'seated_id') ->> 'status', 'completed', 'seated -> completed by complete');

select * from finish();
rollback;
