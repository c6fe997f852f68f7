-- the-vault's standing tables are one pooled section of 10 tables of up to 6: a party of 13
-- takes 3 of them for the slot, and pays per table.
begin;
select plan(6);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 13, p_date => '2026-11-28',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Sam", "email": "sam@example.com", "date_of_birth": "1999-07-01"}') as booking \gset

select is(:'booking'::jsonb ->> 'status', 'confirmed', 'the party is booked');
select is((:'booking'::jsonb #>> '{units,0,quantity}')::int, 3, 'a party of 13 takes 3 standing tables');
select is((:'booking'::jsonb ->> 'deposit_total')::numeric, 75.00, 'deposit: 3 x 25');
select is((:'booking'::jsonb ->> 'min_spend_total')::numeric, 450.00, 'minimum spend: 3 x 150');

select public.availability(tests.venue_id('the-vault'), '2026-11-28') -> 'units' -> 3 -> 'keys' as keys \gset
select is(:'keys'::jsonb -> 0 -> 'remaining', '7'::jsonb, '7 standing tables are left for the early slot');
select is(:'keys'::jsonb -> 1 -> 'remaining', '10'::jsonb, 'and the late slot is untouched');

select * from finish();
rollback;
