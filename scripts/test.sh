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
