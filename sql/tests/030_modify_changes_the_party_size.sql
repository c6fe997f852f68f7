-- public.modify with a new party size: a pooled booking takes more units (and pays for them); a
-- restaurant booking moves to a table that seats the new party.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 5, p_date => '2026-11-27',
  p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Sam", "email": "sam@example.com", "date_of_birth": "1999-07-01"}') as standing \gset
select public.modify((:'standing'::jsonb ->> 'id')::uuid, :'standing'::jsonb ->> 'manage_token', p_party_size => 13) as grown \gset
select is(array[(:'grown'::jsonb ->> 'party_size')::int, (:'grown'::jsonb #>> '{units,0,quantity}')::int], array[13, 3],
  'a party grown from 5 to 13 now holds 3 standing tables');
select is((:'grown'::jsonb ->> 'deposit_total')::numeric, 75.00, 'and its deposit is recomputed for 3');
select is(jsonb_path_query_first(public.availability(tests.venue_id('the-vault'), '2026-11-27', 'early'),
    '$.units[*] ? (@.code == "standing-tables").keys[0].remaining'), '7'::jsonb, '7 standing tables are left, not 6');

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as couple \gset
select public.modify((:'couple'::jsonb ->> 'id')::uuid, :'couple'::jsonb ->> 'manage_token', p_party_size => 5) as family \gset
select is(jsonb_path_query_array(:'family'::jsonb, '$.units[*].code'), '["t5"]'::jsonb, 'a table for 2 that becomes 5 moves from t1 to t5');
select is((:'family'::jsonb ->> 'ends_at')::timestamptz - (:'family'::jsonb ->> 'starts_at')::timestamptz, interval '150 minutes',
  'and lasts the turn time of a party of 5');

select * from finish();
rollback;
