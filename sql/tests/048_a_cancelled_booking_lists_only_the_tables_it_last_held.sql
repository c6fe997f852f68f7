-- A booking moved from t1 to t5 (its party grew) and then cancelled answers with the table it
-- held when it was cancelled, t5, not with every table it ever had.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset
select from public.modify((:'booking'::jsonb ->> 'id')::uuid, :'booking'::jsonb ->> 'manage_token', p_party_size => 5);

select public.cancel((:'booking'::jsonb ->> 'id')::uuid, :'booking'::jsonb ->> 'manage_token') as cancelled \gset
select is(:'cancelled'::jsonb ->> 'status', 'cancelled', 'the booking is cancelled');
select is(jsonb_path_query_array(:'cancelled'::jsonb, '$.units[*].code'), '["t5"]'::jsonb, 'and lists t5, the table it had, only');

select * from finish();
rollback;
