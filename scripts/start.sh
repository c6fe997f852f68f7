#!/usr/bin/env bash
# npm start: prerequisites, the local database (reused when it exists), connection details,
# then stay in the foreground until Ctrl-C, which stops the database.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/db.sh" up

cleanup() { trap - EXIT INT TERM; db_stop; exit 0; }
trap cleanup EXIT INT TERM

# --- Edge Functions (Deno, port 54321) will join here: start the server in the background,
# --- remember its pid, and stop it in cleanup() before the database.

cat <<INFO

tablehold local stack is up
  database (migrations, seed, app):  $(db_url postgres)
  superuser (bootstrap, admin tests): $(db_url supabase_admin)
  API roles: anon, authenticated, service_role are NOLOGIN, as on Supabase; to act as one,
             connect as postgres and run inside a transaction:
             set local role authenticated;
             select set_config('request.jwt.claims', '{"sub":"<user uuid>","role":"authenticated"}', true);
  psql:      bash scripts/db.sh psql
  data:      $DB_DIR  (npm run db:reset rebuilds it)

Press Ctrl-C to stop.
INFO

# Wait in the foreground; `wait` lets the trap run as soon as a signal arrives.
while db_is_running; do sleep 5 & wait $!; done
log "PostgreSQL stopped on its own; see $DB_DIR/server.log"
