#!/usr/bin/env bash
# Builds the `gati` command, checks and builds the bundled resource pack from content/, installs
# it into the library (GATI_LIBRARY, or the platform data folder) and searches it.
# Usage: scripts/run.sh [QUERY...]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null || ! command -v cc >/dev/null; then
  echo "Install Rust (https://rustup.rs) and a C compiler first: sudo apt-get install build-essential" >&2
  exit 1
fi
cargo build --release --locked -p gati-cli
gati=target/release/gati
"$gati" validate content
"$gati" pack build content -o target/gati.gatipack
"$gati" install target/gati.gatipack
"$gati" search "${@:-waiting for an autism assessment}"
