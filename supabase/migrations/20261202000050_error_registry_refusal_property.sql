-- The error registry says which codes are refusals: attempts at inventory that was not there, counted
-- as a conflict prevented in the venue's metrics. Until now that list was kept by hand in the Edge
-- Functions; its one source is now supabase/errors.json, which this table keeps mirroring (a test
-- fails when they differ).

alter table tablehold.error_codes add column refusal boolean not null default false;

comment on column tablehold.error_codes.refusal is
  'True for a refusal: the caller wanted inventory that was not free (counted as a conflict prevented in venue_metrics).';
comment on table tablehold.error_codes is
  'Registry of every domain error: code, SQLSTATE, HTTP status, guest-facing message, refusal. Its source is supabase/errors.json (docs/errors.md); a retired code is never reused.';

update tablehold.error_codes
set refusal = true
where code in ('SECTION_NOT_AVAILABLE', 'TABLE_NOT_AVAILABLE', 'HOLD_EXPIRED', 'PACING_LIMIT_REACHED', 'NO_TABLE_AVAILABLE');
