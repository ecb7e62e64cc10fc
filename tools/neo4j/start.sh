#!/usr/bin/env bash
# Starts a Neo4j Community server (tools/neo4j, embedded DBMS with Bolt) in the background and
# prints its connection as shell assignments, for example:
#
#   eval "$(tools/neo4j/start.sh)"          # NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE
#   go test ./store/neo4jstore/
#   tools/neo4j/stop.sh
#
# Options (or environment):
#   --port N | --port A-B   NEO4J_PORT    Bolt port on 127.0.0.1, or the first free one in A-B (7687)
#   --dir D                 NEO4J_DIR     home of the server: data, logs, PID and env files
#                                         (tools/neo4j/run; it keeps its data between runs)
#   --timeout S             NEO4J_START_TIMEOUT  seconds to wait for Bolt (180)
#   NEO4J_PASSWORD   password of the neo4j user (partnergraph-dev; 8 characters or more)
#   NEO4J_HEAP       JVM heap (1g)     NEO4J_PAGECACHE_MB  page cache in MiB (256)
#   NEO4J_JAVA       java to run it with (JAVA_HOME/bin/java, else java on PATH)
#   NEO4J_VERSION    Neo4j version to build with (the pom's pinned 5.26 LTS); "calendar" is the
#                    calendar release pinned in pom.xml (neo4j.calendar.version; Java 21+)
#
# The first run downloads the jars into Maven's local repository (~200 MB); later runs build
# offline. Messages go to stderr; stdout has only the assignments (also in $NEO4J_DIR/neo4j.env).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

port="${NEO4J_PORT:-7687}"
dir="${NEO4J_DIR:-$here/run}"
timeout="${NEO4J_START_TIMEOUT:-180}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    *) echo "start.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
password="${NEO4J_PASSWORD:-partnergraph-dev}"
heap="${NEO4J_HEAP:-1g}"
pagecache="${NEO4J_PAGECACHE_MB:-256}"
if [ -n "${NEO4J_JAVA:-}" ]; then java="$NEO4J_JAVA"
elif [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"
else java=java; fi

say() { echo "neo4j: $*" >&2; }
if [ "${NEO4J_VERSION:-}" = calendar ]; then
  NEO4J_VERSION=$(sed -n 's:.*<neo4j.calendar.version>\(.*\)</neo4j.calendar.version>.*:\1:p' "$here/pom.xml")
  [ -n "$NEO4J_VERSION" ] || { say "no neo4j.calendar.version in $here/pom.xml"; exit 1; }
fi
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pidfile="$dir/neo4j.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "neo4j: already running (PID $(cat "$pidfile")); stop it with tools/neo4j/stop.sh --dir $dir" >&2
  exit 1
fi

# Build: offline when the local repository already holds every jar, online otherwise. Another
# NEO4J_VERSION builds into a directory of its own; the calendar releases (20xx.*) need Java 21+,
# so Maven then runs on NEO4J_JAVA's JDK.
target="$here/target"
mvnargs=(-B -q -f "$here/pom.xml")
if [ -n "${NEO4J_VERSION:-}" ]; then
  target="$here/target-$NEO4J_VERSION"
  mvnargs+=("-Dneo4j.version=$NEO4J_VERSION" "-Dpg.build.dir=$target")
  [[ "$NEO4J_VERSION" == 20* ]] && mvnargs+=(-Dmaven.compiler.release=21)
fi
mvnargs+=(compile dependency:build-classpath "-Dmdep.outputFile=$target/classpath.txt")
mvnjava=()
[ -n "${NEO4J_JAVA:-}" ] && mvnjava=(env "JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$NEO4J_JAVA")")")")")
if [ ! -f "$target/classpath.txt" ] \
  || [ -n "$(find "$here/pom.xml" "$here/src" -newer "$target/classpath.txt" -print -quit)" ]; then
  say "building tools/neo4j (Neo4j ${NEO4J_VERSION:-as pinned in pom.xml})"
  if ! "${mvnjava[@]}" mvn -o "${mvnargs[@]}" >"$dir/build.log" 2>&1; then
    say "not all jars are in Maven's local repository: downloading them from Maven Central"
    if ! "${mvnjava[@]}" mvn "${mvnargs[@]}" >"$dir/build.log" 2>&1; then
      tail -n 40 "$dir/build.log" >&2
      say "build failed (log: $dir/build.log)"
      exit 1
    fi
  fi
  # The plugin leaves an unchanged class path file alone: mark the build as done.
  touch "$target/classpath.txt"
fi

# Port: a number, or the first free one of a range A-B.
if [[ "$port" == *-* ]]; then
  lo="${port%-*}" hi="${port#*-}" port=""
  for ((p = lo; p <= hi; p++)); do
    if ! listening "$p"; then port="$p"; break; fi
  done
  [ -n "$port" ] || { say "no free port in $lo-$hi"; exit 1; }
elif listening "$port"; then
  say "port $port is already in use on 127.0.0.1"
  exit 1
fi

log="$dir/server.log"
: >"$log"
NEO4J_PASSWORD="$password" nohup "$java" "-Xmx$heap" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
  -cp "$target/classes:$(cat "$target/classpath.txt")" partnergraph.neo4j.Main "$port" "$dir/home" "$pagecache" \
  >"$log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pidfile"

fail() {
  say "$1"
  if grep -qE 'Exception|Error' "$log"; then
    say "the server's error:"
    grep -m 5 -E '^[^[:space:]].*(Exception|Error)|^Caused by' "$log" | sed 's/^/  | /' >&2
  fi
  say "last lines of $log:"
  tail -n 15 "$log" | sed 's/^/  | /' >&2
  if [ -f "$dir/home/logs/debug.log" ]; then
    say "last errors of $dir/home/logs/debug.log:"
    grep -E 'ERROR|WARN' "$dir/home/logs/debug.log" | tail -n 10 | sed 's/^/  | /' >&2 || true
  fi
  if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
  exit 1
}

# "ready" is printed after a statement ran; then Bolt must accept connections.
deadline=$((SECONDS + timeout))
until grep -q '^ready' "$log" && listening "$port"; do
  kill -0 "$pid" 2>/dev/null || fail "the server exited before it was ready"
  [ "$SECONDS" -lt "$deadline" ] || fail "Bolt did not answer on 127.0.0.1:$port within ${timeout}s"
  sleep 0.5
done

env="$dir/neo4j.env"
umask 077
cat >"$env" <<ENV
NEO4J_URI=bolt://127.0.0.1:$port
NEO4J_USERNAME=neo4j
NEO4J_PASSWORD=$password
NEO4J_DATABASE=neo4j
NEO4J_PID=$pid
ENV
say "$(grep '^ready' "$log") PID $pid, home $dir/home (stop: tools/neo4j/stop.sh --dir $dir)"
sed 's/^/export /' "$env"
