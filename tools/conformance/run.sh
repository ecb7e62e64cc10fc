#!/usr/bin/env bash
# Starts a PartnerGraph server on 127.0.0.1 with a fresh database and checks it with clients
# no one here wrote (see package.json). Needs node and npm; installs the pinned packages on
# first use.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/graphql-http ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd ../.. && go build -o "$work/partnergraph" ./cmd/partnergraph)
port=$((20000 + RANDOM % 20000))
"$work/partnergraph" --addr "127.0.0.1:$port" --db "$work/pg.db" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
url="http://127.0.0.1:$port/graphql"
node audit.mjs "$url"
if [ -f subscribe.mjs ]; then
  PARTNERGRAPH="$work/partnergraph" DB="$work/pg.db" node subscribe.mjs "$url"
fi
