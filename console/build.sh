#!/usr/bin/env bash
# Rebuilds the console into web/console/dist, which is committed and embedded in the binary.
#
#   console/build.sh           # npm ci when node_modules is missing, then vite build
#   console/build.sh --check   # rebuild, and fail if the committed build differs (CI)
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x node_modules/.bin/vite ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx vite build --logLevel warn
if [ "${1:-}" = --check ]; then
  cd ..
  if [ -n "$(git status --porcelain -- web/console/dist)" ]; then
    git status --porcelain -- web/console/dist
    echo "the committed console build is stale: run console/build.sh and commit web/console/dist" >&2
    exit 1
  fi
fi
