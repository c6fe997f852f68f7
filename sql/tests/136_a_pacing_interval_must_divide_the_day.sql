-- Pacing buckets are counted on the venue's clock from local midnight, so an interval must divide
-- the day evenly (5, 15, 30 minutes, an hour, 90 minutes, a day): then every day's buckets are the
-- same local times. Anything else is refused where it is written, by a named check constraint.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');

select throws_ok(
  $$insert into tablehold.pacing_rules (venue_id, per, max_covers) values (tests.venue_id('nora-kitchen'), '7 minutes', 10)$$,
  '23514', 'new row for relation "pacing_rules" violates check constraint "pacing_rules_per_divides_day_check"',
  '7 minutes does not divide the day');
select throws_ok(
  $$insert into tablehold.pacing_rules (venue_id, per, max_covers) values (tests.venue_id('nora-kitchen'), '2 days', 100)$$,
  '23514', 'new row for relation "pacing_rules" violates check constraint "pacing_rules_per_divides_day_check"',
  'nor is an interval longer than a day taken');
select throws_ok(
  $$update tablehold.pacing_rules set per = '25 minutes' where venue_id = tests.venue_id('nora-kitchen') and area_id is null$$,
  '23514', 'new row for relation "pacing_rules" violates check constraint "pacing_rules_per_divides_day_check"',
  'changing a rule to 25 minutes is refused too');
select lives_ok(
  $$insert into tablehold.pacing_rules (venue_id, per, max_covers) values (tests.venue_id('nora-kitchen'), '90 minutes', 40)$$,
  '90 minutes divides the day');
select lives_ok(
  $$insert into tablehold.pacing_rules (venue_id, per, max_covers) values (tests.venue_id('nora-kitchen'), '1 day', 200)$$,
  'and so does a whole day');

select * from finish();
rollback;
