#!/usr/bin/env bash
# Issues 2 and 3: the three servers against bare Undertow handlers, measured with wrk on loopback.
#
# For each target: start it on a free loopback port, wait until it answers, warm up with wrk (not
# counted), then measure RUNS times. Per run: requests/s, p50 and p99 (wrk --latency), errors, and
# the server's CPU seconds per 10k requests (utime+stime from /proc/PID/stat around the run).
# Prints a Markdown table with the environment; --out FILE writes it there too.
#
#   benchmarks/wrk-compare.sh                       # the full set, 13 targets: about 7 minutes
#   benchmarks/wrk-compare.sh --duration 3s --warmup 1s --runs 1 --only threads-io0,bare-pool-io0
#
# Needs: the server jars and benchmarks/target/benchmarks.jar (see benchmarks/README.md), wrk
# (installed with apt-get if missing), curl. Only 127.0.0.1 is ever contacted.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

duration=10s
warmup=5s
runs=2
max_others=10
retries=2
out=""
only=""

usage() {
  cat <<'EOF'
usage: wrk-compare.sh [--duration 10s] [--warmup 5s] [--runs 2] [--max-others 10] [--retries 2]
                      [--out FILE] [--only NAME,NAME...]
  --duration  length of each measured wrk run (wrk -d syntax: 10s, 1m)
  --warmup    length of the uncounted wrk run before the measured ones; 0 to skip
  --runs      measured runs per target, 1..10
  --max-others a run during which other processes used more than this % of all cores is
              repeated (on a shared machine, their CPU is taken from the server or wrk)
  --retries   repeats of a disturbed run at most, 0..5; the last attempt is kept and marked
  --out       also write the Markdown report to FILE
  --only      measure only these targets; names:
              threads-io0 virtual-threads-io0 async-io0
              bare-pool-io0 bare-virtual-io0 bare-virtual-default-pool-io0 bare-io-thread-io0
              threads-io10 virtual-threads-io10 async-io10
              bare-pool-io10 bare-virtual-io10 bare-io-thread-io10
EOF
}

while (( $# > 0 )); do
  case "$1" in
    --duration) duration=${2:?--duration needs a value}; shift 2 ;;
    --warmup) warmup=${2:?--warmup needs a value}; shift 2 ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --max-others) max_others=${2:?--max-others needs a percentage}; shift 2 ;;
    --retries) retries=${2:?--retries needs a count}; shift 2 ;;
    --out) out=${2:?--out needs a file}; shift 2 ;;
    --only) only=${2:?--only needs target names}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$duration" =~ ^[0-9]+[sm]?$ ]] || { echo "--duration must look like 10s or 1m, got '$duration'" >&2; exit 2; }
[[ "$warmup" =~ ^[0-9]+[sm]?$ ]] || { echo "--warmup must look like 5s or 0, got '$warmup'" >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ ]] && (( runs >= 1 && runs <= 10 )) || { echo "--runs must be from 1 to 10, got '$runs'" >&2; exit 2; }
[[ "$max_others" =~ ^[0-9]+$ ]] && (( max_others <= 100 )) || { echo "--max-others must be from 0 to 100, got '$max_others'" >&2; exit 2; }
[[ "$retries" =~ ^[0-9]+$ ]] && (( retries <= 5 )) || { echo "--retries must be from 0 to 5, got '$retries'" >&2; exit 2; }

