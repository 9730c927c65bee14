#!/usr/bin/env bash
# A local Zipkin server for Postline's trace tests and for looking at the monitoring example's traces, run from
# the Maven Central jar (no Docker).
#
#   bash scripts/zipkin.sh start    # fetch the jar once, start Zipkin, wait until it answers /health
#   bash scripts/zipkin.sh stop     # stop the server started by `start` (no-op when not running)
#   bash scripts/zipkin.sh status   # print "running" and exit 0 when Zipkin answers, else exit 1
#
# Zipkin listens on http://127.0.0.1:9411 (UI at /zipkin/, API at /api/v2/) and keeps spans in memory only:
# a restart forgets every trace.
#
# Environment:
#   POSTLINE_ZIPKIN_HOME           cache directory (default: <repo>/.cache/zipkin); holds the jar, zipkin.log, zipkin.pid
#   POSTLINE_ZIPKIN_START_TIMEOUT  seconds to wait for Zipkin to answer (default: 60)
#   POSTLINE_ZIPKIN_HEAP           heap (default: 256m; the in-memory store keeps at most 500 000 spans)
#   JAVA_HOME                      optional; otherwise `java` from PATH
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"

ZIPKIN_VERSION=3.6.1
ARTIFACT="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec"
ZIPKIN_HOST=127.0.0.1
ZIPKIN_PORT=9411
BASE_URL="http://$ZIPKIN_HOST:$ZIPKIN_PORT"

START_TIMEOUT="${POSTLINE_ZIPKIN_START_TIMEOUT:-60}"
STOP_TIMEOUT=15
HEAP="${POSTLINE_ZIPKIN_HEAP:-256m}"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

# shellcheck source=scripts/lib/jvm-service.sh
source "$SCRIPT_DIR/lib/jvm-service.sh"
SERVICE=Zipkin
ADDRESS="$BASE_URL"
HOST="$ZIPKIN_HOST"
PORT="$ZIPKIN_PORT"

resolve_home() {
  local home="${POSTLINE_ZIPKIN_HOME:-$REPO_ROOT/.cache/zipkin}"
  mkdir -p -- "$home" || die "cannot create the Zipkin cache directory $home"
  HOME_DIR="$(cd -- "$home" && pwd)"
  JAR="$HOME_DIR/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  PID_FILE="$HOME_DIR/zipkin.pid"
  LOG_FILE="$HOME_DIR/zipkin.log"
  LOCK_FILE="$HOME_DIR/.lock"
}

fetch_jar() {
  [[ -s "$JAR" ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch $ARTIFACT from Maven Central"
  log "fetching $ARTIFACT from Maven Central into $HOME_DIR ..."
  # Into a temporary directory first, so an interrupted download never looks like a jar.
  rm -rf -- "$HOME_DIR/download"
  if ! mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$HOME_DIR/download"; then
    rm -rf -- "$HOME_DIR/download"
    die "could not fetch $ARTIFACT with Maven (see the output above)"
  fi
  mv -- "$HOME_DIR/download/${JAR##*/}" "$JAR"
  rm -rf -- "$HOME_DIR/download"
}

# A live JVM running this cache's Zipkin jar.
service_is_ours() {
  local cmdline
  cmdline="$(cmdline_of "$1")" || return 1
  [[ "$cmdline" == *"$JAR"* ]]
}

# Zipkin's own health check: storage included, so "UP" means spans can be written and read.
service_answers() {
  curl -sf --max-time 3 "$BASE_URL/health" 2>/dev/null | grep -q '"status" *: *"UP"'
}

service_ready_hint() { echo "answer UP on $BASE_URL/health"; }

cmd_start() {
  local t0=$SECONDS pid
  take_lock
  fetch_jar
  reuse_running && return 0
  port_open && die "port $ZIPKIN_PORT on $ZIPKIN_HOST is taken by something that is not a working Zipkin"

  log "starting Zipkin $ZIPKIN_VERSION on $BASE_URL (log: $LOG_FILE)"
  # In-memory storage, no self-tracing; serial GC and C1 only: a small, quick server on a 2-core machine. The
  # Armeria port list is replaced as a whole to bind loopback only.
  pid="$(STORAGE_TYPE=mem SELF_TRACING_ENABLED=false launch_detached \
    "$JAVA" -Xms64m "-Xmx$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -jar "$JAR" "--armeria.ports[0].ip=$ZIPKIN_HOST" "--armeria.ports[0].port=$ZIPKIN_PORT")"
  wait_until_ready "$pid"
  echo "Zipkin $ZIPKIN_VERSION is running on $BASE_URL (pid $pid, ready in $((SECONDS - t0))s); UI: $BASE_URL/zipkin/"
}

usage() {
  echo "usage: bash scripts/zipkin.sh start|stop|status" >&2
  exit 2
}

main() {
  [[ $# -eq 1 ]] || usage
  command -v "$JAVA" >/dev/null 2>&1 || die "Java 17+ is needed to run Zipkin (java not found)"
  command -v curl >/dev/null 2>&1 || die "curl is needed to check that Zipkin answers"
  resolve_home
  case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) usage ;;
  esac
}

main "$@"
