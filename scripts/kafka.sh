#!/usr/bin/env bash
# Single-node KRaft Kafka for Postline's tests, run from Maven Central jars (no Docker, no Kafka package).
#
#   bash scripts/kafka.sh start    # fetch jars once, format storage once, start broker, wait until it serves clients
#   bash scripts/kafka.sh stop     # stop the broker started by `start` (no-op when not running)
#   bash scripts/kafka.sh status   # print "running" and exit 0 when the broker answers a client request, else exit 1
#   bash scripts/kafka.sh reset    # stop and delete the broker's data (jars and cluster id are kept)
#
# The broker listens on PLAINTEXT://127.0.0.1:9092 (controller on 127.0.0.1:9093).
#
# Environment:
#   POSTLINE_KAFKA_HOME           cache directory (default: <repo>/.cache/kafka); holds libs/, data/, server.properties,
#                                 cluster.id, kafka.log, kafka.pid
#   POSTLINE_KAFKA_START_TIMEOUT  seconds to wait for the broker to serve clients (default: 60)
#   POSTLINE_KAFKA_HEAP           broker heap (default: 512m)
#   JAVA_HOME                     optional; otherwise `java` from PATH
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"

KAFKA_HOST=127.0.0.1
KAFKA_PORT=9092
CONTROLLER_PORT=9093
BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
NODE_ID=1

