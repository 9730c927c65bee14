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

# shellcheck source=scripts/lib/jvm-service.sh
source "$SCRIPT_DIR/lib/jvm-service.sh"
SERVICE=Kafka
ADDRESS="$BOOTSTRAP"
HOST="$KAFKA_HOST"
PORT="$KAFKA_PORT"

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
  HOME_DIR="$KAFKA_HOME_DIR"
  LIBS_STAMP="$LIBS/.postline-libs"
  FORMAT_STAMP="$DATA/.postline-format"
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
# A live kafka.Kafka process using this cache's server.properties.
service_is_ours() {
  local cmdline
  cmdline="$(cmdline_of "$1")" || return 1
  [[ "$cmdline" == *kafka.Kafka* && "$cmdline" == *"$CONFIG"* ]]
}

# A real client round trip (AdminClient listTopics via TopicCommand), not just an open port.
service_answers() {
  port_open "$KAFKA_HOST" "$KAFKA_PORT" || return 1
  [[ -f "$CLIENT_CONFIG" ]] || write_config
  compgen -G "$LIBS/kafka-tools-*.jar" >/dev/null || return 1
  timeout 30 "$JAVA" "${TOOL_JVM_OPTS[@]}" -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$BOOTSTRAP" --command-config "$CLIENT_CONFIG" --list >/dev/null 2>&1
}

service_ready_hint() { echo "accept clients on $BOOTSTRAP"; }

# ---------------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------------
cmd_start() {
  local t0=$SECONDS pid
  take_lock
  fetch_libs
  write_config
  reuse_running && return 0
  if port_open "$KAFKA_HOST" "$KAFKA_PORT" || port_open "$KAFKA_HOST" "$CONTROLLER_PORT"; then
    die "port $KAFKA_PORT or $CONTROLLER_PORT on $KAFKA_HOST is taken by something that is not a working Kafka broker"
  fi

  format_storage

  log "starting Kafka $(kafka_version) on $BOOTSTRAP (log: $LOG_FILE)"
  pid="$(launch_detached \
    "$JAVA" "-Xms128m" "-Xmx$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.showDateTime=true "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS" \
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG")"
  wait_until_ready "$pid"
  echo "Kafka $(kafka_version) is running on $BOOTSTRAP (pid $pid, ready in $((SECONDS - t0))s)"
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
