#!/usr/bin/env bash
# The one command that runs the whole test suite on a fresh machine of this kind.
# It installs whatever the tests need that is missing, then runs cargo.
set -euo pipefail
cd "$(dirname "$0")/.."

# The IETF cookie suite lives beside the checkout, in ../shared (CI puts it there).
if [ ! -d ../shared/conformance/http-state ]; then
  echo "error: ../shared/conformance/http-state is missing; the conformance test needs it" >&2
  exit 1
fi

# The HTML report test and browser mode's tests run headless Chromium (Debian package `chromium`).
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The batch tests need a real PostgreSQL: a throwaway cluster on 127.0.0.1, started as the
# postgres user when we are root (CI), stopped and deleted on exit. CI=true makes the tests fail
# rather than skip when it is unreachable.
if [ -z "${COOKIESCAN_TEST_POSTGRES:-}" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update && apt-get install -y postgresql)
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGDATA=$(mktemp -d /tmp/cookiescan-pg.XXXXXX)
  PGPORT=$((20000 + RANDOM % 20000))
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off" start >/dev/null
  trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null; rm -rf "$PGDATA"' EXIT
  export COOKIESCAN_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PGPORT/postgres"
fi

# Browser mode: autoconsent (runtime) and the consent libraries the tests serve, pinned by
# browser-deps/package-lock.json. Install scripts are not run: none of these needs one.
command -v npm >/dev/null || (apt-get update && apt-get install -y npm)
if [ ! -d browser-deps/node_modules/@duckduckgo/autoconsent ]; then
  npm ci --prefix browser-deps --ignore-scripts --no-audit --no-fund
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# Benchmarks are compiled (and linted) by clippy --all-targets above; run them with cargo bench.
cargo test --locked
