# Shared functions for scripts/*.sh. Source it; it sets no shell options of its own.
# Paths come from this file's location, never from the machine.

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
DB_DIR="${TABLEHOLD_DB_DIR:-$ROOT/.local/db}"
DB_PORT="${TABLEHOLD_DB_PORT:-54322}"
PG_MAJOR=15

# As root the server runs as the OS user postgres, which must reach DB_DIR. When a parent
# folder is private to root (a clone under /root, say), keep the cluster under /tmp instead.
if [[ $EUID -eq 0 ]] && id postgres >/dev/null 2>&1; then
  mkdir -p "$(dirname -- "$DB_DIR")"
  if ! runuser -u postgres -- test -x "$(dirname -- "$DB_DIR")"; then
    DB_DIR="/tmp/tablehold-$(printf %s "$DB_DIR" | cksum | cut -d' ' -f1)"
  fi
fi

log() { printf '\033[1m[tablehold]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[tablehold] error:\033[0m %s\n' "$*" >&2; exit 1; }

# The Supabase CLI from devDependencies (same as `npx supabase`, but never downloads).
supabase_cli() {
  [[ -x "$ROOT/node_modules/.bin/supabase" ]] || die "Supabase CLI missing; run: npm install"
  "$ROOT/node_modules/.bin/supabase" "$@"
}

db_url() { echo "postgresql://${1:-postgres}:postgres@127.0.0.1:$DB_PORT/postgres"; }

