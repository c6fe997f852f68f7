#!/usr/bin/env bash
# npm run generate: refresh the committed generated files, each from its one source:
#   supabase/migrations.sha256           the checksum of each new migration (never rewrites a recorded one)
#   functions/_shared/error-codes.ts,    the error registry's copies, from supabase/errors.json
#   sdk/src/error-codes.ts, docs/errors.md
#   functions/_shared/database.types.ts  (supabase gen types) and
#   supabase/schema.sql                  (pg_dump) of a freshly migrated throwaway database
#   docs/openapi.json                    from the routes' zod schemas
# npm test fails while any of them is stale.
# The database is a throwaway cluster, never the npm start one, so the files come from the migrations
# alone, exactly as npm test builds them. TABLEHOLD_GENERATE_DB_DIR/_PORT move it (default port 54339).
# TABLEHOLD_REBASELINE=1 rewrites supabase/migrations.sha256 instead: only for the one-time baseline
# that replaces the migrations (README, "Migrations are history").
set -euo pipefail
export TABLEHOLD_DB_DIR="${TABLEHOLD_GENERATE_DB_DIR:-$(cd -- "$(dirname -- "$0")/.." && pwd)/.local/generate-db}"
export TABLEHOLD_DB_PORT="${TABLEHOLD_GENERATE_DB_PORT:-54339}"
export TABLEHOLD_DB_FAST=1
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# First, before anything is built from them: a changed migration stops generation (fix forward).
node "$ROOT/scripts/migration-checksums.mjs" record
node "$ROOT/scripts/generate-errors.mjs"

trap db_destroy EXIT
bash "$ROOT/scripts/db.sh" reset
db_gen_types >"$ROOT/functions/_shared/database.types.ts"
db_dump_schema >"$ROOT/supabase/schema.sql"
# the functions read their isolation level as they load (a mistyped one stops them there)
(cd "$ROOT" && deno_cli run --quiet --allow-env=TABLEHOLD_ISOLATION_LEVEL scripts/openapi.ts) >"$ROOT/docs/openapi.json"
log "wrote functions/_shared/database.types.ts, supabase/schema.sql and docs/openapi.json"
