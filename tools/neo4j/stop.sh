#!/usr/bin/env bash
# Stops the Neo4j server that tools/neo4j/start.sh started, by the PID it wrote: SIGTERM (the
# server shuts down cleanly and releases its store), then SIGKILL if it has not exited in 60 s.
#   tools/neo4j/stop.sh [--dir D]     (NEO4J_DIR; default tools/neo4j/run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${NEO4J_DIR:-$here/run}"
[ "${1:-}" = "--dir" ] && dir="$2"
pidfile="$dir/neo4j.pid"
if [ ! -f "$pidfile" ]; then
  echo "neo4j: no PID file in $dir: not running" >&2
  exit 0
fi
pid="$(cat "$pidfile")"
# The PID may have been reused since: only signal our server.
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'partnergraph.neo4j.Main'; then
  echo "neo4j: PID $pid is not running the server any more" >&2
  rm -f "$pidfile"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 120); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "neo4j: stopped (PID $pid)" >&2; exit 0; }
  sleep 0.5
done
echo "neo4j: PID $pid did not stop in 60 s: killing it" >&2
kill -KILL "$pid" 2>/dev/null || true
rm -f "$pidfile"