START_TIMEOUT="${POSTLINE_KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT=20
HEAP="${POSTLINE_KAFKA_HEAP:-512m}"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
# Small, quick-starting JVMs for the command-line clients (the machine has 2 cores).
TOOL_JVM_OPTS=(-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

resolve_home() {
  local home="${POSTLINE_KAFKA_HOME:-$REPO_ROOT/.cache/kafka}"
  mkdir -p -- "$home" || die "cannot create the Kafka cache directory $home"
  KAFKA_HOME_DIR="$(cd -- "$home" && pwd)"
  LIBS="$KAFKA_HOME_DIR/libs"
  DATA="$KAFKA_HOME_DIR/data"
  CONFIG="$KAFKA_HOME_DIR/server.properties"
  CLIENT_CONFIG="$KAFKA_HOME_DIR/client.properties"
  CLUSTER_ID_FILE="$KAFKA_HOME_DIR/cluster.id"
  PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
  LOG_FILE="$KAFKA_HOME_DIR/kafka.log"
  LOCK_FILE="$KAFKA_HOME_DIR/.lock"
  LIBS_STAMP="$LIBS/.postline-libs"
  FORMAT_STAMP="$DATA/.postline-format"
}

# Serialise start/stop/reset (e.g. two test runners starting Kafka at once). fd 9 is closed for the broker so it
# does not keep the lock.
take_lock() {
  exec 9>"$LOCK_FILE"
  if command -v flock >/dev/null 2>&1; then
    flock -w 180 9 || die "another kafka.sh is still busy with $KAFKA_HOME_DIR (lock $LOCK_FILE)"
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# Jars
# ---------------------------------------------------------------------------------------------------------------
pom_fingerprint() { sha256sum "$POM" | cut -d' ' -f1; }

libs_ready() {
  [[ -f "$LIBS_STAMP" && "$(cat "$LIBS_STAMP")" == "$(pom_fingerprint)" ]] \
    && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null \
    && compgen -G "$LIBS/kafka-tools-*.jar" >/dev/null
}

fetch_libs() {
  if libs_ready; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to fetch the Kafka jars from Maven Central"
  log "fetching Kafka jars from Maven Central into $LIBS ..."
  # A different pom (e.g. another Kafka version) or an interrupted download: start from an empty directory so two
  # versions never end up on one classpath.
  rm -rf -- "$LIBS" "$LIBS.tmp"
  if ! mvn -B -q -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp"; then
    rm -rf -- "$LIBS.tmp"
    die "could not fetch the Kafka jars with Maven (see the output above)"
  fi
  pom_fingerprint >"$LIBS.tmp/.postline-libs"
  mv -- "$LIBS.tmp" "$LIBS"
}

kafka_version() {
  local jar
  jar="$(compgen -G "$LIBS/kafka_2.13-*.jar" | head -n1)"
  jar="${jar##*/kafka_2.13-}"
  printf '%s\n' "${jar%.jar}"
}

# ---------------------------------------------------------------------------------------------------------------
# Configuration and storage
# ---------------------------------------------------------------------------------------------------------------
write_config() {
  local tmp="$CONFIG.tmp"
  cat >"$tmp" <<EOF
# Written by scripts/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=$NODE_ID
controller.quorum.bootstrap.servers=$KAFKA_HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA

num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0

# Single node: internal topics with one replica and min ISR 1. One partition each keeps the first group
# join / transactional producer / share group fast (the default is 50 partitions to create).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
EOF
  mv -- "$tmp" "$CONFIG"

  cat >"$CLIENT_CONFIG" <<EOF
# Used by kafka.sh's readiness check: fail fast instead of retrying for a minute.
request.timeout.ms=5000
default.api.timeout.ms=8000
EOF
}

cluster_id() {
  local cid=""
  if [[ -s "$CLUSTER_ID_FILE" ]]; then cid="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"; fi
  if [[ ! "$cid" =~ ^[A-Za-z0-9_-]{22}$ ]]; then
    cid="$("$JAVA" "${TOOL_JVM_OPTS[@]}" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1 | tr -d '[:space:]')" \
      || die "kafka.tools.StorageTool random-uuid failed"
    [[ "$cid" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka.tools.StorageTool random-uuid printed no Kafka cluster id: '$cid'"
    printf '%s\n' "$cid" >"$CLUSTER_ID_FILE"
  fi
  printf '%s\n' "$cid"
}

meta_value() { sed -n "s/^$1=//p" "$DATA/meta.properties" 2>/dev/null | tail -n1 | tr -d '[:space:]'; }

# The storage is usable when it was formatted by this script for this cluster id, node id and Kafka version.
# Anything else (an older .cache with another cluster id, a half-finished format, a newer Kafka's format) is
# wiped and formatted again: the data is disposable test data.
format_storage() {
  local cid version stamp
  cid="$(cluster_id)"
  version="$(kafka_version)"
  stamp="cluster.id=$cid node.id=$NODE_ID kafka=$version"
  if [[ -f "$DATA/meta.properties" && -f "$FORMAT_STAMP" \
        && "$(meta_value cluster.id)" == "$cid" && "$(meta_value node.id)" == "$NODE_ID" \
        && "$(cat "$FORMAT_STAMP")" == "$stamp" ]]; then
    return 0
  fi
  if [[ -e "$DATA" ]]; then
    log "existing Kafka storage in $DATA does not match ($stamp; found cluster.id=$(meta_value cluster.id) node.id=$(meta_value node.id)); formatting it again"
    rm -rf -- "$DATA"
  fi
  log "formatting Kafka storage (cluster id $cid) ..."
  local out
  if ! out="$("$JAVA" "${TOOL_JVM_OPTS[@]}" -cp "$LIBS/*" kafka.tools.StorageTool format --standalone \
                -t "$cid" -c "$CONFIG" 2>&1)"; then
    printf '%s\n' "$out" >&2
    rm -rf -- "$DATA"
    die "kafka.tools.StorageTool format failed"
  fi
  printf '%s\n' "$stamp" >"$FORMAT_STAMP"
}

# ---------------------------------------------------------------------------------------------------------------
# Process handling
# ---------------------------------------------------------------------------------------------------------------
# True when $1 is a live kafka.Kafka process using this cache's server.properties (guards against pid reuse).
is_our_broker() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *kafka.Kafka* && "$cmdline" == *"$CONFIG"* ]]
}

# Pid of the broker started from this cache, from the pid file or (if that was lost) from /proc.
broker_pid() {
  local pid=""
  if [[ -s "$PID_FILE" ]]; then
    pid="$(tr -d '[:space:]' <"$PID_FILE")"
    if is_our_broker "$pid"; then printf '%s\n' "$pid"; return 0; fi
  fi
  local f
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    if is_our_broker "$pid"; then printf '%s\n' "$pid"; return 0; fi
  done
  return 1
}

# TCP connect with a time limit (a listener that never accepts must not hang the script).
port_open() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' port-check "$1" "$2" >/dev/null 2>&1
}

# A real client round trip (AdminClient listTopics via TopicCommand), not just an open port.
broker_answers() {
  port_open "$KAFKA_HOST" "$KAFKA_PORT" || return 1
  [[ -f "$CLIENT_CONFIG" ]] || write_config
  compgen -G "$LIBS/kafka-tools-*.jar" >/dev/null || return 1
  timeout 30 "$JAVA" "${TOOL_JVM_OPTS[@]}" -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$BOOTSTRAP" --command-config "$CLIENT_CONFIG" --list >/dev/null 2>&1
}

print_log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    # The shutdown that follows a fatal error pushes the cause out of the tail: show the first errors too.
    if grep -qE '\] (ERROR|FATAL) ' -- "$LOG_FILE"; then
      log "first errors in $LOG_FILE:"
      grep -m 5 -A 1 -E '\] (ERROR|FATAL) ' -- "$LOG_FILE" >&2 || true
    fi
    log "last 50 lines of $LOG_FILE:"
    tail -n 50 -- "$LOG_FILE" >&2 || true
  fi
}

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f -- "$PID_FILE"
      print_log_tail
      die "the Kafka broker (pid $pid) exited during startup"
    fi
    if broker_answers; then return 0; fi
    sleep 1
  done
  print_log_tail
  die "Kafka did not accept clients on $BOOTSTRAP within ${START_TIMEOUT}s (broker pid $pid is still running; 'bash scripts/kafka.sh stop' stops it)"
}

# ---------------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------------
cmd_start() {
  local t0=$SECONDS pid
  take_lock
  fetch_libs
  write_config

  if pid="$(broker_pid)"; then
    printf '%s\n' "$pid" >"$PID_FILE"
    if broker_answers; then
      echo "Kafka is already running on $BOOTSTRAP (pid $pid)"
      return 0
    fi
    # Started earlier and still starting up (e.g. by a run that was interrupted): wait for it, don't start another.
    log "Kafka broker already started from $KAFKA_HOME_DIR (pid $pid); waiting until it accepts clients"
    wait_until_ready "$pid"
    echo "Kafka is running on $BOOTSTRAP (pid $pid, ready in $((SECONDS - t0))s)"
    return 0
  fi
  if broker_answers; then
    echo "Kafka is already running on $BOOTSTRAP (not started from $KAFKA_HOME_DIR)"
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT" || port_open "$KAFKA_HOST" "$CONTROLLER_PORT"; then
    die "port $KAFKA_PORT or $CONTROLLER_PORT on $KAFKA_HOST is taken by something that is not a working Kafka broker"
  fi
  rm -f -- "$PID_FILE"

  format_storage

  if [[ -f "$LOG_FILE" ]]; then mv -f -- "$LOG_FILE" "$LOG_FILE.prev"; fi
  log "starting Kafka $(kafka_version) on $BOOTSTRAP (log: $LOG_FILE)"
  # setsid: the broker survives the caller's terminal / process group (npm, Ctrl-C of a test run).
  # The inner shell writes its own pid and execs java, so the pid file holds the JVM's pid.
  (
    cd -- "$KAFKA_HOME_DIR"
    exec nohup setsid bash -c 'printf "%s\n" "$$" >"$1"; shift; exec "$@"' kafka-start "$PID_FILE" \
      "$JAVA" "-Xms128m" "-Xmx$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
      -Dorg.slf4j.simpleLogger.showDateTime=true "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS" \
      -Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn \
      -cp "$LIBS/*" kafka.Kafka "$CONFIG"
  ) </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local launcher=$!

  # Wait for the pid file written by the launched process.
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PID_FILE" ]] && break
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.1
  done
  pid="$(tr -d '[:space:]' <"$PID_FILE" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    print_log_tail
    die "the Kafka broker did not start (no pid written to $PID_FILE)"
  fi

  wait_until_ready "$pid"
  echo "Kafka $(kafka_version) is running on $BOOTSTRAP (pid $pid, ready in $((SECONDS - t0))s)"
}

cmd_stop() {
  take_lock
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f -- "$PID_FILE"
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      echo "Kafka: no broker started from $KAFKA_HOME_DIR (something else listens on $BOOTSTRAP; left alone)"
    else
      echo "Kafka is not running"
    fi
    return 0
  fi
  log "stopping Kafka broker (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then
    log "Kafka broker (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f -- "$PID_FILE"
  echo "Kafka stopped"
}

cmd_status() {
  if broker_answers; then
    echo "running"
    return 0
  fi
  local pid
  if pid="$(broker_pid)"; then
    echo "not ready (broker pid $pid is running but does not answer on $BOOTSTRAP)"
  else
    echo "stopped"
  fi
  return 1
}

cmd_reset() {
  cmd_stop
  rm -rf -- "$DATA"
  echo "Kafka data in $DATA deleted (jars and cluster id kept)"
}

usage() {
  echo "usage: bash scripts/kafka.sh start|stop|status|reset" >&2
  exit 2
}

main() {
  [[ $# -eq 1 ]] || usage
  command -v "$JAVA" >/dev/null 2>&1 || die "Java 17+ is needed to run Kafka (java not found)"
  resolve_home
  case "$1" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
