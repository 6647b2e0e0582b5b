#!/bin/sh
# server-queue container entry point: `api` (default), `worker`, `all` (what npm start runs) or `sim`.
set -e
run() {
  exec node --enable-source-maps -r ts-node/register/transpile-only "$@"
}
command="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$command" in
  api) run src/api/main.ts "$@" ;;
  worker) run src/worker/main.ts "$@" ;;
  all) run src/main.ts "$@" ;;
  sim) run sim/src/main.ts "$@" ;;
  *) exec "$command" "$@" ;;
esac
