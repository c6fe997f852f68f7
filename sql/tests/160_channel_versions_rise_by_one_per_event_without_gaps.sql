-- A busy evening at nora-kitchen touches several tables: bookings, a hold, a cancel, a block, a
-- move. Friday 27's channel numbers its events 1..n with no gap and no repeat, in the order they
-- were written; the-vault's Friday is a channel of its own, and every booking reports the
-- channel version it reached.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
create temp table reported (n serial, version bigint) on commit drop;

insert into reported (version) select (public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York') ->> 'version')::bigint;
insert into reported (version) select (public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 7, p_start => '2026-11-27 19:30 America/New_York', p_area_id => tests.area_id('nora-kitchen', 'main')) ->> 'version')::bigint;
insert into reported (version) select (public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-27 20:00 America/New_York', p_unit_ids => array[tests.unit_id('nora-kitchen', 'p1')]) ->> 'version')::bigint;
insert into reported (version) select (public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_override => true) ->> 'version')::bigint;
insert into reported (version) select (public.cancel(b.id) ->> 'version')::bigint from tablehold.bookings b where b.party_size = 2;
insert into reported (version) select (public.block(p_venue_id => tests.venue_id('nora-kitchen'), p_unit_ids => array[tests.unit_id('nora-kitchen', 't5')], p_reason => 'wobbly leg', p_start => '2026-11-27 17:00 America/New_York', p_end => '2026-11-27 23:00 America/New_York') ->> 'version')::bigint;
insert into reported (version) select (public.modify(b.id, p_start => '2026-11-27 21:00 America/New_York') ->> 'version')::bigint from tablehold.bookings b where b.party_size = 7;

select is(
  (select array_agg(version order by id) from public.availability_events where venue_id = tests.venue_id('nora-kitchen')),
  (select array_agg(v::bigint) from generate_series(1, (select count(*) from public.availability_events where venue_id = tests.venue_id('nora-kitchen'))) v),
  'nora-kitchen''s events, in the order written, are numbered 1, 2, 3, ... with no gap');
select is((select count(*) from public.availability_events where venue_id = tests.venue_id('nora-kitchen')), 10::bigint,
  '10 events: t1 taken, t3+t4 taken, p1 held, t1 freed, t5 blocked, t3+t4 freed and taken again at 21:00');
select is((select version from tablehold.channels where venue_id = tests.venue_id('nora-kitchen') and service_date = '2026-11-27'), 10::bigint,
  'the channel row stands at the last version');
select is((select array_agg(version order by version) from public.availability_events where venue_id = tests.venue_id('the-vault')),
  array[1::bigint], 'the-vault''s Friday channel counts its own events from 1');
select is((select array_agg(version order by n) from reported), array[1, 3, 4, 1, 5, 6, 10]::bigint[],
  'each operation returns the version its channel reached');

select * from finish();
rollback;
