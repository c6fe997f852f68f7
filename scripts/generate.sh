#!/usr/bin/env bash
# npm run generate: refresh the committed generated files from the local database and the routes:
#   supabase/migrations.sha256           the checksum of each new migration (never rewrites a recorded one;
#                                        TABLEHOLD_REBASELINE=1 rewrites them all, only for the one-time
#                                        baseline that replaces the migrations: README, "Migrations are history")
#   functions/_shared/database.types.ts  (supabase gen types)
#   docs/openapi.json                    (from the routes' zod schemas)
#   functions/_shared/error-codes.ts, sdk/src/error-codes.ts, docs/errors.md (from supabase/errors.json)
# npm test fails while any of them is stale.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# First: a changed migration stops generation (fix forward).
node "$ROOT/scripts/migration-checksums.mjs" record
node "$ROOT/scripts/generate-errors.mjs"
bash "$ROOT/scripts/db.sh" up
db_gen_types >"$ROOT/functions/_shared/database.types.ts"
(cd "$ROOT" && deno_cli run --quiet scripts/openapi.ts) >"$ROOT/docs/openapi.json"
log "wrote functions/_shared/database.types.ts and docs/openapi.json"
