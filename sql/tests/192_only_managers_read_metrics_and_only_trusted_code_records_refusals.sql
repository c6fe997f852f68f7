-- venue_metrics is for the venue's managers and owners; hosts and other venues' managers are
-- refused. record_refusal is for trusted server code (the service role): signed-in users cannot
-- call it, so nobody can inflate a venue's refusal counts from the browser.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 17:00Z');

select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-000000000203", "role": "authenticated"}', true);
select throws_ok($$select public.venue_metrics('00000000-0000-4000-b000-000000000003', '2026-11-01', '2026-11-30')$$,
  'TH011', 'You are not allowed to do that.', 'nora-kitchen''s host may not read its metrics');
select throws_ok($$select public.record_refusal('00000000-0000-4000-b000-000000000003', 'TABLE_NOT_AVAILABLE')$$,
  '42501', 'permission denied for function record_refusal', 'nor record a refusal');
select set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-000000000104", "role": "authenticated"}', true);
select throws_ok($$select public.venue_metrics('00000000-0000-4000-b000-000000000003', '2026-11-01', '2026-11-30')$$,
  'TH011', 'You are not allowed to do that.', 'the-vault''s manager may not read nora-kitchen''s metrics');
select set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-000000000202", "role": "authenticated"}', true);
select is(public.venue_metrics('00000000-0000-4000-b000-000000000003', '2026-11-01', '2026-11-30'), '[]', 'nora-kitchen''s manager may (a quiet month)');
select set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-000000000201", "role": "authenticated"}', true);
select is(public.venue_metrics('00000000-0000-4000-b000-000000000003', '2026-11-01', '2026-11-30'), '[]', 'so may the operator''s owner');

select tests.authenticate_as_service_role();
select lives_ok($$select public.record_refusal('00000000-0000-4000-b000-000000000003', 'TABLE_NOT_AVAILABLE')$$, 'the service role records a refusal');
select throws_ok($$select public.record_refusal('00000000-0000-4000-b000-000000000003', 'TABLE_TAKEN')$$,
  'TH013', 'The request is not valid.', 'only codes from the error registry are counted');

select * from finish();
rollback;
