#!/usr/bin/env bash
# A throw-away PostgreSQL server for the integration tests (*.int.test.ts), from Debian's packages.
#
#   export "$(bash scripts/ci-postgres.sh)"      # prints TEST_DATABASE_URL=postgres://…
#
# Installs PostgreSQL when its server binaries are missing, creates a cluster in $PG_CI_DIR
# (UTF-8, locale C.UTF-8: pg_trgm needs a UTF-8 locale to index Chinese text), starts it on
# 127.0.0.1:$PG_CI_PORT and creates the role and database the tests use. Idempotent: a second run
# reuses the running server, or starts the existing cluster again. Progress goes to stderr; stdout
# carries only the TEST_DATABASE_URL line.
#
# Settings (environment): PG_CI_DIR (default /tmp/dangan-ci-postgres), PG_CI_PORT (default 54329).
# fsync is off: the cluster holds only test data, and CI time matters more than crash safety.
set -euo pipefail

PG_CI_DIR="${PG_CI_DIR:-/tmp/dangan-ci-postgres}"
PG_CI_PORT="${PG_CI_PORT:-54329}"
DB_NAME=dangan_test
DB_USER=dangan
DB_PASSWORD=dangan-ci
DATA="$PG_CI_DIR/data"
SOCKETS="$PG_CI_DIR/sockets"
LOG="$PG_CI_DIR/postgres.log"

say() { echo "ci-postgres: $*" >&2; }

find_bindir() {
  # The newest installed major version wins (Debian keeps each under /usr/lib/postgresql/N).
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
    echo "$dir"
  fi
}

BIN="$(find_bindir)"
if [[ -z "$BIN" ]]; then
  say "installing PostgreSQL from Debian's packages"
  if [[ "$(id -u)" -ne 0 ]]; then
    say "PostgreSQL is not installed and this is not root: install the postgresql package first"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
  BIN="$(find_bindir)"
  [[ -n "$BIN" ]] || { say "postgresql installed, but no initdb under /usr/lib/postgresql/*/bin"; exit 1; }
fi
say "using $("$BIN/postgres" --version)"

# initdb and postgres refuse to run as root: run them as the postgres user the package created.
if [[ "$(id -u)" -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_CI_DIR" --shell /bin/bash postgres
  as_pg() { runuser -u postgres -- "$@"; }
  mkdir -p "$PG_CI_DIR"
  chown postgres: "$PG_CI_DIR"
else
  as_pg() { "$@"; }
  mkdir -p "$PG_CI_DIR"
fi
as_pg mkdir -p "$SOCKETS"

psql_admin() {
  as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$PG_CI_PORT" -U postgres -d postgres "$@"
}

if [[ ! -f "$DATA/PG_VERSION" ]]; then
  say "creating a cluster in $DATA"
  as_pg rm -rf "$DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >&2
fi

if as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  say "the server in $DATA is already running"
else
  # A port taken by another program would make the start fail with an unclear message.
  if (exec 3<>"/dev/tcp/127.0.0.1/$PG_CI_PORT") 2>/dev/null; then
    say "port $PG_CI_PORT on 127.0.0.1 is taken by another program; set PG_CI_PORT"
    exit 1
  fi
  say "starting the server on 127.0.0.1:$PG_CI_PORT"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o "-p $PG_CI_PORT -k $SOCKETS \
    -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=200" >&2 || { tail -n 30 "$LOG" >&2; exit 1; }
fi

for _ in $(seq 1 60); do
  if as_pg "$BIN/pg_isready" -q -h "$SOCKETS" -p "$PG_CI_PORT"; then break; fi
  sleep 0.5
done
as_pg "$BIN/pg_isready" -q -h "$SOCKETS" -p "$PG_CI_PORT" || { say "the server does not answer"; exit 1; }

# CREATEDB: each integration test gets its own database (src/db/testing.ts).
psql_admin <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$DB_USER', '$DB_PASSWORD')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') \gexec
ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
# Extensions such as pg_trgm are the migrations' business: they are trusted, so the database owner
# creates them; pg_trgm only has to be installed (Debian's postgresql package ships contrib).
if ! ls /usr/share/postgresql/*/extension/pg_trgm.control >/dev/null 2>&1; then
  say "warning: the pg_trgm extension is not installed"
fi

say "ready"
echo "TEST_DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_CI_PORT/$DB_NAME"
