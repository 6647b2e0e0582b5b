#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard browser test (npm run test:browser) when it is missing.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: $CHROMIUM is missing and installing it needs root." >&2
  echo "install-browser: run 'sudo apt-get update && sudo apt-get install -y chromium' (Debian), or set CHROMIUM_PATH." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: $CHROMIUM is missing and apt-get is not available; install Chromium and set CHROMIUM_PATH." >&2
  exit 1
fi

echo "install-browser: installing Debian's chromium with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null

if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: apt-get finished but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed" >&2
