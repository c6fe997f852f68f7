-- A service day runs from the venue's cutover to the next day's cutover, and a time before the
-- cutover is on the next calendar day. Hours and slots that would cross a cutover would offer
-- starts that belong to another date, so they are refused where they are written (INVALID_REQUEST,
-- saying why), whoever writes them, and so is moving the cutover across existing hours. A venue's
-- timezone may change: the rule is on the wall clock.
begin;
select plan(11);
select tests.freeze_time('2026-11-25 12:00Z');

insert into tablehold.venues (operator_id, slug, name, kind, timezone) values
  (tests.operator_id('northern-nights'), 'cutover-rules', 'Cutover Rules', 'club', 'Europe/London');


select throws_ok(
  $$insert into tablehold.opening_hours (venue_id, weekday, opens, closes) values (tests.venue_id('cutover-rules'), 5, '22:00', '06:00')$$,
  'TH013', 'The request is not valid.', 'Friday 22:00-06:00 runs past Saturday''s 05:00 cutover');
select is(
  tests.error_detail($$insert into tablehold.opening_hours (venue_id, weekday, opens, closes) values (tests.venue_id('cutover-rules'), 5, '22:00', '06:00')$$),
  jsonb_build_object('code', 'INVALID_REQUEST', 'field', 'opening_hours', 'from', '22:00:00', 'to', '06:00:00', 'service_day_cutover', '05:00:00',
    'problem', '22:00 to 06:00 does not lie within one service day, which runs from the 05:00 cutover to the next day''s (a time before the cutover is on the next calendar day)'),
  'the refusal says why');
select throws_ok(
  $$insert into tablehold.opening_hours (venue_id, weekday, opens, closes) values (tests.venue_id('cutover-rules'), 5, '04:00', '10:00')$$,
  'TH013', 'The request is not valid.', 'Friday 04:00-10:00 is Saturday''s early hours running past the cutover');
select lives_ok(
  $$insert into tablehold.opening_hours (venue_id, weekday, opens, closes) values
      (tests.venue_id('cutover-rules'), 5, '22:00', '05:00'), (tests.venue_id('cutover-rules'), 6, '00:30', '03:00'),
      (tests.venue_id('cutover-rules'), 7, '05:00', '05:00')$$,
  'hours up to the cutover, wholly after midnight, or the whole service day are taken');
select throws_ok(
  $$update tablehold.opening_hours set closes = '06:00' where venue_id = tests.venue_id('cutover-rules') and weekday = 5$$,
  'TH013', 'The request is not valid.', 'so is moving a close past the cutover');

select throws_ok(
  $$insert into tablehold.opening_exceptions (venue_id, service_date, opens, closes) values (tests.venue_id('cutover-rules'), '2026-12-31', '20:00', '06:00')$$,
  'TH013', 'The request is not valid.', 'special hours past the cutover are refused');
select lives_ok(
  $$insert into tablehold.opening_exceptions (venue_id, service_date, closed) values (tests.venue_id('cutover-rules'), '2026-12-24', true)$$,
  'a closed day has no hours to check');

select throws_ok(
  $$insert into tablehold.slots (venue_id, code, name, starts, ends) values (tests.venue_id('cutover-rules'), 'dawn', 'Dawn', '04:00', '06:00')$$,
  'TH013', 'The request is not valid.', 'a slot across the cutover is refused');
select lives_ok(
  $$insert into tablehold.slots (venue_id, code, name, starts, ends) values (tests.venue_id('cutover-rules'), 'late', 'Late', '01:00', '04:00')$$,
  'a slot in the early hours is taken');

select throws_ok(
  $$update tablehold.venues set service_day_cutover = '03:00' where id = tests.venue_id('cutover-rules')$$,
  'TH013', 'The request is not valid.', 'moving the cutover to 03:00 would cut through the hours and the late slot');
select lives_ok(
  $$update tablehold.venues set timezone = 'Australia/Lord_Howe' where id = tests.venue_id('cutover-rules')$$,
  'the venue may move to another zone');

select * from finish();
rollback;
