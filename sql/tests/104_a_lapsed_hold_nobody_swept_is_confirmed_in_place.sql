-- Two guests come back half an hour after their holds lapsed; no sweeper has run and nobody took
-- their spots. Confirming re-takes the inventory on the spot, for an exclusive booth and for
-- pooled vip units: the allocations no longer expire, and since the public state never changed
-- (nothing ever published the holds as lapsed) the feed stays quiet.
-- (Swept holds re-taken on confirm: 075. A spot taken meanwhile: 054 and 105.)
begin;
select plan(5);

select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 6, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}') as booth \gset
select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 16, p_date => '2026-11-27', p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Bo", "email": "bo@example.test"}') as vip \gset
select count(*) as events_before from public.availability_events \gset

select tests.freeze_time('2026-11-25 12:30Z');
select is(
  array[public.confirm((:'booth'::jsonb ->> 'id')::uuid, :'booth'::jsonb ->> 'manage_token') ->> 'status',
        public.confirm((:'vip'::jsonb ->> 'id')::uuid, :'vip'::jsonb ->> 'manage_token') ->> 'status'],
  array['confirmed', 'confirmed'], 'both lapsed holds are confirmed');
select tests.clear_authentication();

select is((select count(*) from tablehold.bookings where status = 'expired'), 0::bigint, 'neither was ever marked expired');
select results_eq(
  format($$select quantity, active, expires_at from tablehold.allocations where booking_id in (%L, %L) order by quantity$$,
         :'booth'::jsonb ->> 'id', :'vip'::jsonb ->> 'id'),
  $$values (1, true, null::timestamptz), (2, true, null)$$, 'the booth and the two vip units are held for good');
select is((select count(*) from public.availability_events), :events_before::bigint, 'no event: the units were taken all along, publicly');
select is(public.sweep_expired_holds(), 0, 'the next sweep has nothing to do');

select * from finish();
rollback;
