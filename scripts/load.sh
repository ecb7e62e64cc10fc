#!/usr/bin/env bash
# Load check on 127.0.0.1: starts a server with a fresh database (the example network), drives
# read queries with hey (Debian package, installed if missing), then the lead path with the
# binary's own open-loop client (bench-leads). Bounded in count and time; stops by itself.
#
# Usage: scripts/load.sh [seconds per step, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
if ! command -v hey >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" != 0 ] && sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hey
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/partnergraph" ./cmd/partnergraph
port=$((20000 + RANDOM % 20000))
"$work/partnergraph" --addr "127.0.0.1:$port" --db "$work/pg.db" --dev=false --rate-limit-cost-per-second 0 >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
url="http://127.0.0.1:$port/graphql"

echo "== a page of 20 businesses with services, networks and trust counts (hey, 32 connections, ${secs}s)"
hey -z "${secs}s" -c 32 -m POST -T application/json \
  -d '{"query":"{ businesses(first: 20) { edges { node { name services { slug } memberships { network { name } } trustCounts { trusts trustedBy } } } } }"}' \
  "$url" | grep -E "Requests/sec|Average|50%|99%|\[2..\]|\[4..\]|\[5..\]"

echo "== the lead path: submitLead → offer on a websocket subscription (bench-leads, ${secs}s per rate)"
"$work/partnergraph" bench-leads --rates 100,500,1000 --duration "${secs}s"
