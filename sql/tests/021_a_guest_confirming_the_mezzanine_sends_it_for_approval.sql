-- the-vault's mezzanine requires a manager's approval: a guest's confirm turns the hold into a
-- pending request, which keeps the section while the manager decides.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 20, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'mezzanine')],
  p_guest => '{"name": "Max", "email": "max@example.com", "date_of_birth": "1988-02-29"}') as hold \gset
select public.confirm((:'hold'::jsonb ->> 'id')::uuid, :'hold'::jsonb ->> 'manage_token') as pending \gset

select is(:'hold'::jsonb ->> 'status', 'held', 'the mezzanine was held first');
select is(:'pending'::jsonb ->> 'status', 'pending_approval', 'confirming sends it for approval');
select is(jsonb_path_query_first(public.availability(tests.venue_id('the-vault'), '2026-11-27', 'early'),
    '$.units[*] ? (@.code == "mezzanine").keys[0].state') #>> '{}',
  'unavailable', 'the pending request keeps the mezzanine');

select tests.clear_authentication();
select results_eq(format($$ select submitted_at, confirmed_at from tablehold.bookings where id = %L $$, :'hold'::jsonb ->> 'id'),
  $$ values ('2026-11-25 12:00Z'::timestamptz, null::timestamptz) $$, 'it is submitted but not confirmed');

select * from finish();
rollback;
