#!/usr/bin/env bash
# Builds GATI Desktop and runs it with the pack built from content/, which it installs into the
# library (GATI_LIBRARY, or the platform data folder) on its first start.
# Usage: scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-app.sh
cargo build --release --locked -p gati-desktop
exec target/release/gati-desktop
