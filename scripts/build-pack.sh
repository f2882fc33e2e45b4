#!/usr/bin/env bash
# Builds the pack bundled with the desktop app from content/, validating it on the way.
# Usage: scripts/build-pack.sh [--for-tests]
#
# With --for-tests the `gati` binary comes from the tests' own build of the whole workspace.
# Cargo resolves features per selection of packages, and the workspace's tests (the desktop shell
# and its dev-dependencies among them) turn on features that `gati` alone does not; building `gati`
# alone first would compile most shared crates twice. See docs/performance.md, "A faster CI".
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--for-tests" ]]; then
  cargo test --workspace --locked --no-run --test integration
else
  cargo build --locked -p gati-cli
fi
# The bundled pack is signed with the development key, whose public half is in content/keys/ and
# whose secret half, with its passphrase, is in the repository on purpose (tests/keys/README.md):
# a publisher signs real packs with their own key, kept elsewhere.
GATI_KEY_PASSWORD="${GATI_KEY_PASSWORD:-gati-dev}" "${CARGO_TARGET_DIR:-target}/debug/gati" \
  pack build content -o src-tauri/resources/gati.gatipack --sign "${GATI_SIGNING_KEY:-tests/keys/gati-dev.key}"
