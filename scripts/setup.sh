#!/usr/bin/env bash
# Prerequisites for npm start / npm test: node_modules, PostgreSQL 15 server, pgTAP,
# pg_cron, plpgsql_check and pg_prove (and Chromium for the browser tests). On Debian/Ubuntu as
# root it installs what is missing with apt-get; elsewhere it prints what to install and exits
# non-zero (for Chromium it only warns: the rest runs without it).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if [[ ! -x "$ROOT/node_modules/.bin/supabase" || ! -x "$ROOT/node_modules/.bin/vitest" ]]; then
  log "installing npm dependencies"
  # npm ci first; npm 11 here rejects lock files that lack other platforms' optional
  # packages (rollup's), so fall back to npm install rather than fail.
  (cd "$ROOT" && { npm ci || { log "npm ci failed; trying npm install"; npm install; }; })
fi

# Debian package -> a file that proves it is installed.
missing=()
check() { [[ -e "$2" ]] || missing+=("$1"); }
bindir="$(pg_bin || echo "/usr/lib/postgresql/$PG_MAJOR/bin")"
sharedir="$( { [[ -x "$bindir/pg_config" ]] && "$bindir/pg_config" --sharedir; } || echo "/usr/share/postgresql/$PG_MAJOR")"
check "postgresql-$PG_MAJOR" "$bindir/initdb"
check "postgresql-$PG_MAJOR-pgtap" "$sharedir/extension/pgtap.control"
check "postgresql-$PG_MAJOR-cron" "$sharedir/extension/pg_cron.control"
check "postgresql-$PG_MAJOR-plpgsql-check" "$sharedir/extension/plpgsql_check.control"
command -v pg_prove >/dev/null || missing+=(libtap-parser-sourcehandler-pgtap-perl)
command -v psql >/dev/null || missing+=("postgresql-client-$PG_MAJOR")

# Chromium for the browser tests (tests/browser) only: everything else runs without it.
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing chromium (for the browser tests)"
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
      || log "could not install chromium; the browser tests will fail"
  else
    log "chromium is missing, so the browser tests will fail: on Debian/Ubuntu sudo apt-get install -y chromium;
  elsewhere install Chromium and link it to /usr/bin/chromium"
  fi
fi

((${#missing[@]} == 0)) && exit 0

if [[ $EUID -eq 0 && -z "${TABLEHOLD_SETUP_RETRY:-}" ]] && command -v apt-get >/dev/null; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  TABLEHOLD_SETUP_RETRY=1 exec bash "$0"   # check again, once
fi

die "missing: ${missing[*]}
  On Debian/Ubuntu: sudo apt-get install -y ${missing[*]}
  Elsewhere install PostgreSQL $PG_MAJOR with the pgTAP, pg_cron and plpgsql_check extensions and
  pg_prove (Perl TAP::Parser::SourceHandler::pgTAP), or set TABLEHOLD_PG_BIN to the PostgreSQL $PG_MAJOR bin folder."
