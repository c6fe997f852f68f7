-- The error registry is the contract with API callers: eighteen codes, each with its own SQLSTATE in
-- the project's TH class, an HTTP status and the guest-facing message (mirrored in docs/errors.md).
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

select is((select count(*)::int from tablehold.error_codes), 18, 'the registry has 18 codes');
select is((select count(distinct sqlstate)::int from tablehold.error_codes), 18, 'each with its own SQLSTATE');
select is_empty($$ select code from tablehold.error_codes where sqlstate !~ '^TH[0-9]{3}$' $$, 'all in the TH class');
select results_eq($$ select code, sqlstate::text, http_status from tablehold.error_codes order by sqlstate $$,
  $$ values ('SECTION_NOT_AVAILABLE', 'TH001', 409), ('TABLE_NOT_AVAILABLE', 'TH002', 409), ('HOLD_EXPIRED', 'TH003', 410),
            ('INVALID_PARTY_SIZE', 'TH004', 422), ('OUTSIDE_OPENING_HOURS', 'TH005', 422), ('OUTSIDE_BOOKING_WINDOW', 'TH006', 422),
            ('UNDERAGE', 'TH007', 422), ('PACING_LIMIT_REACHED', 'TH008', 409), ('INVALID_TRANSITION', 'TH009', 409),
            ('NOT_FOUND', 'TH010', 404), ('FORBIDDEN', 'TH011', 403), ('IDEMPOTENCY_CONFLICT', 'TH012', 409),
            ('INVALID_REQUEST', 'TH013', 422), ('DATE_OF_BIRTH_REQUIRED', 'TH014', 422), ('CLIENT_EMAIL_TAKEN', 'TH015', 409),
            ('NO_TABLE_AVAILABLE', 'TH016', 409), ('DIRECT_EDIT_REFUSED', 'TH017', 409),
            ('HOLD_LIMIT_REACHED', 'TH018', 429) $$,
  'the codes keep their SQLSTATEs and HTTP statuses (a retired code is never reused)');

select * from finish();
rollback;
