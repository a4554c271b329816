# Shared by the benchmark scripts (benchmarks/*.sh); sourced, never run.
# Finds the JDK (bin/jdk-home), starts servers on loopback, waits for them, stops every process
# it started by PID, and reads a process's CPU and memory and the machine's CPU steal.
# A script that sources this calls install_cleanup_trap first.

LOADLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA="$("$LOADLAB_ROOT/bin/jdk-home")/bin/java"
JCMD="$(dirname "$JAVA")/jcmd"
CLK_TCK=$(getconf CLK_TCK)
BENCH_JAR="$LOADLAB_ROOT/benchmarks/target/benchmarks.jar"
SERVER_JARS=()
for server in server-threads server-virtual-threads server-async; do
  SERVER_JARS+=("$LOADLAB_ROOT/$server/target/$server.jar")
done
STARTED_PIDS=()
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/loadlab-bench.XXXXXX")

# Every process started here is stopped by PID on exit, Ctrl-C or SIGTERM.
install_cleanup_trap() {
  trap stop_all EXIT
  trap 'stop_all; exit 130' INT
  trap 'stop_all; exit 143' TERM
}

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Stops every process this script started: SIGTERM, then SIGKILL after 15 s. Bound to EXIT/INT/TERM.
stop_all() {
  local pid
  for pid in ${STARTED_PIDS[@]+"${STARTED_PIDS[@]}"}; do
    stop_pid "$pid"
  done
  STARTED_PIDS=()
}

stop_pid() {
  local pid=$1 waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( waited < 150 )); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid did not stop within 15 s of SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

forget_pid() { # after stop_pid: drop it from the list the trap stops
  local pid=$1 kept=() p
  for p in "${STARTED_PIDS[@]}"; do
    [[ "$p" == "$pid" ]] || kept+=("$p")
  done
  STARTED_PIDS=("${kept[@]+"${kept[@]}"}")
}

require_jars() {
  local jar missing=0
  for jar in "$@"; do
    if [[ ! -f "$jar" ]]; then
      echo "missing $jar" >&2
      missing=1
    fi
  done
  if (( missing )); then
    echo "Build first: (cd $LOADLAB_ROOT && mvn -B -q install -DskipTests) && (cd $LOADLAB_ROOT/benchmarks && mvn -B -q -ntp verify)" >&2
    exit 1
  fi
}

# Installs wrk if missing. Another process may hold dpkg's lock: apt waits for it up to 2 min per
# attempt, and we try 5 times.
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  log "wrk not found: installing it with apt-get"
  local attempt
  for attempt in 1 2 3 4 5; do
    if apt-get -o DPkg::Lock::Timeout=120 install -y wrk >"$LOG_DIR/apt.log" 2>&1; then
      return 0
    fi
    if grep -qiE 'lock|Unable to locate' "$LOG_DIR/apt.log"; then
      grep -qi 'Unable to locate' "$LOG_DIR/apt.log" && apt-get -o DPkg::Lock::Timeout=120 update >/dev/null 2>&1 || true
      log "apt-get install wrk failed (attempt $attempt): $(tail -1 "$LOG_DIR/apt.log"); retrying in 10 s"
      sleep 10
    else
      cat "$LOG_DIR/apt.log" >&2
      break
    fi
  done
  echo "could not install wrk; install it (apt-get install -y wrk) and run again" >&2
  exit 1
}

# find_wrk2: sets WRK2 to wrk2's binary (WRK2=/path, benchmarks/target/wrk2/wrk, which
# benchmarks/build-wrk2.sh builds, or wrk2 on PATH), or to "" saying so on stderr.
find_wrk2() {
  if [[ -z ${WRK2:-} && -x $LOADLAB_ROOT/benchmarks/target/wrk2/wrk ]]; then
    WRK2=$LOADLAB_ROOT/benchmarks/target/wrk2/wrk
  fi
  WRK2=${WRK2:-$(command -v wrk2 || true)}
  if [[ -z "$WRK2" || ! -x "$WRK2" ]]; then
    echo "wrk2 not found (WRK2=/path, benchmarks/target/wrk2/wrk or PATH): benchmarks/build-wrk2.sh builds it" >&2
    WRK2=""
  fi
}

# require_free_ports PORT...: exits saying so when something on 127.0.0.1 already listens on one.
require_free_ports() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port on 127.0.0.1 is in use: choose another with PORT=N" >&2
      exit 1
    fi
  done
}

