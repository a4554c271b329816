#!/usr/bin/env bash
# What the netty open loop's wake-up grid (the client's --wake-grid) costs and buys, next to
# wrk2 at the same rate, against nginx on loopback, in interleaved rounds.
#
#   benchmarks/wake-grid.sh            (build first: mvn -B -q -DskipTests package)
#
# Needs nginx (Debian nginx-light) and wrk2 (WRK2=/path, benchmarks/target/wrk2/wrk, which
# benchmarks/build-wrk2.sh builds from github.com/giltene/wrk2, or PATH). Targets 127.0.0.1
# only, is bounded in time (about 35 s per run, GRIDS + 1 runs per round, plus up to QUIET_WAIT
# s before each), and stops every process it started by PID, on exit and on Ctrl-C.
#
# Each round runs wrk2 -t1 -cCONNECTIONS -R RATE, then the client's open loop at the same rate
# over as many connections with each --wake-grid of GRIDS. Every run lasts 30 s; its figures are
# the same 10 s window of every tool (from 13 s after its start, after the client's 10 s warm-up
# and its JIT): its CPU (utime + stime) per 10k requests, the context switches of all its threads
# per request (each one a sleep and a wake-up, or a preemption), and the machine's steal in the
# window; and the client's own dispatch-lag p99 over its measured 20 s. Before each run it waits
# up to QUIET_WAIT s for 5 s of a quiet machine (under 3% busy, under 1% steal). At the end, per
# round, each grid's CPU as a ratio to wrk2's of the same round, and their median.
#
# Environment: PORT (18070), RATE (20000), CONNECTIONS (100), GRIDS ("500us 1ms 5ms"),
# ROUNDS (3), QUIET_WAIT (180), WRK2, CLIENT_JVM_FLAGS (the flags client/README.md recommends).
set -euo pipefail

PORT=${PORT:-18070}
RATE=${RATE:-20000}
CONNECTIONS=${CONNECTIONS:-100}
read -r -a GRIDS <<< "${GRIDS:-500us 1ms 5ms}"
ROUNDS=${ROUNDS:-3}
QUIET_WAIT=${QUIET_WAIT:-180}
read -r -a CLIENT_FLAGS <<< "${CLIENT_JVM_FLAGS:--XX:+UseSerialGC -Xms512m -Xmn256m}"
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/bench-lib.sh"
install_cleanup_trap
JAR="$LOADLAB_ROOT/client/target/client.jar"
URL="http://127.0.0.1:$PORT/"
WORK=$LOG_DIR
RUN_SECONDS=30
WINDOW_START=13
WINDOW=10

command -v nginx >/dev/null || { echo "needs nginx: apt-get install -y nginx-light" >&2; exit 1; }
[[ -f "$JAR" ]] || { echo "missing $JAR: build first (mvn -B -q -DskipTests package)" >&2; exit 1; }
find_wrk2
[[ -n "$WRK2" ]] || exit 1
require_free_ports "$PORT"
start_nginx "$PORT"
echo "$(environment_line); wrk2: $WRK2; $RATE req/s over $CONNECTIONS connections"

# Waits up to QUIET_WAIT s for 5 s in which the machine was under 3% busy and 1% steal.
await_quiet() {
  local deadline=$((SECONDS + QUIET_WAIT)) busy steal total b s t
  while (( SECONDS < deadline )); do
    read -r busy steal total <<< "$(machine_ticks)"
    sleep 5
    read -r b s t <<< "$(machine_ticks)"
    (( (b - busy) * 100 < 3 * (t - total) && (s - steal) * 100 < (t - total) )) && return 0
  done
  log "the machine was not quiet within $QUIET_WAIT s: running anyway (see the run's steal)"
}
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }

# Context switches of every thread of a process, voluntary and not.
context_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }

# measure_window PID: "CPU-ticks context-switches steal-ticks" of PID over the window.
measure_window() {
  sleep "$WINDOW_START"
  local cpu0 cs0 steal0
  cpu0=$(cpu_ticks "$1"); cs0=$(context_switches "$1"); steal0=$(steal_ticks)
  sleep "$WINDOW"
  echo "$(( $(cpu_ticks "$1") - cpu0 )) $(( $(context_switches "$1") - cs0 )) $(( $(steal_ticks) - steal0 ))"
}

RESULTS=() # "round tool cpu10k"
record() { # ROUND TOOL RPS TICKS SWITCHES STEAL_TICKS EXTRA
  local line
  line=$(awk -v r="$3" -v t="$4" -v c="$5" -v hz="$CLK_TCK" -v w="$WINDOW" 'BEGIN {
    n = r * w; printf "%.3f %.3f", t / hz * 10000 / n, c / n }')
  RESULTS+=("$1 $2 ${line%% *}")
  printf '  %-10s %8.0f req/s  CPU-s/10k %s  context switches per request %s  steal %s%%  %s\n' "$2" "$3" \
    "${line%% *}" "${line##* }" "$(steal_percent "$6" "$WINDOW")" "${*:7}"
}

for round in $(seq "$ROUNDS"); do
  echo "== round $round ($(date -u +%H:%M:%S) UTC)"
  await_quiet
  "$WRK2" -t1 -c"$CONNECTIONS" -d"${RUN_SECONDS}s" -R"$RATE" "$URL" > "$WORK/wrk2.txt" 2>&1 &
  pid=$!; STARTED_PIDS+=("$pid")
  read -r ticks switches steal <<< "$(measure_window "$pid")"
  wait "$pid" || { echo "wrk2 failed:" >&2; cat "$WORK/wrk2.txt" >&2; exit 1; }
  forget_pid "$pid"
  parse_wrk "$WORK/wrk2.txt"
  record "$round" wrk2 "$WRK_RPS" "$ticks" "$switches" "$steal"
  for grid in "${GRIDS[@]}"; do
    await_quiet
    out="$WORK/grid-$grid-$round"
    "$JAVA" "${CLIENT_FLAGS[@]}" -jar "$JAR" --url "$URL" --rate "$RATE" --connections "$CONNECTIONS" \
      --warmup 10s --duration 20s --wake-grid "$grid" --quiet --output "$out" > "$out.txt" 2>&1 &
    pid=$!; STARTED_PIDS+=("$pid")
    read -r ticks switches steal <<< "$(measure_window "$pid")"
    wait "$pid" || { echo "client failed:" >&2; cat "$out.txt" >&2; exit 1; }
    forget_pid "$pid"
    lag=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "dispatch_lag_p99_ms") c = i } NR == 2 { print $c }' "$out/result.csv")
    record "$round" "$grid" "$RATE" "$ticks" "$switches" "$steal" "dispatch-lag p99 $lag ms"
  done
done

echo
echo "== CPU per 10k as a ratio to wrk2's of the same round"
printf '%s\n' "${RESULTS[@]}" | awk '
  { cpu[$1, $2] = $3; if ($2 != "wrk2") tools[$2] = 1; if ($1 > rounds) rounds = $1 }
  END {
    for (tool in tools) {
      n = 0; line = ""
      for (r = 1; r <= rounds; r++) { n++; v[n] = cpu[r, tool] / cpu[r, "wrk2"]; line = line sprintf(" %.2f", v[n]) }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      printf "  --wake-grid %-6s per round:%s; median %.2f\n", tool, line, n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
  }' | sort
