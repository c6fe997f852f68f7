-- An opening exception with hours replaces the weekly hours of its service date. New Year's Eve
-- (a Thursday: weekly 17:00-23:00 at nora-kitchen) opens 18:00-02:00 instead; the-vault closes
-- at 02:00 one Friday, so its 01:00-04:00 late slot can't be booked that night.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');
insert into tablehold.opening_exceptions (venue_id, service_date, opens, closes, note) values
  (tests.venue_id('nora-kitchen'), '2026-12-31', '18:00', '02:00', 'New Year''s Eve'),
  (tests.venue_id('the-vault'), '2026-12-11', '22:00', '02:00', 'Early close');

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-12-31 17:30 America/New_York')$$,
  'TH005', 'The venue is not open at that time.', 'the weekly 17:00 opening does not apply on New Year''s Eve');
select is(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
    p_start => '2027-01-01 00:30 America/New_York') ->> 'service_date',
  '2026-12-31', 'a 00:30 table ending at 02:00 fits the special hours, on the eve''s service date');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2027-01-01 00:45 America/New_York')$$,
  'TH005', 'The venue is not open at that time.', 'a 00:45 table would run past 02:00');

select public.available_times(tests.venue_id('nora-kitchen'), '2026-12-31', 2) as times \gset
select is(:'times'::jsonb -> 0 ->> 'starts_at', '2026-12-31T23:00:00+00:00', 'start times begin at 18:00 local (23:00 UTC)');
select is(:'times'::jsonb -> -1 ->> 'starts_at', '2027-01-01T05:30:00+00:00', 'and end at 00:30 local, 90 minutes before 02:00');
select is(jsonb_array_length(:'times'), 27, 'every 15 minutes in between');

select is(public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-12-11',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')], p_override => true) ->> 'status',
  'confirmed', 'the-vault''s early slot (22:00-01:00) fits the shorter night');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-12-11',
      p_slot => 'late', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-2')], p_override => true)$$,
  'TH005', 'The venue is not open at that time.', 'its late slot (01:00-04:00) does not');

select * from finish();
rollback;
