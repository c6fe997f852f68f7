-- All 81 (from, to) pairs of booking_status, as a staff member editing bookings.status directly
-- (Studio, as postgres). For each pair a real booking with a copper-bar table is brought to
-- "from" through allowed steps, then updated to "to". Allowed changes happen and carry the
-- inventory along; refused ones raise INVALID_TRANSITION and leave the row exactly as it was;
-- writing the same status again is no transition at all.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');

-- a booking in status p_status on its own service date, reached through allowed steps only
create function pg_temp.booking_in(p_status tablehold.booking_status, p_date date) returns uuid language plpgsql as $$
declare
  v_venue tablehold.venues := tablehold.venue(tests.venue_id('copper-bar'));
  v_path tablehold.booking_status[] := case p_status
    when 'seated' then '{confirmed,seated}' when 'completed' then '{confirmed,seated,completed}'
    when 'no_show' then '{confirmed,no_show}' when 'cancelled' then '{held,cancelled}'
    when 'expired' then '{held,expired}' when 'rejected' then '{pending_approval,rejected}'
    else array[p_status] end;
  v_id uuid;
begin
  insert into tablehold.bookings (reference, venue_id, status, party_size, service_date, during)
  values (tablehold.new_reference('BR', p_date), v_venue.id, v_path[1], 2, p_date, tablehold.service_window(v_venue, p_date))
  returning id into v_id;
  insert into tablehold.allocations (booking_id, unit_id) values (v_id, tests.unit_id('copper-bar', 'table'));
  for i in 2 .. cardinality(v_path) loop
    update tablehold.bookings set status = v_path[i] where id = v_id;
  end loop;
  return v_id;
end $$;

create temp table outcome (f tablehold.booking_status, t tablehold.booking_status, allowed boolean,
  sqlstate text, message text, status tablehold.booking_status, holds boolean, unchanged boolean);
do $$
declare
  v_pair record;
  v_id uuid;
  v_before jsonb;
  v_state text;
  v_message text;
  v_day int := 0;
begin
  for v_pair in
    select f, t from unnest(enum_range(null::tablehold.booking_status)) f, unnest(enum_range(null::tablehold.booking_status)) t
  loop
    v_day := v_day + 1;
    v_id := pg_temp.booking_in(v_pair.f, date '2026-12-01' + v_day);
    select to_jsonb(b) into v_before from tablehold.bookings b where b.id = v_id;
    v_state := null; v_message := null;
    begin
      update tablehold.bookings set status = v_pair.t where id = v_id;
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
    end;
    insert into outcome
    select v_pair.f, v_pair.t, tablehold.transition_allowed(v_pair.f, v_pair.t), v_state, v_message, b.status,
           exists (select 1 from tablehold.allocations a where a.booking_id = b.id and a.active),
           to_jsonb(b) = v_before
    from tablehold.bookings b where b.id = v_id;
  end loop;
end $$;

select is((select count(*)::int from outcome), 81, 'all 81 pairs were tried');
select set_eq($$ select f::text, t::text from outcome where sqlstate is null and f <> t $$,
  $$ values ('held', 'confirmed'), ('held', 'pending_approval'), ('held', 'cancelled'), ('held', 'expired'),
            ('pending_approval', 'confirmed'), ('pending_approval', 'rejected'), ('pending_approval', 'cancelled'),
            ('confirmed', 'seated'), ('confirmed', 'cancelled'), ('confirmed', 'no_show'),
            ('seated', 'completed'), ('expired', 'confirmed'), ('expired', 'pending_approval') $$,
  'exactly the 13 allowed changes went through');
select is_empty($$ select f, t from outcome where allowed and status <> t $$, 'each allowed change left the booking in its new status');
select is_empty($$ select f, t from outcome where allowed and holds <> tablehold.status_holds_inventory(t) $$,
  'and its table taken exactly when the new status holds inventory (freed, kept, or re-taken from expired)');
select is((select count(*)::int from outcome where not allowed and f <> t and sqlstate = 'TH009'
             and message = 'This booking can''t be changed that way in its current state.'), 59,
  'all 59 forbidden changes raised INVALID_TRANSITION');
select is_empty($$ select f, t from outcome where not allowed and f <> t and not unchanged $$,
  'and left the booking exactly as it was');
select is((select count(*)::int from outcome where f = t and sqlstate is null and status = f), 9,
  'writing a booking''s own status again is no transition and is accepted in every state');
select is((select count(*)::int from outcome where sqlstate is null and f <> t),
          (select count(*)::int from outcome where allowed), 'the outcomes match transition_allowed pair for pair');

select * from finish();
rollback;
