-- INVALID_TRANSITION from the public functions: each refusal leaves the booking as it was.
begin;
select plan(10);
select tests.freeze_time('2026-11-25 12:00Z');

prepare booking_at_kitchen(uuid, timestamptz) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'),
  p_party_size => 2, p_start => $2, p_unit_ids => array[$1], p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'id' as id;
execute booking_at_kitchen(tests.unit_id('nora-kitchen', 't1'), '2026-11-25 18:00-05') \gset confirmed_
execute booking_at_kitchen(tests.unit_id('nora-kitchen', 't2'), '2026-11-25 18:00-05') \gset completed_
execute booking_at_kitchen(tests.unit_id('nora-kitchen', 't3'), '2026-11-25 18:00-05') \gset cancelled_
select public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-25 18:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 'p1')], p_guest => '{"name": "Bo", "email": "bo@example.com"}') ->> 'id' as held_id \gset
select public.block(p_venue_id => tests.venue_id('nora-kitchen'), p_unit_ids => array[tests.unit_id('nora-kitchen', 'p2')],
  p_reason => 'staff dinner', p_start => '2026-11-25 18:00-05', p_end => '2026-11-25 20:00-05') ->> 'id' as block_id \gset
select from public.seat(:'completed_id'), public.complete(:'completed_id'), public.cancel(:'cancelled_id');

select throws_ok(format('select public.no_show(%L)', :'confirmed_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'no_show before the booking has begun');
select throws_ok(format('select public.approve(%L)', :'confirmed_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'approve a booking that was never pending');
select throws_ok(format('select public.reject(%L)', :'confirmed_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'reject a confirmed booking');
select throws_ok(format('select public.complete(%L)', :'confirmed_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'complete a booking nobody was seated for');
select throws_ok(format('select public.seat(%L)', :'held_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'seat a hold that was never confirmed');
select throws_ok(format('select public.cancel(%L)', :'completed_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'cancel a completed booking');
select throws_ok(format('select public.confirm(%L)', :'cancelled_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'confirm a cancelled booking');
select throws_ok(format('select public.modify(%L, p_party_size => 1)', :'cancelled_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'modify a cancelled booking');
select throws_ok(format('select public.cancel(%L)', :'block_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'cancel a block (blocks are lifted with unblock)');

select set_eq(format($$ select id::text, status::text from tablehold.bookings where id in (%L, %L, %L, %L, %L) $$,
    :'held_id', :'confirmed_id', :'completed_id', :'cancelled_id', :'block_id'),
  format($$ values (%L, 'held'), (%L, 'confirmed'), (%L, 'confirmed'), (%L, 'completed'), (%L, 'cancelled') $$,
    :'held_id', :'block_id', :'confirmed_id', :'completed_id', :'cancelled_id'),
  'every refused booking is still in the state it was in');

select * from finish();
rollback;
