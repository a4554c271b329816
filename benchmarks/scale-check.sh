#!/usr/bin/env bash
# 10,000 requests in flight at once: what each server model costs to hold them.
#
# For each server, started with --workers 10000 --queue-capacity 20000: 10,000 concurrent wrk
# connections on loopback, each asking io_ms=2000 (wrk -t2 -c10000 -d15s --timeout 30s). Records
# wrk's errors (socket errors, non-2xx), requests/s (the ideal is 10,000 / 2 s = 5,000), and,
# sampled every second during the run, the server's peak RSS (VmRSS), peak thread count (Threads)
# and peak heap used (jcmd GC.heap_info, every few seconds: jcmd itself costs CPU). The platform-
# thread server starts a thread per request in service, up to 10,000: that is recorded, not hidden.
#
#   benchmarks/scale-check.sh                      # all three, twice: about 3 minutes
#   benchmarks/scale-check.sh --runs 1 --only server-async --duration 5s
#
# Raises the open-files limit to 65536 (or to the hard limit when that is lower) and, when
# allowed, net.core.somaxconn to 16384 for the run (restored on exit). Only 127.0.0.1 is contacted.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

connections=10000
duration=15s
io_ms=2000
runs=2
out=""
only=""
heap_sample_every=3 # seconds

usage() {
  cat <<'EOF'
usage: scale-check.sh [--connections 10000] [--duration 15s] [--io-ms 2000] [--runs 2] [--out FILE]
                      [--only server-threads,server-virtual-threads,server-async]
EOF
}

while (( $# > 0 )); do
  case "$1" in
    --connections) connections=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --io-ms) io_ms=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --only) only=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$connections" =~ ^[0-9]+$ ]] && (( connections >= 2 && connections <= 50000 )) || { echo "--connections must be from 2 to 50000" >&2; exit 2; }
[[ "$duration" =~ ^[0-9]+s$ ]] && (( ${duration%s} >= 1 && ${duration%s} <= 300 )) || { echo "--duration must be 1s..300s" >&2; exit 2; }
[[ "$io_ms" =~ ^[0-9]+$ ]] && (( io_ms <= 60000 )) || { echo "--io-ms must be from 0 to 60000" >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ ]] && (( runs >= 1 && runs <= 10 )) || { echo "--runs must be from 1 to 10" >&2; exit 2; }
workers=$connections
queue_capacity=$((2 * connections))

# More open files: wrk needs one per connection, the server one per accepted connection.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
open_files=$(ulimit -n)
if (( open_files < connections + 1000 )); then
  echo "the open-files limit is $open_files, too low for $connections connections" >&2
  exit 1
fi

install_cleanup_trap
old_somaxconn=""
restore_somaxconn() {
  if [[ -n "$old_somaxconn" ]]; then
    echo "$old_somaxconn" >/proc/sys/net/core/somaxconn 2>/dev/null || true
  fi
}
trap 'stop_all; restore_somaxconn' EXIT
# A burst of 10,000 connects overflows a 4096 accept backlog; the servers ask for 16384, which the
# kernel caps at somaxconn. Raise it if this user may; otherwise go on and say so.
somaxconn=$(cat /proc/sys/net/core/somaxconn 2>/dev/null || echo unknown)
if [[ "$somaxconn" =~ ^[0-9]+$ ]] && (( somaxconn < 16384 )); then
  if echo 16384 >/proc/sys/net/core/somaxconn 2>/dev/null; then
    old_somaxconn=$somaxconn
    somaxconn=16384
  else
    log "could not raise net.core.somaxconn from $somaxconn (not allowed here); connects may be retried"
  fi
fi

require_jars "${SERVER_JARS[@]}"
ensure_wrk
environment=$(environment_line)
log "logs in $LOG_DIR; open files $open_files; somaxconn $somaxconn"

# fifo_figure KEY STATS_JSON: the first "KEY" : N in /stats, which lists the fifo lane first.
fifo_figure() {
  grep -o "\"$1\" *: *[0-9]*" <<<"$2" | head -1 | grep -o '[0-9]*$' || true
}

