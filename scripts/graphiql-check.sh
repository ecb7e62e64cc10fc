#!/usr/bin/env bash
# Opens GraphiQL in headless Chromium, twice:
# - web/graphiql's TestRendersInChromium: the embedded page against a stub
#   GraphQL endpoint; GraphiQL started (its DOM is there) and fetched the schema;
# - graph's TestGraphiQLInChromium: the real handler in development mode over the
#   example network; GraphiQL's own introspection query passes the server's limits
#   and its documentation explorer lists Query.
# Both fail on a Content-Security-Policy violation or an uncaught error, and fail
# (not skip) when chromium is missing.
#
# This script installs Debian's chromium when it is missing and runs both tests.
#
# Usage: scripts/graphiql-check.sh
#        GRAPHIQL_SCREENSHOT=/tmp/graphiql.png scripts/graphiql-check.sh   # also save a 1280x800 screenshot
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

# A -run pattern that matches nothing passes: check that each test ran and passed.
check() {
	local test=$1 pkg=$2 out
	out=$(mktemp)
	if ! GRAPHIQL_CHROMIUM=1 go test -count=1 -run "^$test\$" -v "$pkg" 2>&1 | tee "$out"; then
		rm -f "$out"
		exit 1
	fi
	if ! grep -q -- "--- PASS: $test " "$out"; then
		echo "$test did not run and pass" >&2
		rm -f "$out"
		exit 1
	fi
	rm -f "$out"
}
check TestRendersInChromium ./web/graphiql/
check TestGraphiQLInChromium ./graph/
