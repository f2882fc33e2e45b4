#!/usr/bin/env bash
# Builds the pack bundled with the desktop app from content/, validating it on the way.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --locked -p gati-cli -- pack build content -o src-tauri/resources/gati.gatipack
