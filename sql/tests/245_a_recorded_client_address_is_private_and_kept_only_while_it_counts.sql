-- The address a capped booking was made from is personal data: only trusted server code may read it
-- (or the rate counters), it is deleted when its client is erased, and pruned once its night is over.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');

select is_empty($$ select r.rolname::text || ' ' || c.relname from pg_class c cross join pg_roles r
                   where c.oid in ('tablehold.booking_origins'::regclass, 'tablehold.rate_counters'::regclass)
                     and r.rolname in ('anon', 'authenticated')
                     and has_table_privilege(r.oid, c.oid, 'select, insert, update, delete, truncate') $$,
  'neither guests nor signed-in users may touch the recorded addresses or the rate counters');
select policies_are('tablehold', 'booking_origins', array['only the server reads booking origins'],
  'only the server reads the addresses');

create function pg_temp.hold_from(p_address text, p_email text, p_date date) returns uuid language plpgsql as $$
begin
  perform tests.authenticate_as_anon();
  perform set_config('request.headers', jsonb_build_object('x-forwarded-for', p_address)::text, true);
  return (public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => p_date, p_slot => 'early',
    p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
    p_guest => jsonb_build_object('name', 'Kim', 'email', p_email, 'date_of_birth', '1990-01-01')) ->> 'id')::uuid;
end $$;
select pg_temp.hold_from('192.0.2.245', 'kim@example.com', '2026-11-27') as kims \gset
select pg_temp.hold_from('192.0.2.245', 'lou@example.com', '2026-11-27') as lous \gset
select pg_temp.hold_from('192.0.2.245', 'lou@example.com', '2026-12-04') as later \gset
select tests.clear_authentication();
select set_eq($$ select booking_id from tablehold.booking_origins where ip = '192.0.2.245' $$, array[:'kims'::uuid, :'lous'::uuid, :'later'::uuid],
  'each capped booking keeps the address it came from');

select tests.authenticate_as_seed_user('manager@the-vault.test');
select lives_ok(format('select public.client_erase(%L)', tests.client_id('the-vault', 'kim@example.com')), 'a manager erases Kim');
select tests.clear_authentication();
select set_eq($$ select booking_id from tablehold.booking_origins where ip = '192.0.2.245' $$, array[:'lous'::uuid, :'later'::uuid],
  'her bookings keep no address');

select tests.freeze_time('2026-11-29 12:00Z');
select from tablehold.prune_booking_origins();
select set_eq($$ select booking_id from tablehold.booking_origins where ip = '192.0.2.245' $$, array[:'later'::uuid],
  'two days after a night its addresses are pruned, those of nights to come kept');
select is((select schedule || ' | ' || command from cron.job where jobname = 'tablehold-prune-booking-origins'),
  '23 * * * * | select tablehold.prune_booking_origins()', 'by pg_cron, hourly');

select * from finish();
rollback;
