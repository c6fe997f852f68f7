-- suggest_tables answers "which tables would you give us at this time?". For a time the venue
-- would refuse anyway (closed, in the past, off the grid, or no time at all) it says why, as
-- book would, instead of suggesting tables that cannot be booked.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare suggest(timestamptz) as select public.suggest_tables(tests.venue_id('nora-kitchen'), $1, 2);
select throws_ok($$ execute suggest('2026-11-30 19:00-05') $$, 'TH005', 'The venue is not open at that time.',
  'nora-kitchen is closed on Mondays');
select throws_ok($$ execute suggest('2026-11-27 19:07-05') $$, 'TH005', 'The venue is not open at that time.',
  '19:07 is not a start time it offers');
select throws_ok($$ execute suggest('2026-11-20 19:00-05') $$, 'TH006', 'That date or time can''t be booked right now.',
  'last Friday is over');
select throws_ok($$ execute suggest(null) $$, 'TH013', 'The request is not valid.', 'a suggestion needs a start');

select * from finish();
rollback;