# The PostgreSQL 15 server binaries: initdb/pg_ctl on PATH if they are 15, else Debian's place.
pg_bin() {
  local dir
  for dir in "${TABLEHOLD_PG_BIN:-}" "$(pg_config --bindir 2>/dev/null || true)" "/usr/lib/postgresql/$PG_MAJOR/bin"; do
    if [[ -n "$dir" && -x "$dir/initdb" ]] && "$dir/initdb" --version | grep -q " $PG_MAJOR\."; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

# PostgreSQL refuses to run as root: as root, run the server as the OS user postgres.
as_server_user() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# psql as a database role, over TCP with the local password; extra arguments go to psql.
db_psql() {
  local role="$1"; shift
  PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$DB_PORT" -U "$role" -d postgres "$@"
}

db_is_running() { [[ -f "$DB_DIR/data/postmaster.pid" ]] && as_server_user "$(pg_bin)/pg_ctl" -D "$DB_DIR/data" status >/dev/null 2>&1; }

db_create_cluster() {
  local bin pwfile
  bin="$(pg_bin)" || die "PostgreSQL $PG_MAJOR server binaries not found; run: bash scripts/setup.sh"
  log "creating cluster in $DB_DIR (port $DB_PORT)"
  mkdir -p "$DB_DIR"
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "as root the server runs as the OS user postgres, which does not exist (useradd --system postgres)"
    chown postgres: "$DB_DIR"
  fi
  pwfile="$DB_DIR/.pw"
  echo postgres >"$pwfile"; [[ $EUID -eq 0 ]] && chown postgres: "$pwfile"
  as_server_user "$bin/initdb" -D "$DB_DIR/data" -U supabase_admin --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$DB_DIR/initdb.log" \
    || { rm -f "$pwfile"; die "initdb failed, see $DB_DIR/initdb.log"; }
  rm -f "$pwfile"
  # Supabase-like settings the engine depends on (pg_cron, logical WAL, UTC, many connections).
  # TABLEHOLD_DB_STATS=1 (bench clusters only) also preloads pg_stat_statements, counting the
  # statements nested inside functions and triggers too; hosted projects preload it as well.
  local preload="pg_cron"
  [[ -n "${TABLEHOLD_DB_STATS:-}" ]] && preload="pg_cron,pg_stat_statements"
  as_server_user tee -a "$DB_DIR/data/postgresql.conf" >/dev/null <<CONF

# --- tablehold local stack (scripts/lib.sh) ---
listen_addresses = '127.0.0.1'
port = $DB_PORT
unix_socket_directories = ''
max_connections = 300
shared_preload_libraries = '$preload'
${TABLEHOLD_DB_STATS:+pg_stat_statements.track = all}
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 32
wal_level = logical
timezone = 'UTC'
log_timezone = 'UTC'
${TABLEHOLD_DB_FAST:+fsync = off
synchronous_commit = off
full_page_writes = off}
CONF
}

db_start() {
  db_is_running && return 0
  [[ -f "$DB_DIR/data/PG_VERSION" ]] || die "no database in $DB_DIR yet; run: bash scripts/db.sh up (or npm start)"
  log "starting PostgreSQL on 127.0.0.1:$DB_PORT"
  as_server_user "$(pg_bin)/pg_ctl" -D "$DB_DIR/data" -l "$DB_DIR/server.log" -w -t 60 start >/dev/null \
    || die "PostgreSQL did not start; see $DB_DIR/server.log (port $DB_PORT busy? set TABLEHOLD_DB_PORT)"
}

db_stop() {
  db_is_running || return 0
  log "stopping PostgreSQL in $DB_DIR"
  as_server_user "$(pg_bin)/pg_ctl" -D "$DB_DIR/data" -m fast -w stop >/dev/null
}

db_bootstrap() {
  local f
  log "applying sql/bootstrap as supabase_admin"
  for f in "$ROOT"/sql/bootstrap/*.sql; do
    db_psql supabase_admin --single-transaction -f "$f" || die "bootstrap failed in $f"
  done
}

db_migrate() {
  log "applying supabase/migrations with the Supabase CLI"
  (cd "$ROOT" && supabase_cli migration up --remote="$(db_url postgres)?sslmode=disable" --yes) \
    || die "migrations failed (see above)"
}

db_seed() {
  [[ -f "$ROOT/supabase/seed.sql" ]] || { log "no supabase/seed.sql, nothing to seed"; return 0; }
  log "applying supabase/seed.sql as postgres"
  db_psql postgres -f "$ROOT/supabase/seed.sql" || die "seed failed"
}

# supabase db lint skips trigger functions; plpgsql_check them with their tables as well.
db_lint() {
  (cd "$ROOT" && supabase_cli db lint --remote="$(db_url postgres)?sslmode=disable" --level error --fail-on error) || return 1
  local errors
  errors="$(db_psql postgres -tA -f "$ROOT/sql/lint-triggers.sql")" || return 1
  [[ -z "$errors" ]] || { printf 'trigger function errors:\n%s\n' "$errors" >&2; return 1; }
  log "trigger functions: no errors"
}

# Create (if missing), start, and on a fresh cluster bootstrap, migrate and seed.
# .ready marks a cluster whose first setup finished; one without it is rebuilt.
db_up() {
  if [[ -f "$DB_DIR/.ready" ]]; then
    db_start
    return 0
  fi
  [[ -d "$DB_DIR/data" ]] && { log "cluster in $DB_DIR never finished its setup; rebuilding it"; db_destroy; }
  db_create_cluster
  db_start
  db_bootstrap
  db_migrate
  db_seed
  touch "$DB_DIR/.ready"
}

# The generated database types the functions use (functions/_shared/database.types.ts).
db_gen_types() {
  (cd "$ROOT" && supabase_cli gen types --remote="$(db_url postgres)?sslmode=disable" --schema public 2>/dev/null)
}

# The committed schema dump (supabase/schema.sql): schemas tablehold and public with their
# privileges, as PostgreSQL 15's pg_dump writes them. Lines that change from run to run or from
# machine to machine are dropped: the random \restrict key and the server and pg_dump versions.
db_dump_schema() {
  local bin
  bin="$(pg_bin)" || die "PostgreSQL $PG_MAJOR binaries not found; run: bash scripts/setup.sh"
  echo "-- GENERATED by npm run generate: pg_dump --schema-only of schemas tablehold and public after the migrations."
  echo "-- Do not edit; npm test fails while it differs from a freshly migrated database."
  PGPASSWORD=postgres "$bin/pg_dump" -h 127.0.0.1 -p "$DB_PORT" -U supabase_admin -d postgres \
    --schema-only --schema=tablehold --schema=public \
    | sed -E '/^\\(un)?restrict /d; /^-- Dumped (from database|by pg_dump) version /d' | cat -s
}

db_destroy() {
  db_stop
  [[ -d "$DB_DIR" ]] && { log "deleting $DB_DIR"; rm -rf "$DB_DIR"; }
  return 0
}

# --- Edge Functions: Deno serving functions/ at http://127.0.0.1:$FUNCTIONS_PORT/functions/v1/<name>
FUNCTIONS_PORT="${TABLEHOLD_FUNCTIONS_PORT:-54321}"
functions_url() { echo "http://127.0.0.1:$FUNCTIONS_PORT"; }

# Deno must not read package.json (it would try to install every platform's @deno/* binary).
deno_cli() { DENO_NO_PACKAGE_JSON=1 "$ROOT/node_modules/.bin/deno" "$@"; }

# Start the functions server in the background against the current database; waits until it answers.
functions_start() {
  local env_file="$DB_DIR-functions.env" logf="$DB_DIR-functions.log" i
  node "$ROOT/scripts/local-keys.mjs" env "$(db_url postgres)" >"$env_file"
  echo "TABLEHOLD_FUNCTIONS_PORT=$FUNCTIONS_PORT" >>"$env_file"
  # the SDK's browser bundle for the demo page
  if [[ -f "$ROOT/sdk/src/index.ts" ]]; then
    (cd "$ROOT" && deno_cli bundle --quiet --platform=browser sdk/src/index.ts -o "$DB_DIR-demo-sdk.js") \
      || die "could not bundle the SDK for the demo page"
    echo "TABLEHOLD_DEMO_SDK=$DB_DIR-demo-sdk.js" >>"$env_file"
  fi
  log "starting Edge Functions on $(functions_url)/functions/v1/ (log: $logf)"
  # its own session (setsid), so functions_stop can end the whole process group
  (cd "$ROOT" && DENO_NO_PACKAGE_JSON=1 exec setsid "$ROOT/node_modules/.bin/deno" run --quiet --allow-net --allow-env \
    --allow-read --env-file="$env_file" scripts/serve.ts) >"$logf" 2>&1 &
  FUNCTIONS_PID=$!
  for ((i = 0; i < 240; i++)); do
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
      "$(functions_url)/functions/v1/openapi/v1" && return 0
    kill -0 "$FUNCTIONS_PID" 2>/dev/null || { tail -20 "$logf" >&2; die "the Edge Functions server exited; see $logf"; }
    sleep 0.5
  done
  die "the Edge Functions server did not answer within 2 minutes; see $logf"
}

functions_stop() {
  [[ -n "${FUNCTIONS_PID:-}" ]] || return 0
  kill -TERM -- "-$FUNCTIONS_PID" 2>/dev/null || kill "$FUNCTIONS_PID" 2>/dev/null || true
  wait "$FUNCTIONS_PID" 2>/dev/null || true
  FUNCTIONS_PID=
}
