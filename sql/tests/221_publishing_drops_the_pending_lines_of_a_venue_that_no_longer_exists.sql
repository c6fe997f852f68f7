-- tablehold.staff_events_pending keeps no foreign key to the venues (a check per booking); deleting
-- a venue used to cascade to its pending lines, so publishing does it instead: the lines of a venue
-- that no longer exists are dropped, numbered onto nothing, and never block the cron job.
begin;
select plan(3);
select gen_random_uuid() as gone \gset
select set_config('tablehold.engine', 'on', true);
insert into tablehold.staff_events_pending (venue_id, booking_id, event)
values (:'gone', gen_random_uuid(), jsonb_build_object('venue_id', :'gone', 'status', 'confirmed'));
select set_config('tablehold.engine', '', true);

select is(tablehold.publish_staff_events(:'gone'), 0, 'nothing is numbered for a venue that does not exist');
select is_empty(format($$ select 1 from tablehold.staff_events_pending where venue_id = %L $$, :'gone'), 'its pending line is gone');
select lives_ok($$ select tablehold.publish_staff_events() $$, 'the cron job''s call for every venue runs');

select * from finish();
rollback;
