-- the-vault's night has an early slot (22:00-01:00) and a late one (01:00-04:00 the next
-- morning). availability lists its slots in time order, as the units' keys are.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select public.availability(tests.venue_id('the-vault'), '2026-11-27') as night \gset

select is(jsonb_path_query_array(:'night'::jsonb, '$.units[0].keys[*].slot'), '["early", "late"]'::jsonb,
  'a unit''s keys run early, then late');
select is(jsonb_path_query_array(:'night'::jsonb, '$.slots[*].code'), '["early", "late"]'::jsonb,
  'and so does the list of slots');

select * from finish();
rollback;
