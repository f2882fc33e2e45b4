#!/usr/bin/env bash
# Installs what building GATI Desktop needs on Debian or Ubuntu: the WebKitGTK development files,
# the UI's npm packages and, with --for-tests, a virtual display, WebKitWebDriver and tauri-driver
# for the end-to-end tests. Without root or password-less sudo it prints exactly what to install.
# Usage: scripts/setup.sh [--for-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential pkg-config libwebkit2gtk-4.1-dev)
if [[ "${1:-}" == "--for-tests" ]]; then
  packages+=(xvfb xauth webkit2gtk-driver)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing Debian packages: ${missing[*]}"
  if [[ "$(id -u)" == 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "Please install these packages first, then run this again:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

for tool in cargo cc node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "GATI Desktop needs $tool: install Rust from https://rustup.rs and Node.js 20 or later." >&2
    exit 1
  fi
done

# The UI's packages, exactly as locked; skipped when they are already in place.
if [[ ! -f ui/node_modules/.package-lock.json || ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
  echo "== installing the UI's npm packages"
  npm ci --prefix ui --no-audit --no-fund
fi

# tauri-driver at the version the end-to-end tests were written against; `cargo install` skips
# the build when that version is already installed.
TAURI_DRIVER_VERSION=2.1.0
if [[ "${1:-}" == "--for-tests" ]] && ! grep -qs "tauri-driver $TAURI_DRIVER_VERSION " "${CARGO_HOME:-$HOME/.cargo}/.crates.toml"; then
  echo "== installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --locked --version "=$TAURI_DRIVER_VERSION"
fi
