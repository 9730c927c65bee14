# shellcheck shell=bash
# The process handling that scripts/kafka.sh and scripts/zipkin.sh share: a JVM server started detached from
# the caller, found again by its pid file (or /proc when that was lost), waited for until it really answers,
# and stopped with TERM then KILL. Sourced, not run.
#
# The sourcing script sets, before calling these:
#   SERVICE        the name in messages ("Kafka", "Zipkin")
#   ADDRESS        where it listens, in messages ("127.0.0.1:9092")
#   HOST PORT      the port that tells whether something else already listens
#   HOME_DIR PID_FILE LOG_FILE LOCK_FILE START_TIMEOUT STOP_TIMEOUT
# and defines:
#   service_is_ours PID   true when PID runs this cache's server (guards against pid reuse)
#   service_answers       true when the server does its job (a real client round trip, not just a port)
#   service_ready_hint    what "answers" means, for the time-out message

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Serialise start/stop (two test runs at once). fd 9 is closed for the server so that it does not keep the lock.
take_lock() {
  exec 9>"$LOCK_FILE"
  if command -v flock >/dev/null 2>&1; then
    flock -w 180 9 || die "another ${0##*/} is still busy with $HOME_DIR (lock $LOCK_FILE)"
  fi
}

# A process's command line, for service_is_ours.
cmdline_of() {
  [[ "$1" =~ ^[0-9]+$ && -r "/proc/$1/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null
}

# Pid of the server started from this cache, from the pid file or (if that was lost) from /proc.
service_pid() {
  local pid=""
  if [[ -s "$PID_FILE" ]]; then
    pid="$(tr -d '[:space:]' <"$PID_FILE")"
    if service_is_ours "$pid"; then printf '%s\n' "$pid"; return 0; fi
  fi
  local f
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    if service_is_ours "$pid"; then printf '%s\n' "$pid"; return 0; fi
  done
  return 1
}

# TCP connect with a time limit (a listener that never accepts must not hang the script).
port_open() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' port-check "${1:-$HOST}" "${2:-$PORT}" >/dev/null 2>&1
}

print_log_tail() {
  [[ -f "$LOG_FILE" ]] || return 0
  # The shutdown that follows a fatal error pushes the cause out of the tail: show the first errors too.
  if grep -qE '\] (ERROR|FATAL) | ERROR ' -- "$LOG_FILE"; then
    log "first errors in $LOG_FILE:"
    grep -m 5 -A 1 -E '\] (ERROR|FATAL) | ERROR ' -- "$LOG_FILE" >&2 || true
  fi
  log "last 40 lines of $LOG_FILE:"
  tail -n 40 -- "$LOG_FILE" >&2 || true
}

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f -- "$PID_FILE"
      print_log_tail
      die "$SERVICE (pid $pid) exited during startup"
    fi
    if service_answers; then return 0; fi
    sleep 0.5
  done
  print_log_tail
  die "$SERVICE did not $(service_ready_hint) within ${START_TIMEOUT}s (pid $pid is still running; 'bash scripts/${0##*/} stop' stops it)"
}

# Starts `$@` (the java command line) in $HOME_DIR, detached from the caller's process group (npm, Ctrl-C of a
# test run) with setsid; the inner shell writes its own pid and execs java, so the pid file holds the JVM's pid.
# Prints that pid.
launch_detached() {
  if [[ -f "$LOG_FILE" ]]; then mv -f -- "$LOG_FILE" "$LOG_FILE.prev"; fi
  rm -f -- "$PID_FILE"
  (
    cd -- "$HOME_DIR"
    exec nohup setsid bash -c 'printf "%s\n" "$$" >"$1"; shift; exec "$@"' "${0##*/}" "$PID_FILE" "$@"
  ) </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local launcher=$! i pid
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PID_FILE" ]] && break
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.1
  done
  pid="$(tr -d '[:space:]' <"$PID_FILE" 2>/dev/null || true)"
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    print_log_tail
    die "$SERVICE did not start (no pid written to $PID_FILE)"
  fi
  printf '%s\n' "$pid"
}

# The start that finds a server already there: ours (perhaps still starting: wait for it rather than start
# another) or someone else's that works. Returns 1 when a new one must be started.
reuse_running() {
  local pid
  if pid="$(service_pid)"; then
    printf '%s\n' "$pid" >"$PID_FILE"
    wait_until_ready "$pid"
    echo "$SERVICE is already running on $ADDRESS (pid $pid)"
    return 0
  fi
  if service_answers; then
    echo "$SERVICE is already running on $ADDRESS (not started from $HOME_DIR)"
    return 0
  fi
  return 1
}

cmd_stop() {
  take_lock
  local pid
  if ! pid="$(service_pid)"; then
    rm -f -- "$PID_FILE"
    if port_open; then
      echo "$SERVICE: none started from $HOME_DIR (something else listens on $ADDRESS; left alone)"
    else
      echo "$SERVICE is not running"
    fi
    return 0
  fi
  log "stopping $SERVICE (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$SERVICE (pid $pid) did not stop within ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f -- "$PID_FILE"
  echo "$SERVICE stopped"
}

cmd_status() {
  if service_answers; then
    echo "running"
    return 0
  fi
  local pid
  if pid="$(service_pid)"; then
    echo "not ready (pid $pid is running but does not $(service_ready_hint))"
  else
    echo "stopped"
  fi
  return 1
}
