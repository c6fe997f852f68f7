#!/usr/bin/env bash
# npm run bench [-- <section> ...] [--duration S] [--quick]
# A throwaway stack of its own (never the npm start or npm test one): a fresh cluster with the
# migrations and seed and pg_stat_statements preloaded, the benchmark schema (sql/bench/), the Edge
# Functions server; then bench/main.ts against it; then everything is stopped and deleted again.
# Environment: TABLEHOLD_BENCH_DB_DIR, TABLEHOLD_BENCH_DB_PORT (default 54341),
# TABLEHOLD_BENCH_FUNCTIONS_PORT (default 54342).
set -euo pipefail
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
export TABLEHOLD_DB_DIR="${TABLEHOLD_BENCH_DB_DIR:-$ROOT/.local/bench-db}"
export TABLEHOLD_DB_PORT="${TABLEHOLD_BENCH_DB_PORT:-54341}"
export TABLEHOLD_FUNCTIONS_PORT="${TABLEHOLD_BENCH_FUNCTIONS_PORT:-54342}"
# durable settings (fsync, synchronous_commit on), as on a hosted project: no TABLEHOLD_DB_FAST here
unset TABLEHOLD_DB_FAST
# pg_stat_statements preloaded, counting nested statements too (the statements section counts with it)
export TABLEHOLD_DB_STATS=1
source "$ROOT/scripts/lib.sh"

bash "$ROOT/scripts/setup.sh"
trap 'functions_stop; db_destroy' EXIT
db_destroy
db_up
log "loading the benchmark schema (sql/bench/: admin/ as supabase_admin, the rest as postgres)"
for f in "$ROOT"/sql/bench/admin/*.sql; do
  PGOPTIONS='-c client_min_messages=warning' db_psql supabase_admin -f "$f" || die "could not load $f"
done
for f in "$ROOT"/sql/bench/*.sql; do
  PGOPTIONS='-c client_min_messages=warning' db_psql postgres -f "$f" || die "could not load $f"
done
functions_start

log "benchmarks: $(functions_url), $(db_url postgres)"
rc=0
(cd "$ROOT" && DATABASE_URL="$(db_url postgres)" ADMIN_DATABASE_URL="$(db_url supabase_admin)" \
  FUNCTIONS_URL="$(functions_url)" PGBENCH="$(pg_bin)/pgbench" \
  deno_cli run --allow-net --allow-env --allow-read --allow-write=bench/results,BENCHMARKS.md \
  --allow-run --allow-sys bench/main.ts "$@") || rc=$?
exit "$rc"
