#!/usr/bin/env bash
# Runs the console's browser test (e2e/console.e2e.mjs): installs the npm packages and, when
# it is missing, Debian's chromium, then drives the console on a fresh server.
#
#   console/e2e.sh
#   CONSOLE_SCREENSHOTS=docs/console console/e2e.sh   # also refresh the README's screenshots
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
if [ -n "${CONSOLE_SCREENSHOTS:-}" ]; then
  CONSOLE_SCREENSHOTS=$(cd .. && mkdir -p "$CONSOLE_SCREENSHOTS" && cd "$CONSOLE_SCREENSHOTS" && pwd)
  export CONSOLE_SCREENSHOTS
fi
node e2e/console.e2e.mjs
