#!/usr/bin/env bash
# npm test: a throwaway cluster (never the npm start one), then lint, drift guards, pgTAP and vitest.
# Ends with one line "N passed, N failed" over all of them; exits non-zero if anything failed.
set -euo pipefail
export TABLEHOLD_DB_DIR="${TABLEHOLD_TEST_DB_DIR:-$(cd -- "$(dirname -- "$0")/.." && pwd)/.local/test-db}"
export TABLEHOLD_DB_PORT="${TABLEHOLD_TEST_DB_PORT:-54329}"
export TABLEHOLD_DB_FAST=1
export TABLEHOLD_FUNCTIONS_PORT="${TABLEHOLD_TEST_FUNCTIONS_PORT:-54331}"
# The suites' shared functions server floods and replays on purpose (hundreds of writes a second,
# twenty copies of one guest's request): its rate limits are off. The abuse tests start servers of
# their own with the limits on (README, "Abuse limits").
export TABLEHOLD_RATE_LIMITS="${TABLEHOLD_RATE_LIMITS:-off}"
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

bash "$ROOT/scripts/setup.sh"

results="$TABLEHOLD_DB_DIR-results"
rm -rf "$results"; mkdir -p "$results"
trap db_stop EXIT

# A fresh cluster every run: bootstrap, migrations, seed, then the pgTAP helpers.
if ! { bash "$ROOT/scripts/db.sh" reset && db_psql supabase_admin -f "$ROOT/sql/test-helpers.sql"; }; then
  log "the test database could not be built (see above); no suite ran"
  db_stop; trap - EXIT
  echo "0 passed, 1 failed"
  exit 1
fi

# Each suite records its exit code; `|| rc=$?` keeps going so every suite runs.
log "supabase db lint"
rc=0; db_lint || rc=$?; echo "$rc" >"$results/lint.rc"

# Drift guards: the committed generated files must match what their sources generate (the OpenAPI
# document is checked by vitest), and committed migrations must never change.
log "functions/_shared/database.types.ts is up to date"
rc=0
db_gen_types | diff -u "$ROOT/functions/_shared/database.types.ts" - >&2 \
  || { log "functions/_shared/database.types.ts is stale: run npm run generate"; rc=1; }
echo "$rc" >"$results/types.rc"

log "the error registry's copies are generated from supabase/errors.json"
rc=0; node "$ROOT/scripts/generate-errors.mjs" --check || rc=$?
echo "$rc" >"$results/registry.rc"

log "committed migrations are unchanged and every migration is listed"
rc=0; node "$ROOT/scripts/migration-checksums.mjs" check || rc=$?
echo "$rc" >"$results/migrations.rc"

log "supabase/schema.sql is the migrated schema"
rc=0
{ db_dump_schema >"$results/schema.sql" && diff -u "$ROOT/supabase/schema.sql" "$results/schema.sql" >&2; } \
  || { log "supabase/schema.sql is stale: run npm run generate"; rc=1; }
echo "$rc" >"$results/schema.rc"

shopt -s nullglob
pgtap_files=("$ROOT"/sql/tests/*.sql)
if ((${#pgtap_files[@]})); then
  log "pgTAP: ${#pgtap_files[@]} file(s)"
  rc=0
  PGPASSWORD=postgres pg_prove --verbose -h 127.0.0.1 -p "$DB_PORT" -U postgres -d postgres \
    "${pgtap_files[@]}" 2>&1 | tee "$results/pgtap.out" || rc=$?
  echo "$rc" >"$results/pgtap.rc"
else
  log "pgTAP: no files in sql/tests, skipped"
fi

trap 'functions_stop; db_stop' EXIT
functions_start

log "vitest"
rc=0
(cd "$ROOT" && DATABASE_URL="$(db_url postgres)" ADMIN_DATABASE_URL="$(db_url supabase_admin)" \
  FUNCTIONS_URL="$(functions_url)" FUNCTIONS_ENV_FILE="$DB_DIR-functions.env" \
  node_modules/.bin/vitest run --passWithNoTests --reporter=default --reporter=json \
  --outputFile.json="$results/vitest.json") || rc=$?
echo "$rc" >"$results/vitest.rc"

# Stop first so that the summary's closing line is the last thing printed.
functions_stop; db_stop; trap - EXIT
echo
node "$ROOT/scripts/summarize.mjs" "$results"
