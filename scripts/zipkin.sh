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

log() { printf 'zipkin.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

resolve_home() {
  local home="${POSTLINE_ZIPKIN_HOME:-$REPO_ROOT/.cache/zipkin}"
  mkdir -p -- "$home" || die "cannot create the Zipkin cache directory $home"
  ZIPKIN_HOME_DIR="$(cd -- "$home" && pwd)"
  JAR="$ZIPKIN_HOME_DIR/zipkin-server-$ZIPKIN_VERSION-exec.jar"
  PID_FILE="$ZIPKIN_HOME_DIR/zipkin.pid"
  LOG_FILE="$ZIPKIN_HOME_DIR/zipkin.log"
  LOCK_FILE="$ZIPKIN_HOME_DIR/.lock"
}

# Serialise start/stop (two test runs starting Zipkin at once). fd 9 is closed for the server so it does not
# keep the lock.
take_lock() {
  exec 9>"$LOCK_FILE"
  flock -w 120 9 || die "another zipkin.sh is still busy with $ZIPKIN_HOME_DIR (lock $LOCK_FILE)"
}

fetch_jar() {
  [[ -s "$JAR" ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch $ARTIFACT from Maven Central"
  log "fetching $ARTIFACT from Maven Central into $ZIPKIN_HOME_DIR ..."
  # Into a temporary directory first, so an interrupted download never looks like a jar.
  rm -rf -- "$ZIPKIN_HOME_DIR/download"
  if ! mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$ZIPKIN_HOME_DIR/download"; then
    rm -rf -- "$ZIPKIN_HOME_DIR/download"
    die "could not fetch $ARTIFACT with Maven (see the output above)"
  fi
  mv -- "$ZIPKIN_HOME_DIR/download/${JAR##*/}" "$JAR"
  rm -rf -- "$ZIPKIN_HOME_DIR/download"
}

# True when $1 is a live JVM running this cache's Zipkin jar (guards against pid reuse).
is_our_server() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$JAR"* ]]
}

server_pid() {
  local pid=""
  if [[ -s "$PID_FILE" ]]; then
    pid="$(tr -d '[:space:]' <"$PID_FILE")"
    if is_our_server "$pid"; then printf '%s\n' "$pid"; return 0; fi
  fi
  local f
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    if is_our_server "$pid"; then printf '%s\n' "$pid"; return 0; fi
  done
  return 1
}

port_open() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' port-check "$ZIPKIN_HOST" "$ZIPKIN_PORT" >/dev/null 2>&1
}

# Zipkin's own health check: storage included, so "UP" means spans can be written and read.
server_answers() {
  curl -sf --max-time 3 "$BASE_URL/health" 2>/dev/null | grep -q '"status" *: *"UP"'
}

print_log_tail() {
  [[ -f "$LOG_FILE" ]] || return 0
  log "last 30 lines of $LOG_FILE:"
  tail -n 30 -- "$LOG_FILE" >&2 || true
}

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f -- "$PID_FILE"
      print_log_tail
      die "Zipkin (pid $pid) exited during startup"
    fi
    if server_answers; then return 0; fi
    sleep 0.5
  done
  print_log_tail
  die "Zipkin did not answer $BASE_URL/health within ${START_TIMEOUT}s (pid $pid is still running; 'bash scripts/zipkin.sh stop' stops it)"
}

cmd_start() {
  local t0=$SECONDS pid
  take_lock
  fetch_jar

  if pid="$(server_pid)"; then
    printf '%s\n' "$pid" >"$PID_FILE"
    # Started earlier and perhaps still starting: wait for it rather than start another.
    wait_until_ready "$pid"
    echo "Zipkin is already running on $BASE_URL (pid $pid)"
    return 0
  fi
  if server_answers; then
    echo "Zipkin is already running on $BASE_URL (not started from $ZIPKIN_HOME_DIR)"
    return 0
  fi
  port_open && die "port $ZIPKIN_PORT on $ZIPKIN_HOST is taken by something that is not a working Zipkin"
  rm -f -- "$PID_FILE"

  if [[ -f "$LOG_FILE" ]]; then mv -f -- "$LOG_FILE" "$LOG_FILE.prev"; fi
  log "starting Zipkin $ZIPKIN_VERSION on $BASE_URL (log: $LOG_FILE)"
  # setsid: the server outlives the caller's process group (npm, Ctrl-C of a test run). The inner shell writes
  # its own pid and execs java, so the pid file holds the JVM's pid. Serial GC and C1 only: a small, quick
  # server on a 2-core machine. The Armeria port list is replaced as a whole to bind loopback only.
  (
    cd -- "$ZIPKIN_HOME_DIR"
    export STORAGE_TYPE=mem SELF_TRACING_ENABLED=false
    exec nohup setsid bash -c 'printf "%s\n" "$$" >"$1"; shift; exec "$@"' zipkin-start "$PID_FILE" \
      "$JAVA" -Xms64m "-Xmx$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
      -jar "$JAR" "--armeria.ports[0].ip=$ZIPKIN_HOST" "--armeria.ports[0].port=$ZIPKIN_PORT"
  ) </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local launcher=$!

  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PID_FILE" ]] && break
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.1
  done
  pid="$(tr -d '[:space:]' <"$PID_FILE" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    print_log_tail
    die "Zipkin did not start (no pid written to $PID_FILE)"
  fi

  wait_until_ready "$pid"
  echo "Zipkin $ZIPKIN_VERSION is running on $BASE_URL (pid $pid, ready in $((SECONDS - t0))s); UI: $BASE_URL/zipkin/"
}

cmd_stop() {
  take_lock
  local pid
  if ! pid="$(server_pid)"; then
    rm -f -- "$PID_FILE"
    if port_open; then
      echo "Zipkin: no server started from $ZIPKIN_HOME_DIR (something else listens on $BASE_URL; left alone)"
    else
      echo "Zipkin is not running"
    fi
    return 0
  fi
  log "stopping Zipkin (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then
    log "Zipkin (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f -- "$PID_FILE"
  echo "Zipkin stopped"
}

cmd_status() {
  if server_answers; then
    echo "running"
    return 0
  fi
  local pid
  if pid="$(server_pid)"; then
    echo "not ready (pid $pid is running but $BASE_URL/health does not answer UP)"
  else
    echo "stopped"
  fi
  return 1
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
