-- A staff block has a machine of its own: it is confirmed while in force and cancelled when lifted.
-- Written directly (Studio), every other status is refused, even those a booking could take.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
select public.block(p_venue_id => tests.venue_id('the-vault'), p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')],
  p_reason => 'sound check', p_date => '2026-11-27', p_slot => 'early') ->> 'id' as block_id \gset

create temp table refused as
  select s::text as status from unnest(enum_range(null::tablehold.booking_status)) s where false;
do $$
declare
  v_status tablehold.booking_status;
begin
  foreach v_status in array enum_range(null::tablehold.booking_status) loop
    begin
      update tablehold.bookings set status = v_status where kind = 'block';
      raise exception using errcode = 'P0001', message = 'went through';
    exception when sqlstate 'TH009' then
      insert into refused values (v_status::text);
    when sqlstate 'P0001' then
      null;  -- the update happened; rolled back by this block, so the next status starts from confirmed again
    end;
  end loop;
end $$;

select set_eq($$ select status from refused $$,
  array['held', 'pending_approval', 'seated', 'completed', 'expired', 'rejected', 'no_show'],
  'every status but confirmed (itself) and cancelled is refused');
select is((select status::text from tablehold.bookings where id = :'block_id'), 'confirmed', 'the block is still in force');

select * from finish();
rollback;
