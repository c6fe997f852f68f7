-- After the Edge Functions record today's refused attempts at nora-kitchen (two fresh and one
-- stale TABLE_NOT_AVAILABLE, one stale PACING_LIMIT_REACHED, one NO_TABLE_AVAILABLE), the metrics
-- count 5 conflicts prevented, 2 of them on a stale view, and each code's total.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 17:00Z');
select tests.authenticate_as_service_role();
select count(public.record_refusal(tests.venue_id('nora-kitchen'), r.code, r.stale)) as recorded
from (values ('TABLE_NOT_AVAILABLE', false), ('TABLE_NOT_AVAILABLE', false), ('TABLE_NOT_AVAILABLE', true),
             ('PACING_LIMIT_REACHED', true), ('NO_TABLE_AVAILABLE', false)) r(code, stale) \gset
select public.record_refusal(tests.venue_id('copper-bar'), 'SECTION_NOT_AVAILABLE');
select tests.clear_authentication();

select public.venue_metrics(tests.venue_id('nora-kitchen'), '2026-11-25', '2026-11-25') -> 0 as today \gset
select is((:'today'::jsonb ->> 'conflicts_prevented')::int, 5, 'five refused attempts today');
select is((:'today'::jsonb ->> 'stale_view_refusals')::int, 2, 'two of them on a stale view');
select is(:'today'::jsonb -> 'refusals_by_code', '{"TABLE_NOT_AVAILABLE": 3, "PACING_LIMIT_REACHED": 1, "NO_TABLE_AVAILABLE": 1}',
  'each code counts all its refusals, stale or not; copper-bar''s are not here');

select * from finish();
rollback;
