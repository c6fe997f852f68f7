-- A block is a staff hold on inventory, stored as a confirmed booking of kind 'block'. Guests are
-- never seated on it: seat, complete and no_show refuse a block (as confirm and cancel already
-- do), and only unblock ends it.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
prepare block_table(uuid) as select public.block(p_venue_id => tests.venue_id('nora-kitchen'), p_unit_ids => array[$1],
  p_reason => 'kept for the owner', p_start => '2026-11-25 18:00-05', p_end => '2026-11-25 22:00-05') ->> 'id' as id;
execute block_table(tests.unit_id('nora-kitchen', 't1')) \gset to_seat_
execute block_table(tests.unit_id('nora-kitchen', 't2')) \gset to_no_show_
execute block_table(tests.unit_id('nora-kitchen', 't3')) \gset to_complete_

-- nora-kitchen's host, during the blocks
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select tests.freeze_time('2026-11-25 19:00-05');
select throws_ok(format('select public.seat(%L)', :'to_seat_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'a block cannot be seated');
select throws_ok(format('select public.no_show(%L)', :'to_no_show_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'nor marked a no-show');
select throws_ok(format('select public.complete(%L)', :'to_complete_id'), 'TH009',
  'This booking can''t be changed that way in its current state.', 'nor completed');

select tests.clear_authentication();
select is(array(select status::text from tablehold.bookings where kind = 'block' order by 1), array['confirmed', 'confirmed', 'confirmed'],
  'the blocks are all still in force');

select * from finish();
rollback;
