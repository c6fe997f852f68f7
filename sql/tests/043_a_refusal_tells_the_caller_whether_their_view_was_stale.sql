-- A caller that passes the channel version it last saw (p_seen_version) learns, in the refusal's
-- DETAIL, the version now and whether its view was stale: the client can tell "someone beat you
-- to it since you looked" from "it was already gone".
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();
select (public.availability(tests.venue_id('copper-bar'), '2026-11-27') ->> 'version')::int as seen \gset
select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 24, p_date => '2026-11-27',
  p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ada", "email": "ada@example.com"}') ->> 'version' as now_at \gset

create function pg_temp.detail_of(p_seen bigint) returns jsonb language plpgsql as $$
declare
  v_detail text;
begin
  perform public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
    p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Bo", "email": "bo@example.com"}',
    p_seen_version => p_seen);
  return null;
exception when sqlstate 'TH001' then
  get stacked diagnostics v_detail = pg_exception_detail;
  return v_detail::jsonb;
end $$;

select is(pg_temp.detail_of(:seen) - 'unit_id', jsonb_build_object('code', 'SECTION_NOT_AVAILABLE', 'remaining', 0, 'version', :now_at::int, 'stale', true),
  'a guest who looked before the vip area sold out is told their view was stale');
select is(pg_temp.detail_of(:now_at) -> 'stale', 'false'::jsonb, 'one who looked after it sold out is told it was not');
select ok(not (pg_temp.detail_of(null) ? 'stale'), 'a caller that sends no version gets the plain error');

select * from finish();
rollback;