# name | what starts | workers | wrk connections | io_ms
targets=(
  "threads-io0|server-threads|64|50|0"
  "virtual-threads-io0|server-virtual-threads|64|50|0"
  "async-io0|server-async|64|50|0"
  "bare-pool-io0|bare:pool|64|50|0"
  "bare-virtual-io0|bare:virtual|-|50|0"
  "bare-virtual-default-pool-io0|bare:virtual-default-pool|-|50|0"
  "bare-io-thread-io0|bare:io-thread|-|50|0"
  "threads-io10|server-threads|1000|200|10"
  "virtual-threads-io10|server-virtual-threads|1000|200|10"
  "async-io10|server-async|1000|200|10"
  "bare-pool-io10|bare:pool|64|200|10"
  "bare-virtual-io10|bare:virtual|-|200|10"
  "bare-io-thread-io10|bare:io-thread|-|200|10"
)
if [[ -n "$only" ]]; then
  for name in ${only//,/ }; do
    printf '%s\n' "${targets[@]}" | grep -q "^$name|" || { echo "unknown target '$name'" >&2; usage >&2; exit 2; }
  done
fi

install_cleanup_trap
require_jars "${SERVER_JARS[@]}" "$BENCH_JAR"
ensure_wrk
environment=$(environment_line)
log "logs in $LOG_DIR"

# One measured wrk run against the current target; sets WRK_* (parse_wrk), cpu_per_10k,
# server_seconds, wrk_seconds and others_percent.
measure_once() {
  log "$name: run $run/$runs wrk -t1 -c$connections -d$duration --latency '$base$path'"
  children_cpu_seconds_to "$LOG_DIR/children.before"
  machine_before=$(machine_busy_ticks)
  ticks_before=$(cpu_ticks "$server_pid")
  started_nanos=$(date +%s%N)
  run_wrk "$LOG_DIR/$name.run$run.txt" -t1 "-c$connections" "-d$duration" --latency "$base$path"
  ticks_after=$(cpu_ticks "$server_pid")
  machine_after=$(machine_busy_ticks)
  elapsed_nanos=$(( $(date +%s%N) - started_nanos ))
  children_cpu_seconds_to "$LOG_DIR/children.after"
  parse_wrk "$LOG_DIR/$name.run$run.txt"
  server_seconds=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
  cpu_per_10k=$(awk -v s="$server_seconds" -v n="$WRK_REQUESTS" \
    'BEGIN { if (n > 0) printf "%.3f", s / n * 10000; else print "-" }')
  wrk_seconds=$(awk -v a="$(children_cpu_seconds "$LOG_DIR/children.after")" \
    -v b="$(children_cpu_seconds "$LOG_DIR/children.before")" 'BEGIN { printf "%.2f", a - b }')
  # What the rest of the machine used meanwhile (other engineers' builds, say): busy CPU
  # beyond this server and this wrk, as a share of all cores over the run.
  others_percent=$(awk -v m=$((machine_after - machine_before)) -v hz="$CLK_TCK" -v s="$server_seconds" \
    -v w="$wrk_seconds" -v e="$elapsed_nanos" -v c="$(nproc)" \
    'BEGIN { o = m / hz - s - w; if (o < 0) o = 0; printf "%.0f", 100 * o / (e / 1e9 * c) }')
}

rows=()
discarded=0
declare -A mean_rps mean_p99

for target in "${targets[@]}"; do
  IFS='|' read -r name what workers connections io_ms <<<"$target"
  if [[ -n "$only" && ",$only," != *",$name,"* ]]; then
    continue
  fi
  if [[ "$what" == bare:* ]]; then
    mode=${what#bare:}
    command=(-cp "$BENCH_JAR" dev.loadlab.benchmarks.baseline.BareUndertow --mode "$mode")
    started="BareUndertow --mode $mode"
    path="/bare?io_ms=$io_ms"
    ready_path="/bare"
  else
    command=(-jar "$LOADLAB_ROOT/$what/target/$what.jar" --workers "$workers")
    started="$what --workers $workers"
    path="/api/process_fifo?io_ms=$io_ms"
    ready_path="/health"
  fi
  log "$name: starting $started"
  start_java "$name" "${command[@]}"
  server_pid=$STARTED_PID
  base="http://127.0.0.1:$STARTED_PORT"
  wait_http "$base$ready_path"
  if [[ "$warmup" != 0 ]]; then
    log "$name: warm-up wrk -t1 -c$connections -d$warmup"
    run_wrk "$LOG_DIR/$name.warmup.txt" -t1 "-c$connections" "-d$warmup" --latency "$base$path"
  fi
  sum_rps=0 sum_p99=0
  for run in $(seq 1 "$runs"); do
    attempt=0
    while true; do
      measure_once
      if (( others_percent <= max_others )); then
        break
      fi
      if (( attempt >= retries )); then
        others_percent="$others_percent (disturbed)"
        break
      fi
      attempt=$((attempt + 1))
      discarded=$((discarded + 1))
      log "$name: run $run/$runs disturbed (other processes used $others_percent% of the cores): repeating it in 5 s"
      sleep 5
    done
    log "$name: $WRK_RPS req/s, p50 $WRK_P50 ms, p99 $WRK_P99 ms, CPU $cpu_per_10k s/10k, errors $WRK_SOCKET_ERRORS, non-2xx $WRK_NON2XX, server $server_seconds s, wrk $wrk_seconds s, others $others_percent%"
    rows+=("| $name | \`$started\` | -c$connections io_ms=$io_ms | $run | $WRK_RPS | $WRK_P50 | $WRK_P99 | $cpu_per_10k | $wrk_seconds | $others_percent | $WRK_SOCKET_ERRORS / $WRK_NON2XX |")
    sum_rps=$(awk -v a="$sum_rps" -v b="$WRK_RPS" 'BEGIN { print a + b }')
    sum_p99=$(awk -v a="$sum_p99" -v b="$WRK_P99" 'BEGIN { print a + b }')
  done
  mean_rps[$name]=$(awk -v s="$sum_rps" -v n="$runs" 'BEGIN { printf "%.0f", s / n }')
  mean_p99[$name]=$(awk -v s="$sum_p99" -v n="$runs" 'BEGIN { printf "%.2f", s / n }')
  stop_pid "$server_pid"
  forget_pid "$server_pid"
done

# ratio NAME_A NAME_B: mean req/s of A over B, or "-" when either was not measured.
ratio() {
  local a=${mean_rps[$1]:-} b=${mean_rps[$2]:-}
  [[ -n "$a" && -n "$b" && "$b" != 0 ]] || { echo "-"; return; }
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }'
}
mean_of() { echo "${mean_rps[$1]:--}"; }

report() {
  echo "### wrk-compare: servers vs bare Undertow"
  echo
  echo "$environment"
  echo
  echo "Each target: warm-up ${warmup} (not counted), then $runs × \`wrk -t1 -cN -d$duration --latency\`; the server's JVM with default flags. CPU = server utime+stime per 10,000 requests; wrk CPU s = the client's CPU over the run; others % = CPU used by the rest of the machine over the run, as a share of all cores (should be near 0: anything more means another process competed; a run above ${max_others}% was repeated up to ${retries} times, $discarded such attempts were discarded, a row marked disturbed stayed above it). Errors = wrk socket errors / non-2xx answers."
  echo
  echo "| target | server | load | run | req/s | p50 ms | p99 ms | CPU s/10k req | wrk CPU s | others % | errors |"
  echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| comparison (mean req/s over the runs) | figures | ratio | goal |"
  echo "|---|---|---:|---|"
  echo "| issue 2: threads / bare pool, io_ms=0 -c50 | $(mean_of threads-io0) / $(mean_of bare-pool-io0) | $(ratio threads-io0 bare-pool-io0) | ≥ 0.85 |"
  echo "| issue 3: virtual-threads / threads, io_ms=0 -c50 | $(mean_of virtual-threads-io0) / $(mean_of threads-io0) | $(ratio virtual-threads-io0 threads-io0) | ≥ 0.90 |"
  echo "| issue 3: async / bare io-thread, io_ms=0 -c50 | $(mean_of async-io0) / $(mean_of bare-io-thread-io0) | $(ratio async-io0 bare-io-thread-io0) | ≥ 0.85 |"
  echo "| issue 3: virtual-threads, io_ms=10 -c200 / client limit 20000 | $(mean_of virtual-threads-io10) / 20000 | $(awk -v a="$(mean_of virtual-threads-io10)" 'BEGIN { if (a == "-") print "-"; else printf "%.2f", a / 20000 }') | near 1 |"
  echo "| issue 3: async, io_ms=10 -c200 / client limit 20000 | $(mean_of async-io10) / 20000 | $(awk -v a="$(mean_of async-io10)" 'BEGIN { if (a == "-") print "-"; else printf "%.2f", a / 20000 }') | near 1 |"
  echo "| issue 3: threads (1000 workers), io_ms=10 -c200 / 20000 | $(mean_of threads-io10) / 20000 | $(awk -v a="$(mean_of threads-io10)" 'BEGIN { if (a == "-") print "-"; else printf "%.2f", a / 20000 }') | (for reference) |"
  echo "| issue 3: virtual-threads / bare virtual, io_ms=10 -c200 | $(mean_of virtual-threads-io10) / $(mean_of bare-virtual-io10) | $(ratio virtual-threads-io10 bare-virtual-io10) | (the ceiling a handler that only sleeps reaches here) |"
  echo "| issue 3: async / bare io-thread, io_ms=10 -c200 | $(mean_of async-io10) / $(mean_of bare-io-thread-io10) | $(ratio async-io10 bare-io-thread-io10) | (the ceiling a handler that only waits on a timer reaches here) |"
  echo "| bare pool (64 threads), io_ms=10 -c200 / 20000 | $(mean_of bare-pool-io10) / 20000 | $(awk -v a="$(mean_of bare-pool-io10)" 'BEGIN { if (a == "-") print "-"; else printf "%.2f", a / 20000 }') | stalls near 64/10 ms = 6400 |"
  echo "| buffer pool fix: bare virtual / virtual-default-pool | $(mean_of bare-virtual-io0) / $(mean_of bare-virtual-default-pool-io0) | $(ratio bare-virtual-io0 bare-virtual-default-pool-io0) | > 1 (about 60k vs 13k) |"
}

report_text=$(report)
echo "$report_text"
if [[ -n "$out" ]]; then
  echo "$report_text" >"$out"
  log "report written to $out"
fi
