#!/usr/bin/env bash
# Builds what the desktop app embeds: the bundled pack from content/ and the front end in ui/dist.
# Both must exist before the app (or clippy over it) compiles.
# Usage: scripts/build-app.sh [--for-tests]   (passed on to build-pack.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-pack.sh "$@"
npm run --prefix ui --silent build
