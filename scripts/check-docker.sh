#!/usr/bin/env bash
# Checks the container files without a Docker engine: docker-compose.yml must parse and resolve (Debian's
# docker-compose, installed with apt-get when missing), and the Dockerfile's stages must build and start
# (scripts/check-docker-build.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "check-docker: docker-compose is missing; install it (Debian: apt-get install docker-compose)." >&2
    exit 1
  fi
  echo "check-docker: installing Debian's docker-compose with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi

API_KEY=check-docker-key-0123456789 docker-compose -f docker-compose.yml config -q
echo "check-docker: docker-compose.yml is valid"
node -r ts-node/register/transpile-only scripts/check-docker-build.ts
