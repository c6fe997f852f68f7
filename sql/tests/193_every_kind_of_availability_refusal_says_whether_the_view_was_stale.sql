-- A refusal carries "stale" in its DETAIL whenever the caller passed p_seen_version (pooled
-- sections: 043): for a named booth (TABLE_NOT_AVAILABLE), for auto-assignment finding no table
-- (NO_TABLE_AVAILABLE) and for pacing (PACING_LIMIT_REACHED). Stale means the channel moved past
-- the version the caller saw; the DETAIL also gives the version now.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

-- the DETAIL of the error a statement raises, as jsonb (null if it succeeds)
create function pg_temp.error_detail(p_sql text) returns jsonb language plpgsql as $$
declare
  v_detail text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_detail = pg_exception_detail;
  return v_detail::jsonb;
end;
$$;

-- Friday at the-vault: booth 1 is booked after the guest looked (channel version 0 -> 1)
select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_override => true) ->> 'version' as vault_version \gset
-- Friday at nora-kitchen: t5 and the booth taken for 19:00 and 19:15 (versions 1, 2), then 16 covers at 19:30 (versions 3-6)
select count(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => b.party, p_start => b.at::timestamp at time zone 'America/New_York', p_unit_ids => array[b.unit], p_override => true))
  as kitchen_bookings from (values (6, '2026-11-27 19:00', tests.unit_id('nora-kitchen', 't5')), (6, '2026-11-27 19:15', tests.unit_id('nora-kitchen', 'booth-1')),
    (4, '2026-11-27 19:30', tests.unit_id('nora-kitchen', 't3')), (4, '2026-11-27 19:30', tests.unit_id('nora-kitchen', 't4')), (4, '2026-11-27 19:30', tests.unit_id('nora-kitchen', 'p1')),
    (4, '2026-11-27 19:30', tests.unit_id('nora-kitchen', 'p2'))) b(party, at, unit) \gset
select tests.authenticate_as_anon();

select is(
  pg_temp.error_detail($$select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-11-27', p_slot => 'early',
    p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_seen_version => 0,
    p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}')$$) - 'unit_id',
  jsonb_build_object('code', 'TABLE_NOT_AVAILABLE', 'stale', true, 'version', :vault_version::int),
  'a booth taken since the guest looked: TABLE_NOT_AVAILABLE, stale, at version 1');
select is(
  pg_temp.error_detail($$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 19:15 America/New_York',
    p_seen_version => 1, p_guest => '{"name": "Bo", "email": "bo@example.test"}')$$) - 'starts_at',
  '{"code": "NO_TABLE_AVAILABLE", "party_size": 6, "stale": true, "version": 6}',
  'no table for six at 19:15 for a guest who saw version 1: NO_TABLE_AVAILABLE, stale');
select is(
  pg_temp.error_detail($$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 19:15 America/New_York',
    p_seen_version => 6, p_guest => '{"name": "Bo", "email": "bo@example.test"}')$$) ->> 'stale',
  'false', 'the same refusal for a guest who saw version 6 is not stale');
select is(
  pg_temp.error_detail($$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:30 America/New_York',
    p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')], p_seen_version => 2, p_guest => '{"name": "Cy", "email": "cy@example.test"}')$$)
    - 'interval_start' - 'per' - 'max_covers',
  '{"code": "PACING_LIMIT_REACHED", "stale": true, "version": 6}',
  'two more covers at 19:30, with 16 booked since the guest saw version 2: PACING_LIMIT_REACHED, stale');

select * from finish();
rollback;
