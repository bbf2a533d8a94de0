#!/usr/bin/env bash
# tools/pg-ci.sh -- a throw-away PostgreSQL server for the database GLM tests
# (tests/testthat/test-glm-db.R), sourced by .ci/run:
#   pg_ci_start   installs Debian's postgresql when missing (apt; skipped
#                 quietly if apt cannot reach its mirror), creates a data
#                 directory under /tmp, starts the server on loopback only
#                 (127.0.0.1, port $NEWTONR_PG_PORT or 55432) as the
#                 'postgres' user when run as root, and exports
#                 NEWTONR_PG_HOST/PORT/USER/DB for the tests;
#   pg_ci_stop    stops it and deletes the data directory.
# Never fails the caller: without a server the tests skip and say why.

pg_ci_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}

pg_ci_as() {  # run a command as the server's user
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_ci_start() {
  local bin port dir
  bin=$(pg_ci_bin)
  if [ -z "$bin" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "== pg-ci: installing postgresql (apt)"
    timeout 600 apt-get install -y -q postgresql >/dev/null 2>&1 ||
      { timeout 300 apt-get update -q >/dev/null 2>&1 &&
        timeout 600 apt-get install -y -q postgresql >/dev/null 2>&1; } ||
      echo "== pg-ci: apt could not install postgresql; the PostgreSQL tests will skip"
    bin=$(pg_ci_bin)
  fi
  [ -n "$bin" ] || { echo "== pg-ci: no PostgreSQL; its tests will skip"; return 0; }
  port=${NEWTONR_PG_PORT:-55432}
  # a port nobody listens on (a server left by an interrupted run keeps its own)
  while (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && [ "$port" -lt 55452 ]; do
    port=$((port + 1))
  done
  dir=$(mktemp -d /tmp/newtonr-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if ! pg_ci_as "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1; then
    echo "== pg-ci: initdb failed (see below); the PostgreSQL tests will skip"; tail -n 5 "$dir/initdb.log"
    rm -rf "$dir"; return 0
  fi
  if ! pg_ci_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null 2>&1; then
    echo "== pg-ci: the server did not start; the PostgreSQL tests will skip"; tail -n 5 "$dir/server.log"
    rm -rf "$dir"; return 0
  fi
  export NEWTONR_PG_HOST=127.0.0.1 NEWTONR_PG_PORT=$port NEWTONR_PG_USER=postgres NEWTONR_PG_DB=postgres
  PG_CI_DIR=$dir
  PG_CI_BIN=$bin
  echo "== pg-ci: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

pg_ci_stop() {
  [ -n "${PG_CI_DIR:-}" ] || return 0
  pg_ci_as "$PG_CI_BIN/pg_ctl" -D "$PG_CI_DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PG_CI_DIR"
  PG_CI_DIR=
  echo "== pg-ci: PostgreSQL stopped"
}
