#!/usr/bin/env bash
# Starts a PartnerGraph server on 127.0.0.1 with a fresh database and checks it with clients
# no one here wrote (see package.json). Needs node and npm; installs the pinned packages on
# first use.
#
#   tools/conformance/run.sh                  # on a new SQLite file
#   tools/conformance/run.sh --store neo4j    # on the Neo4j of NEO4J_URI (etc.), which it EMPTIES
#                                             # first (a server on 127.0.0.1 only)
set -euo pipefail
cd "$(dirname "$0")"
store=sqlite
case "${1:-}" in
  "") ;;
  --store) store="${2:?--store sqlite or neo4j}" ;;
  *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
esac
case "$store" in
  sqlite|neo4j) ;;
  *) echo "run.sh: --store sqlite or neo4j, not $store" >&2; exit 2 ;;
esac
echo "conformance clients on the $store store"
if [ ! -d node_modules/graphql-http ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd ../.. && go build -o "$work/partnergraph" ./cmd/partnergraph)
if [ "$store" = neo4j ]; then
  # The server seeds the example network only into an empty database. (--db still names
  # where the development token secret lives.)
  (cd ../.. && go run ./store/neo4jstore/neo4jtest/wipe)
fi
port=$((20000 + RANDOM % 20000))
"$work/partnergraph" --addr "127.0.0.1:$port" --store "$store" --db "$work/pg.db" >"$work/server.log" 2>&1 &
pid=$!
# Neo4j: opening the store (connecting, the migration lease) and seeding take longer.
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "run.sh: the server exited" >&2; exit 1; }
  sleep 0.1
done
url="http://127.0.0.1:$port/graphql"
node audit.mjs "$url"
if [ -f subscribe.mjs ]; then
  PARTNERGRAPH="$work/partnergraph" DB="$work/pg.db" node subscribe.mjs "$url"
fi
