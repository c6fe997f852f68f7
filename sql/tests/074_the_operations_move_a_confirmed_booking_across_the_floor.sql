-- From confirmed and seated, through the public functions a host uses: seat (-> seated),
-- no_show once the time has begun (-> no_show), cancel (-> cancelled), complete (seated -> completed).
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

prepare tonight(uuid) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
  p_start => '2026-11-25 18:00-05', p_unit_ids => array[$1], p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as id;
execute tonight(tests.unit_id('nora-kitchen', 't1')) \gset seated_
execute tonight(tests.unit_id('nora-kitchen', 't2')) \gset no_show_
execute tonight(tests.unit_id('nora-kitchen', 't3')) \gset cancelled_

-- nora-kitchen's host, ten minutes into the evening
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select tests.freeze_time('2026-11-25 18:10-05');
select is(public.seat(:'seated_id') ->> 'status', 'seated', 'confirmed -> seated by seat');
select is(public.no_show(:'no_show_id') ->> 'status', 'no_show', 'confirmed -> no_show by no_show');
select is(public.cancel(:'cancelled_id') ->> 'status', 'cancelled', 'confirmed -> cancelled by cancel');
select is(public.complete(:'seated_id') ->> 'status', 'completed', 'seated -> completed by complete');

select * from finish();
rollback;
