-- The view tablehold.table_live_status is for Studio (postgres) and trusted server code: the
-- service role, which may read everything in tablehold, must be able to read it too.
begin;
select plan(2);
select tests.freeze_time('2026-11-27 19:00 America/New_York');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 19:15 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 't4')]) ->> 'reference' as t4_ref \gset
select tests.freeze_time('2026-11-27 19:30 America/New_York');

select is((select reference from tablehold.table_live_status where code = 't4'), :'t4_ref', 'postgres (Studio) reads it');
select tests.authenticate_as_service_role();
select lives_ok($$select count(*) from tablehold.table_live_status$$, 'the service role may read the view');

select * from finish();
rollback;
