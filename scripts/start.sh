#!/usr/bin/env bash
# npm start: prerequisites, the local database (reused when it exists), connection details,
# the Edge Functions server and demo credentials, then stay in the foreground until Ctrl-C.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/db.sh" up

cleanup() { trap - EXIT INT TERM; functions_stop; db_stop; exit 0; }
trap cleanup EXIT INT TERM
functions_start

# Demo credentials: tokens signed with the local keys, and one assistant API key per cluster.
token() { node "$ROOT/scripts/local-keys.mjs" token "$@"; }
api_key_file="$DB_DIR/demo-api-key"
if [[ ! -s "$api_key_file" ]]; then
  db_psql postgres -tA -c "select public.api_key_create('00000000-0000-4000-b000-000000000002', 'demo assistant', array['read', 'book']) ->> 'key'" >"$api_key_file"
fi
publishable="$(node "$ROOT/scripts/local-keys.mjs" publishable)"

cat <<INFO

tablehold local stack is up
  API:       $(functions_url)/functions/v1/<function>/v1/…   (availability, hold, book, cancel, staff, clients, openapi)
  OpenAPI:   $(functions_url)/functions/v1/openapi/v1
  demo page: $(functions_url)/demo/   (staff view: $(functions_url)/demo/?view=staff&token=<a staff token below>)
  database:  $(db_url postgres)   (superuser: $(db_url supabase_admin))
  psql:      bash scripts/db.sh psql
  data:      $DB_DIR  (npm run db:reset rebuilds it)

Demo venues: copper-bar 00000000-0000-4000-b000-000000000001, the-vault …b000-000000000002, nora-kitchen …b000-000000000003
Credentials (Authorization: Bearer <value>; valid 24 hours, rerun npm start for fresh ones):
  anon (publishable key):    $publishable
  customer guest@example.test: $(token authenticated 00000000-0000-4000-8000-000000000301)
  host of the-vault:          $(token authenticated 00000000-0000-4000-8000-000000000105)
  manager of the-vault:       $(token authenticated 00000000-0000-4000-8000-000000000104)
  owner (Northern Nights):    $(token authenticated 00000000-0000-4000-8000-000000000101)
  the-vault API key (read, book): $(cat "$api_key_file")

Try: curl '$(functions_url)/functions/v1/availability/v1?venue_id=00000000-0000-4000-b000-000000000002&date=YYYY-MM-DD'
Press Ctrl-C to stop.
INFO

# Wait in the foreground; `wait` lets the trap run as soon as a signal arrives.
while db_is_running; do sleep 5 & wait $!; done
log "PostgreSQL stopped on its own; see $DB_DIR/server.log"
