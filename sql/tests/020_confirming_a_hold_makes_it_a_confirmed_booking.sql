-- public.confirm: the guest confirms their hold with the manage token (after paying, say). The
-- booking becomes confirmed and its inventory stops expiring.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.hold(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') as hold \gset
select tests.freeze_time('2026-11-25 12:03Z');
select public.confirm((:'hold'::jsonb ->> 'id')::uuid, :'hold'::jsonb ->> 'manage_token', p_payment_ref => 'pi_3Qx') as confirmed \gset

select is(:'confirmed'::jsonb ->> 'status', 'confirmed', 'the hold is confirmed');
select is(:'confirmed'::jsonb -> 'hold_expires_at', 'null'::jsonb, 'and no longer expires');
select is(:'confirmed'::jsonb ->> 'payment_ref', 'pi_3Qx', 'the payment reference is recorded');
select ok(not (:'confirmed'::jsonb ? 'manage_token'), 'confirm does not show the manage token again');

select tests.clear_authentication();
select results_eq(format($$ select confirmed_at, submitted_at from tablehold.bookings where id = %L $$, :'hold'::jsonb ->> 'id'),
  $$ values ('2026-11-25 12:03Z'::timestamptz, '2026-11-25 12:03Z'::timestamptz) $$, 'confirmed and submitted at the moment of confirming');
select results_eq(format($$ select active, expires_at from tablehold.allocations where booking_id = %L $$, :'hold'::jsonb ->> 'id'),
  $$ values (true, null::timestamptz) $$, 'the booth stays taken with no expiry');

select * from finish();
rollback;
