#!/usr/bin/env bash
# Runs every test of the workspace: unit tests, integration tests over real SQLite files and real
# tantivy indexes, the install-crash test, the content checks, and the relevance report, which
# runs last and uncaptured so that its success@5 and MRR figures show in the log.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked -- --skip judged_queries
cargo test -p gati-core --test relevance --locked -- --nocapture judged_queries
