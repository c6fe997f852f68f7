-- The staff event of a booking change is written at commit (a deferred trigger, so the booking's
-- units are known) and numbered after it (tablehold.publish_staff_events, which tablehold.announce
-- calls): `set constraints all immediate` fires the trigger here before the rollback. A guest's
-- book() is one new booking with its units, the guest's name and actor guest; the manager's approval
-- is one change pending_approval → confirmed by that manager; erasing the client blanks the name.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
delete from public.staff_events;

select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 14, p_date => '2026-11-28',
  p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')],
  p_guest => '{"name": "Max Planck", "email": "max@example.test", "date_of_birth": "1988-02-28"}') as request \gset
select :'request'::jsonb ->> 'id' as request_id \gset
-- back to postgres to look, keeping the guest's claims for the commit-time trigger (as the Edge Functions do)
set local role postgres;
select is_empty($$ select 1 from public.staff_events $$, 'nothing is written before commit');
set constraints all immediate;
select tablehold.publish_staff_events(tests.venue_id('the-vault'));

select results_eq($$ select previous_status::text, status::text from public.staff_events order by id $$,
  $$ values (null, 'pending_approval') $$, 'the guest''s request is one new booking, pending approval');
select tests.clear_authentication();
select results_eq($$ select booking_id, reference, service_date, party_size, units, guest_name, actor_role, actor_user_id, starts_at, ends_at
                     from public.staff_events order by id desc limit 1 $$,
  format($$ values (%L::uuid, %L, '2026-11-28'::date, 14, '{mezzanine}'::text[], 'Max Planck', 'guest', null::uuid,
                    '2026-11-29 01:00Z'::timestamptz, '2026-11-29 04:00Z'::timestamptz) $$,
         :'request_id', :'request'::jsonb ->> 'reference'),
  'it names the booking, its units and the guest, made by a guest');

set constraints all deferred;
select tests.authenticate_as_seed_user('manager@the-vault.test');
select public.approve(:'request_id') ->> 'status' as approved \gset
set constraints all immediate;
select tests.clear_authentication();
select tablehold.publish_staff_events(tests.venue_id('the-vault'));
select results_eq($$ select seq - min(seq) over (), previous_status::text, status::text, units, actor_role, actor_user_id
                     from public.staff_events order by seq $$,
  $$ values (0::bigint, null, 'pending_approval', '{mezzanine}'::text[], 'guest', null::uuid),
            (1, 'pending_approval', 'confirmed', '{mezzanine}', 'manager', tests.user_id('manager@the-vault.test')) $$,
  'the approval is the next row of the venue''s feed: pending_approval → confirmed by the-vault''s manager');
select is((select array_agg(distinct guest_name) from public.staff_events), array['Max Planck'],
  'every row of the booking carries the guest''s name');

-- the manager erases the client: the name goes from the staff feed too
select client_id as client, (select count(*) from public.staff_events) as rows_before
  from tablehold.bookings where id = :'request_id' \gset
select tests.authenticate_as_seed_user('manager@the-vault.test');
select public.client_erase(:'client') ->> 'name' as erased \gset
select tests.clear_authentication();
select results_eq($$ select count(*), count(guest_name) from public.staff_events $$,
  format($$ values (%s::bigint, 0::bigint) $$, :'rows_before'),
  'erasing the client blanks guest_name in every staff event of its bookings, and the events stay');
select is((select count(*) from public.staff_events where to_jsonb(staff_events)::text ~ 'Max|Planck|max@example'), 0::bigint,
  'no trace of the guest is left in the feed');

select * from finish();
rollback;
