#!/usr/bin/env bash
# Lints every .cypher file under store/neo4jstore with Neo4j's own Cypher parser and semantic
# analyser, offline (no server). Needs node and npm; installs the pinned package on first use.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/@neo4j-cypher/language-support ]; then
  # The package declares node >= 24 but runs on node 20; the engines warning is expected.
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node lint.mjs "$@"
