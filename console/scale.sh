#!/usr/bin/env bash
# Measures the console's trust graph at a few thousand businesses drawn (e2e/scale.mjs): a
# synthetic network of SCALE_N businesses (default 100,000), expansions up to the drawing's
# cap, the time per expansion and the page's heap. Not part of CI: it prints figures.
#
#   console/scale.sh
#   SCALE_N=20000 console/scale.sh
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node e2e/scale.mjs
