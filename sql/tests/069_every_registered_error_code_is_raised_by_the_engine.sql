-- Registry completeness: every code in tablehold.error_codes is reachable. Each is provoked here
-- once, through a different door than its own test file uses where there is one (out of service
-- units, a pooled hold that lapsed, a client's recorded birth date, the clients and metrics
-- functions), and the set of codes raised must equal the registry, each with its own SQLSTATE.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');

create temp table raised (code text, sqlstate text);
grant select, insert on raised to public;
create function pg_temp.raises(p_sql text) returns void language plpgsql as $$
declare
  v_hint text; v_state text;
begin
  execute p_sql;
  insert into raised values ('(no error) ' || p_sql, null);
exception when others then
  get stacked diagnostics v_hint = pg_exception_hint, v_state = returned_sqlstate;
  insert into raised values (coalesce(nullif(v_hint, ''), '(no hint) ' || sqlerrm), v_state);
end $$;

-- fixtures, as the database
update tablehold.units set out_of_service = true
 where id in (tests.unit_id('copper-bar', 'table'), tests.unit_id('nora-kitchen', 't2'));
insert into tablehold.opening_exceptions (venue_id, service_date, closed, note)
values (tests.venue_id('copper-bar'), '2026-12-01', true, 'Refurbishment');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as couple \gset

select from pg_temp.raises($$ select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Bo", "email": "bo@example.com"}') $$);
select from pg_temp.raises($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 21:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't2')], p_guest => '{"name": "Bo", "email": "bo@example.com"}') $$);
select from pg_temp.raises($$ select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-12-01',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Bo", "email": "bo@example.com"}') $$);
select from pg_temp.raises($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-24 19:00-05',
  p_guest => '{"name": "Bo", "email": "bo@example.com"}') $$);
select from pg_temp.raises($$ select public.available_times(tests.venue_id('nora-kitchen'), '2026-11-27', 0) $$);
select from pg_temp.raises(format('select public.modify(%L, p_party_size => 11)', :'couple'::jsonb ->> 'id'));
select from pg_temp.raises(format($$ update tablehold.bookings set status = 'held' where id = %L $$, :'couple'::jsonb ->> 'id'));
-- a hold under key k-1, then a booking (a different request) under the same key
select from public.hold(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 18:00-05',
  p_guest => '{"name": "Cy", "email": "cy@example.com"}', p_idempotency_key => 'k-1');
select from pg_temp.raises($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 18:00-05',
  p_guest => '{"name": "Cy", "email": "cy@example.com"}', p_idempotency_key => 'k-1') $$);
-- three parties of six starting in one quarter hour: 18 covers against nora-kitchen's 16
select from pg_temp.raises($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6,
  p_start => '2026-11-28 19:00-05', p_guest => jsonb_build_object('name', 'Six', 'email', 'six' || n || '@example.com'))
  from generate_series(1, 3) n $$);

-- a lapsed hold of the whole vip area, of which someone has since taken one unit
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 24, p_date => '2026-11-28',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Di", "email": "di@example.com"}') as vip \gset
select tests.freeze_time('2026-11-25 12:10Z');
select from public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-28',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ed", "email": "ed@example.com"}');
select from pg_temp.raises(format('select public.confirm(%L, %L)', :'vip'::jsonb ->> 'id', :'vip'::jsonb ->> 'manage_token'));

-- the-vault's host
select tests.authenticate_as_seed_user('host@the-vault.test');
select public.client_create(tests.venue_id('the-vault'), 'Teen', 'teen@example.com', p_date_of_birth => '2010-05-05') ->> 'id' as teen_id \gset
select public.client_create(tests.venue_id('the-vault'), 'Gus', 'gus@example.com') ->> 'id' as gus_id \gset
select from pg_temp.raises(format($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4,
  p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_client_id => %L, p_source => 'staff') $$, :'teen_id'));
select from pg_temp.raises(format($$ select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4,
  p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_client_id => %L, p_source => 'staff') $$, :'gus_id'));
select from pg_temp.raises(format($$ select public.client_update(%L, '{"email": "TEEN@example.com"}') $$, :'gus_id'));
select from pg_temp.raises(format($$ select public.client_update(%L, '{"shoe_size": 44}') $$, :'gus_id'));
select from pg_temp.raises($$ select public.client_get(gen_random_uuid()) $$);
select from pg_temp.raises($$ select public.venue_metrics(tests.venue_id('the-vault'), '2026-11-01', '2026-11-30') $$);

-- a guest at the-vault's cap on live bookings of one night (the default: 4 per guest)
select tests.authenticate_as_anon();
do $$
begin
  for i in 1..4 loop
    perform public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-12-05', p_slot => 'early',
      p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
      p_guest => '{"name": "Flo", "email": "flo@example.com", "date_of_birth": "1990-01-01"}');
  end loop;
end $$;
select from pg_temp.raises($$ select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-12-05',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Flo", "email": "flo@example.com", "date_of_birth": "1990-01-01"}') $$);

select tests.clear_authentication();
-- a Studio edit of the feed's bookkeeping
select from pg_temp.raises($$ delete from tablehold.channels $$);
select set_eq($$ select code from raised $$, $$ select code from tablehold.error_codes $$,
  'the codes raised are exactly the registry''s eighteen');
select is_empty($$ select r.code, r.sqlstate from raised r left join tablehold.error_codes e on e.code = r.code
                   where e.sqlstate is distinct from r.sqlstate $$,
  'each raised with its registered SQLSTATE');

select * from finish();
rollback;
