-- venue_metrics is for the venue's managers and owners; hosts and other venues' managers are
-- refused. record_refusal is for trusted server code (the service role): signed-in users cannot
-- call it, so nobody can inflate a venue's refusal counts from the browser.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 17:00Z');

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select throws_ok($$select public.venue_metrics(tests.venue_id('nora-kitchen'), '2026-11-01', '2026-11-30')$$,
  'TH011', 'You are not allowed to do that.', 'nora-kitchen''s host may not read its metrics');
select throws_ok($$select public.record_refusal(tests.venue_id('nora-kitchen'), 'TABLE_NOT_AVAILABLE')$$,
  '42501', 'permission denied for function record_refusal', 'nor record a refusal');
select tests.authenticate_as_seed_user('manager@the-vault.test');
select throws_ok($$select public.venue_metrics(tests.venue_id('nora-kitchen'), '2026-11-01', '2026-11-30')$$,
  'TH011', 'You are not allowed to do that.', 'the-vault''s manager may not read nora-kitchen''s metrics');
select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select is(public.venue_metrics(tests.venue_id('nora-kitchen'), '2026-11-01', '2026-11-30'), '[]', 'nora-kitchen''s manager may (a quiet month)');
select tests.authenticate_as_seed_user('owner@nora-dining.test');
select is(public.venue_metrics(tests.venue_id('nora-kitchen'), '2026-11-01', '2026-11-30'), '[]', 'so may the operator''s owner');

select tests.authenticate_as_service_role();
select lives_ok($$select public.record_refusal(tests.venue_id('nora-kitchen'), 'TABLE_NOT_AVAILABLE')$$, 'the service role records a refusal');
select throws_ok($$select public.record_refusal(tests.venue_id('nora-kitchen'), 'TABLE_TAKEN')$$,
  'TH013', 'The request is not valid.', 'only codes from the error registry are counted');

select * from finish();
rollback;
