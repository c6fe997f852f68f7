-- A closed opening exception wins over the weekly hours for its service date, for every booking
-- mode: nora-kitchen's tables on Christmas Day (seed), and inline closures of the-vault's
-- Friday slots and copper-bar's whole day.
begin;
select plan(8);
select tests.freeze_time('2026-11-25 12:00Z');
insert into tablehold.opening_exceptions (venue_id, service_date, closed, note) values
  (tests.venue_id('the-vault'), '2026-12-04', true, 'Refurbishment'),
  (tests.venue_id('copper-bar'), '2026-12-04', true, 'Staff party');
select tests.authenticate_as_anon();

select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
      p_start => '2026-12-25 19:00 America/New_York', p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH005', 'The venue is not open at that time.', 'nora-kitchen takes no table on Christmas Day, a Friday');
select is(public.available_times(tests.venue_id('nora-kitchen'), '2026-12-25', 2), '[]'::jsonb,
  'it offers no start times that day');
select is(public.availability(tests.venue_id('nora-kitchen'), '2026-12-25') -> 'open', 'false'::jsonb,
  'the snapshot says closed');
select is(jsonb_array_length(public.available_times(tests.venue_id('nora-kitchen'), '2026-12-26', 2)), 23,
  'Boxing Day, a Saturday, keeps its weekly hours: 17:00 to 22:30 for a 90-minute table');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-12-04',
      p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
      p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}')$$,
  'TH005', 'The venue is not open at that time.', 'the-vault''s early slot is closed on its closed Friday');
select is(public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4, p_date => '2026-12-05',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
    p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}') ->> 'status',
  'confirmed', 'the Saturday after is open as usual');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-12-04',
      p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.test"}')$$,
  'TH005', 'The venue is not open at that time.', 'copper-bar takes no date booking on its closed day');
select is(public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-12-03',
    p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'status',
  'confirmed', 'the day before is open');

select * from finish();
rollback;
