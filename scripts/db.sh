#!/usr/bin/env bash
# Local database: bash scripts/db.sh up|migrate|seed|reset|stop|lint|psql [psql args]
# Environment: TABLEHOLD_DB_DIR (default .local/db), TABLEHOLD_DB_PORT (default 54322).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

cmd="${1:-}"; shift || true
case "$cmd" in
  up)      db_up ;;
  migrate) db_start; db_migrate ;;
  seed)    db_start; db_seed ;;
  reset)   db_destroy; db_up ;;
  stop)    db_stop ;;
  lint)    db_start; db_lint && log "lint: no errors" ;;
  psql)    db_start; db_psql postgres "$@" ;;
  *)       die "usage: bash scripts/db.sh up|migrate|seed|reset|stop|lint|psql" ;;
esac
