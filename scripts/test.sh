#!/usr/bin/env bash
# Runs every test: the UI's type check, the workspace's unit and integration tests (real SQLite
# files, real tantivy indexes, the install-crash test, the content checks, the IPC bindings), the
# relevance report, and the end-to-end journeys in the real app window under a virtual display.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests
scripts/build-app.sh --for-tests

echo "== UI type check"
npm run --prefix ui --silent check

# Every cargo command here selects the whole workspace, so that features resolve the same way
# each time and no crate is compiled twice.
echo "== workspace tests"
cargo test --workspace --locked -- --skip judged_queries

echo "== relevance"
cargo test --workspace --test integration --locked -- --nocapture judged_queries

echo "== end-to-end, in the real window"
# A second line of defence behind the tests' own timeouts: nothing may hang CI.
timeout 900 xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --workspace --test e2e --locked -- --ignored --test-threads=1
