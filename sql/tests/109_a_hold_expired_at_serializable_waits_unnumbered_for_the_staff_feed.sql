-- No writer takes the venue's staff feed counter (at REPEATABLE READ and SERIALIZABLE it would
-- collide with every other writer of the venue; at any level it would hold the counter through the
-- commit's flush, 20261202180200): its lines wait, complete but unnumbered, in
-- tablehold.staff_events_pending until tablehold.publish_staff_events numbers them after the commit.
-- Expiring holds follows the same rule: a sweep (or a booking expiring the lapsed holds on its key)
-- at REPEATABLE READ leaves one pending line per expired hold and numbers nothing; published, they
-- continue the venue's feed without a gap.
begin isolation level repeatable read;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

create temp table lapsed (id uuid) on commit drop;
insert into lapsed select (public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')]::uuid[], p_guest => jsonb_build_object('name', 'Guest ' || n, 'email', 'guest-' || n || '@example.test')) ->> 'id')::uuid
  from generate_series(1, 2) n;
set constraints all immediate;  -- the holds' own staff events (pending too, at this level)
set constraints all deferred;
select (select coalesce(max(id), 0) from public.staff_events) as feed_mark,
       (select coalesce(max(id), 0) from tablehold.staff_events_pending) as pending_mark \gset

select tests.freeze_time('2026-11-25 12:06Z');
select is(public.sweep_expired_holds(), 2, 'the sweep expires the two lapsed holds');
set constraints all immediate;

select is_empty(format($$ select 1 from public.staff_events where id > %s $$, :feed_mark),
  'nothing is numbered onto the staff feed at this level');
select set_eq(format($$ select booking_id, event ->> 'previous_status' as previous, event ->> 'status' as status, event ->> 'reason' as reason
                          from tablehold.staff_events_pending where id > %s $$, :pending_mark),
  $$ select id, 'held' as previous, 'expired' as status, 'hold_expired' as reason from lapsed $$,
  'one pending line per expired hold: held → expired, hold_expired');

select tablehold.publish_staff_events(tests.venue_id('copper-bar')) > 0 as published \gset
select is((select array_agg(seq order by seq) = array(select generate_series(1, count(*)::int)::bigint from public.staff_events e
            where e.venue_id = tests.venue_id('copper-bar'))
           from public.staff_events where venue_id = tests.venue_id('copper-bar')), true,
  'published, the venue''s feed is numbered 1..n without a gap');

select * from finish();
rollback;