rows=()
for server in server-threads server-virtual-threads server-async; do
  if [[ -n "$only" && ",$only," != *",$server,"* ]]; then
    continue
  fi
  for run in $(seq 1 "$runs"); do
    log "$server run $run/$runs: starting with --workers $workers --queue-capacity $queue_capacity"
    start_java "$server.run$run" -jar "$LOADLAB_ROOT/$server/target/$server.jar" \
      --workers "$workers" --queue-capacity "$queue_capacity"
    pid=$STARTED_PID
    base="http://127.0.0.1:$STARTED_PORT"
    wait_http "$base/health"
    idle_rss=$(proc_status "$pid" VmRSS)
    idle_threads=$(proc_status "$pid" Threads)
    idle_heap=$(heap_used_mib "$pid")
    ticks_before=$(cpu_ticks "$pid")
    wrk_out="$LOG_DIR/$server.run$run.wrk.txt"
    log "$server run $run/$runs: wrk -t2 -c$connections -d$duration --timeout 30s '$base/api/process_fifo?io_ms=$io_ms'"
    wrk -t2 "-c$connections" "-d$duration" --timeout 30s --latency "$base/api/process_fifo?io_ms=$io_ms" >"$wrk_out" 2>&1 &
    wrk_pid=$!
    STARTED_PIDS+=("$wrk_pid")
    peak_rss=0 peak_threads=0 peak_heap=0 seconds=0
    while kill -0 "$wrk_pid" 2>/dev/null; do
      if kill -0 "$pid" 2>/dev/null; then
        rss=$(proc_status "$pid" VmRSS)
        threads=$(proc_status "$pid" Threads)
        (( ${rss:-0} > peak_rss )) && peak_rss=$rss
        (( ${threads:-0} > peak_threads )) && peak_threads=$threads
        if (( seconds % heap_sample_every == 1 )); then
          heap=$(heap_used_mib "$pid")
          (( ${heap:-0} > peak_heap )) && peak_heap=$heap
        fi
      fi
      sleep 1
      seconds=$((seconds + 1))
    done
    wait "$wrk_pid" || true
    forget_pid "$wrk_pid"
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$server run $run/$runs: THE SERVER DIED during the run; its log:"
      tail -20 "$LOG_DIR/$server.run$run.log" >&2
      server_state="died"
    else
      server_state="alive"
      ticks_after=$(cpu_ticks "$pid")
    fi
    stats=$(curl -s --max-time 5 "$base/stats" || true)
    parse_wrk "$wrk_out"
    cpu_seconds=$(awk -v t=$(( ${ticks_after:-$ticks_before} - ticks_before )) -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz }')
    # The fifo lane is the first in /stats; these figures are its own.
    received=$(fifo_figure received "$stats")
    max_queued=$(fifo_figure max_queued "$stats")
    log "$server run $run/$runs: $WRK_REQUESTS requests, $WRK_RPS req/s, p50 $WRK_P50 ms, p99 $WRK_P99 ms, socket errors $WRK_SOCKET_ERRORS, non-2xx $WRK_NON2XX; peak RSS $((peak_rss / 1024)) MiB, threads $peak_threads, heap $peak_heap MiB; server $server_state"
    socket_detail=$(awk '/Socket errors:/ { sub(/^ *Socket errors: */, ""); print; exit }' "$wrk_out")
    rows+=("| $server | $run | $WRK_REQUESTS | $WRK_RPS | $WRK_P50 | $WRK_P99 | $WRK_SOCKET_ERRORS (${socket_detail:-none}) | $WRK_NON2XX | $((idle_rss / 1024)) → $((peak_rss / 1024)) | $idle_threads → $peak_threads | ${idle_heap:-?} → $peak_heap | $cpu_seconds | ${received:-?} | ${max_queued:-?} | $server_state |")
    stop_pid "$pid"
    forget_pid "$pid"
    ticks_after=""
  done
done

report() {
  echo "### scale-check: $connections requests in flight"
  echo
  echo "$environment; open files: $open_files; somaxconn: $somaxconn"
  echo
  echo "Each server: \`--workers $workers --queue-capacity $queue_capacity\`, default JVM flags, fresh JVM per run, no warm-up; load \`wrk -t2 -c$connections -d$duration --timeout 30s '/api/process_fifo?io_ms=$io_ms'\` (ideal: $connections / $io_ms ms = $(( connections * 1000 / (io_ms > 0 ? io_ms : 1) )) req/s). RSS, threads, heap: at idle → peak sampled during the run (heap every ${heap_sample_every} s by \`jcmd GC.heap_info\`). CPU: server seconds over the run. received, max queued: the fifo lane's, from /stats after the run (received counts requests still in service when wrk stopped)."
  echo
  echo "| server | run | requests | req/s | p50 ms | p99 ms | socket errors | non-2xx | RSS MiB | threads | heap used MiB | CPU s | received | max queued | server |"
  echo "|---|---|---:|---:|---:|---:|---|---:|---|---|---|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
}

report_text=$(report)
echo "$report_text"
if [[ -n "$out" ]]; then
  echo "$report_text" >"$out"
  log "report written to $out"
fi
