-- INVALID_REQUEST: the engine's own checks on what callers send: guest details, a well-formed
-- email, the date or start a unit needs, a known source, a block's reason and window.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare kitchen(timestamptz, jsonb, text) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'),
  p_party_size => 2, p_start => $1, p_guest => $2, p_source => $3);
select throws_ok($$ execute kitchen('2026-11-27 19:00-05', null, 'web') $$, 'TH013', 'The request is not valid.',
  'a guest must say who they are');
select throws_ok($$ execute kitchen('2026-11-27 19:00-05', '{"name": "Ada", "email": "ada at home"}', 'web') $$, 'TH013', 'The request is not valid.',
  'with an email that looks like one');
select throws_ok($$ execute kitchen(null, '{"name": "Ada", "email": "ada@example.com"}', 'web') $$, 'TH013', 'The request is not valid.',
  'a table booking needs a start');
select throws_ok($$ execute kitchen('2026-11-27 19:00-05', '{"name": "Ada", "email": "ada@example.com"}', 'carrier pigeon') $$,
  'TH013', 'The request is not valid.', 'the source is web, app, staff or assistant');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2,
    p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.com"}') $$,
  'TH013', 'The request is not valid.', 'a seat option needs a date');

select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select throws_ok($$ select public.block(p_venue_id => tests.venue_id('nora-kitchen'), p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')],
    p_reason => '  ', p_start => '2026-11-27 18:00-05', p_end => '2026-11-27 20:00-05') $$,
  'TH013', 'The request is not valid.', 'a block needs a reason');
select throws_ok($$ select public.block(p_venue_id => tests.venue_id('nora-kitchen'), p_unit_ids => array[tests.unit_id('nora-kitchen', 't1')],
    p_reason => 'deep clean', p_start => '2026-11-27 20:00-05', p_end => '2026-11-27 18:00-05') $$,
  'TH013', 'The request is not valid.', 'and a table block an end after its start');

select * from finish();
rollback;