# start_nginx PORT [LOGGED_PORT ARRIVALS_LOG]: one nginx worker process (no master) answering
# 200 "ok" on 127.0.0.1:PORT, and on LOGGED_PORT too when given, where it appends each
# request's arrival time ($msec) to ARRIVALS_LOG (flushed every second). Waits until it answers;
# sets NGINX_PID. Its files are in $LOG_DIR.
start_nginx() {
  local logged=""
  if (( $# == 3 )); then
    logged="server { listen 127.0.0.1:$2; access_log $3 arrivals buffer=64k flush=1s; location / { return 200 'ok'; } }"
  fi
  cat > "$LOG_DIR/nginx.conf" <<CONF
worker_processes 1;
master_process off;
daemon off;
pid $LOG_DIR/nginx.pid;
error_log $LOG_DIR/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  log_format arrivals '\$msec';
  server { listen 127.0.0.1:$1; location / { return 200 'ok'; } }
  $logged
}
CONF
  nginx -c "$LOG_DIR/nginx.conf" -e "$LOG_DIR/error.log" &
  NGINX_PID=$!
  STARTED_PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$1/"
  (( $# < 3 )) || wait_http "http://127.0.0.1:$2/"
}

# start_java NAME ARGS...: starts a JVM on loopback with --port 0, waits for its start line, and
# sets STARTED_PID and STARTED_PORT. Its output goes to $LOG_DIR/NAME.log. With START_NICE set,
# the JVM runs at that nice level (exec'd by nice: STARTED_PID is the JVM's).
start_java() {
  local name=$1 waited=0
  shift
  local logfile="$LOG_DIR/$name.log"
  local niced=()
  [[ -n "${START_NICE:-}" ]] && niced=(nice -n "$START_NICE")
  ${niced[@]+"${niced[@]}"} "$JAVA" "$@" --host 127.0.0.1 --port 0 >"$logfile" 2>&1 &
  STARTED_PID=$!
  STARTED_PIDS+=("$STARTED_PID")
  STARTED_PORT=""
  while [[ -z "$STARTED_PORT" ]]; do
    if ! kill -0 "$STARTED_PID" 2>/dev/null; then
      echo "$name exited before listening:" >&2
      cat "$logfile" >&2
      exit 1
    fi
    if (( waited >= 300 )); then
      echo "$name printed no start line within 30 s:" >&2
      cat "$logfile" >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
    STARTED_PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$logfile" | head -1)
  done
}

# wait_http URL: polls until URL answers 200, for at most 30 s.
wait_http() {
  local url=$1 tries=0
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)" == 200 ]]; do
    tries=$((tries + 1))
    if (( tries >= 150 )); then
      echo "$url did not answer 200 within 30 s" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# steal_ticks: CPU time the hypervisor gave to other machines, all cores, in clock ticks.
# Loopback benchmarks on a shared host read low while it grows; the scripts report it per run.
steal_ticks() {
  awk '/^cpu / { print $9 }' /proc/stat
}

# steal_percent TICKS SECONDS: TICKS of steal as a share of every core's time over SECONDS.
steal_percent() {
  awk -v t="$1" -v s="$2" -v hz="$CLK_TCK" -v n="$(nproc)" 'BEGIN { printf "%.1f", 100 * t / (s * hz * n) }'
}

# CPU time of a process, in clock ticks (utime + stime, fields 14 and 15 of /proc/PID/stat;
# counted after the command name, which may contain spaces).
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat")
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}

# CPU time of the whole machine, in clock ticks (every core's user, nice, system, irq, softirq,
# steal from /proc/stat).
machine_busy_ticks() {
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# CPU seconds of this shell's finished children (wrk, curl...): bash's `times`, second line. Must
# run in the main shell, not in $(...), whose children are its own.
children_cpu_seconds_to() {
  times >"$1"
}
children_cpu_seconds() {
  tail -1 "$1" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } printf "%.2f", s }'
}

# A field of /proc/PID/status, first number: VmRSS (kB), Threads.
proc_status() {
  awk -v key="$2:" '$1 == key { print $2; exit }' "/proc/$1/status" 2>/dev/null || true
}

# Heap used, in MiB, from jcmd GC.heap_info (G1's "... used NNNK" on the heap line); empty on failure.
heap_used_mib() {
  timeout 10 "$JCMD" "$1" GC.heap_info 2>/dev/null \
    | awk '/heap/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); printf "%.0f\n", v / 1024; exit } }' \
    || true
}

# Converts a wrk latency ("812.00us", "1.20ms", "2.01s", "1.00m") to milliseconds.
to_millis() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n = n / 1000; else if (u == "s") n = n * 1000; else if (u == "m") n = n * 60000
    printf "%.2f", n }'
}

# parse_wrk FILE: sets WRK_REQUESTS WRK_RPS WRK_P50 WRK_P99 (ms) WRK_SOCKET_ERRORS WRK_NON2XX.
parse_wrk() {
  local file=$1
  WRK_REQUESTS=$(awk '/requests in/ { print $1; exit }' "$file")
  WRK_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2; exit }' "$file")
  WRK_P50=$(to_millis "$(awk '$1 == "50%" { print $2; exit }' "$file")")
  WRK_P99=$(to_millis "$(awk '$1 == "99%" { print $2; exit }' "$file")")
  WRK_SOCKET_ERRORS=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10; exit }' "$file")
  WRK_SOCKET_ERRORS=${WRK_SOCKET_ERRORS:-0}
  WRK_NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF; exit }' "$file")
  WRK_NON2XX=${WRK_NON2XX:-0}
  WRK_REQUESTS=${WRK_REQUESTS:-0}
  WRK_RPS=${WRK_RPS:-0}
}

# run_wrk OUTFILE WRK_ARGS...: runs wrk in the background (so the trap can stop it) and waits.
run_wrk() {
  local out=$1
  shift
  wrk "$@" >"$out" 2>&1 &
  local pid=$!
  STARTED_PIDS+=("$pid")
  wait "$pid" || { echo "wrk failed:" >&2; cat "$out" >&2; exit 1; }
  forget_pid "$pid"
}

# One Markdown line describing where the figures come from.
environment_line() {
  local jdk cpu wrk_version commit dirty=""
  jdk=$("$JAVA" -version 2>&1 | head -1)
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  wrk_version=$(wrk -v 2>&1 | awk '/^wrk/ { print $2; exit }' || true)
  commit=$(git -C "$LOADLAB_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n "$(git -C "$LOADLAB_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
    dirty=" (+ uncommitted changes)"
  fi
  echo "JDK: $jdk; cores: $(nproc); CPU: $cpu; wrk: ${wrk_version:-unknown}; date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $commit$dirty; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
