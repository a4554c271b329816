#!/usr/bin/env bash
# The balancer next to HAProxy (issue 5's measurement): two server-async backends on loopback,
# reached directly, through loadlab's balancer (round-robin) and through HAProxy (balance
# roundrobin, mode http; with `option forwardfor` as the balancer adds X-Forwarded-For, and plain),
# each by `wrk -t1 -c50 -d10s --latency`, three times after a warm-up, in interleaved rounds.
#
#   benchmarks/balancer-vs-haproxy.sh [--duration 10s] [--warmup 30s] [--runs 3] [--out FILE]
#
# The warm-up is long on purpose: three JVMs share two cores, and the balancer's JIT needs it
# (with 15 s, its first run still came out about 25% below the next ones).
#
# Needs the jars (mvn -B -q package -DskipTests), wrk and haproxy (installed with apt-get if
# missing). Loopback only, bounded in time; every process it starts is stopped by PID on exit.
# Environment: BALANCER_JVM_FLAGS and BALANCER_ARGS are added to the balancer's command line.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

duration=10s
warmup=30s
runs=3
connections=50
out=""
while (( $# )); do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

install_cleanup_trap
BALANCER_JAR="$LOADLAB_ROOT/balancer/target/balancer.jar"
require_jars "$LOADLAB_ROOT/server-async/target/server-async.jar" "$BALANCER_JAR"
ensure_wrk
if ! command -v haproxy >/dev/null; then
  log "haproxy not found: installing it with apt-get"
  apt-get -o DPkg::Lock::Timeout=120 install -y haproxy >"$LOG_DIR/apt-haproxy.log" 2>&1 \
    || { cat "$LOG_DIR/apt-haproxy.log" >&2; echo "install haproxy (apt-get install -y haproxy) and run again" >&2; exit 1; }
fi
environment=$(environment_line)
log "logs in $LOG_DIR"

backend_pids=()
backend_ports=()
for i in 1 2; do
  start_java "backend-$i" -jar "$LOADLAB_ROOT/server-async/target/server-async.jar" --instance "async-$i" --workers 1000
  backend_pids+=("$STARTED_PID")
  backend_ports+=("$STARTED_PORT")
done

read -r -a balancer_jvm_flags <<<"${BALANCER_JVM_FLAGS:-}"
read -r -a balancer_args <<<"${BALANCER_ARGS:-}"
start_java balancer "${balancer_jvm_flags[@]}" -jar "$BALANCER_JAR" --strategy round-robin "${balancer_args[@]}" \
  --backends "http://127.0.0.1:${backend_ports[0]},http://127.0.0.1:${backend_ports[1]}"
balancer_pid=$STARTED_PID
balancer_port=$STARTED_PORT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# start_haproxy NAME FRONTEND_LINES: HAProxy in front of both backends; sets HAPROXY_PORT, HAPROXY_PID.
start_haproxy() {
  local name=$1 frontend_lines=$2
  HAPROXY_PORT=$(free_port)
  cat >"$LOG_DIR/$name.cfg" <<CFG
global
    maxconn 8000
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend loadlab
    bind 127.0.0.1:$HAPROXY_PORT
$frontend_lines
    default_backend backends
backend backends
    balance roundrobin
    server async-1 127.0.0.1:${backend_ports[0]}
    server async-2 127.0.0.1:${backend_ports[1]}
CFG
  haproxy -db -f "$LOG_DIR/$name.cfg" >"$LOG_DIR/$name.log" 2>&1 &
  HAPROXY_PID=$!
  STARTED_PIDS+=("$HAPROXY_PID")
  wait_http "http://127.0.0.1:$HAPROXY_PORT/health"
}
# "haproxy" forwards the client's address as the balancer does (X-Forwarded-For, its only
# forwarding header), so that the backends get the same request behind either proxy; the
# comparison is against it. "haproxy-plain" adds nothing, for reference.
start_haproxy haproxy "    option forwardfor"
haproxy_port=$HAPROXY_PORT haproxy_pid=$HAPROXY_PID
start_haproxy haproxy-plain ""
plain_port=$HAPROXY_PORT plain_pid=$HAPROXY_PID
wait_http "http://127.0.0.1:$balancer_port/health"

path='/api/process_fifo?io_ms=0'
per10k() { awk -v t="$1" -v hz="$CLK_TCK" -v n="$WRK_REQUESTS" 'BEGIN { if (n > 0) printf "%.3f", t / hz / n * 10000; else print "-" }'; }
rows=()
declare -A sum_rps sum_p50 rps_of p50_of steal_of
targets=("direct|${backend_ports[0]}|" "balancer|$balancer_port|$balancer_pid" "haproxy|$haproxy_port|$haproxy_pid"
  "haproxy-plain|$plain_port|$plain_pid")
for target in "${targets[@]}"; do
  IFS='|' read -r name port proxy_pid <<<"$target"
  log "$name: warm-up $warmup"
  run_wrk "$LOG_DIR/$name.warmup.txt" -t1 "-c$connections" "-d$warmup" --latency "http://127.0.0.1:$port$path"
done
# Rounds interleave the targets (direct, balancer, HAProxy, then again), so that a change in
# the machine's load during the benchmark weighs on every target alike.
for run in $(seq "$runs"); do
  for target in "${targets[@]}"; do
    IFS='|' read -r name port proxy_pid <<<"$target"
    base="http://127.0.0.1:$port"
    log "$name: run $run/$runs wrk -t1 -c$connections -d$duration --latency '$base$path'"
    steal_before=$(steal_ticks)
    started_at=$(date +%s.%N)
    backends_before=$(( $(cpu_ticks "${backend_pids[0]}") + $(cpu_ticks "${backend_pids[1]}") ))
    proxy_before=0
    [[ -n "$proxy_pid" ]] && proxy_before=$(cpu_ticks "$proxy_pid")
    run_wrk "$LOG_DIR/$name.run$run.txt" -t1 "-c$connections" "-d$duration" --latency "$base$path"
    backends_after=$(( $(cpu_ticks "${backend_pids[0]}") + $(cpu_ticks "${backend_pids[1]}") ))
    steal=$(steal_percent $(( $(steal_ticks) - steal_before )) "$(awk -v a="$started_at" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')")
    proxy_after=0
    [[ -n "$proxy_pid" ]] && proxy_after=$(cpu_ticks "$proxy_pid")
    parse_wrk "$LOG_DIR/$name.run$run.txt"
    proxy_cpu="-"
    [[ -n "$proxy_pid" ]] && proxy_cpu=$(per10k $((proxy_after - proxy_before)))
    rows+=("| $name | $run | $WRK_RPS | $WRK_P50 | $WRK_P99 | $proxy_cpu | $(per10k $((backends_after - backends_before))) | $steal | $WRK_SOCKET_ERRORS / $WRK_NON2XX |")
    rps_of[$name.$run]=$WRK_RPS
    p50_of[$name.$run]=$WRK_P50
    steal_of[$name.$run]=$steal
    sum_rps[$name]=$(awk -v a="${sum_rps[$name]:-0}" -v b="$WRK_RPS" 'BEGIN { print a + b }')
    sum_p50[$name]=$(awk -v a="${sum_p50[$name]:-0}" -v b="$WRK_P50" 'BEGIN { print a + b }')
  done
done

mean() { awk -v s="$1" -v n="$runs" 'BEGIN { printf "%.2f", s / n }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Each round compares the three targets measured minutes apart at most, so its ratios are the
# least disturbed by a change in the machine's load; their median is the headline figure.
round_rows=()
round_rps=()
round_p50=()
round_plain=()
for run in $(seq "$runs"); do
  rps_ratio=$(awk -v b="${rps_of[balancer.$run]}" -v h="${rps_of[haproxy.$run]}" 'BEGIN { printf "%.2f", b / h }')
  p50_ratio=$(awk -v d="${p50_of[direct.$run]}" -v b="${p50_of[balancer.$run]}" -v h="${p50_of[haproxy.$run]}" \
    'BEGIN { ah = h - d; printf "%.2f", (ah > 0 ? (b - d) / ah : 0) }')
  plain_ratio=$(awk -v b="${rps_of[balancer.$run]}" -v h="${rps_of[haproxy-plain.$run]}" 'BEGIN { printf "%.2f", b / h }')
  worst_steal=$(printf '%s\n' "${steal_of[direct.$run]}" "${steal_of[balancer.$run]}" "${steal_of[haproxy.$run]}" \
    "${steal_of[haproxy-plain.$run]}" | sort -g | tail -1)
  round_rows+=("| $run | $rps_ratio | $p50_ratio | $plain_ratio | $worst_steal |")
  round_plain+=("$plain_ratio")
  round_rps+=("$rps_ratio")
  round_p50+=("$p50_ratio")
done
median_rps=$(printf '%s\n' "${round_rps[@]}" | median)
median_p50=$(printf '%s\n' "${round_p50[@]}" | median)
median_plain=$(printf '%s\n' "${round_plain[@]}" | median)
rps_balancer=$(mean "${sum_rps[balancer]}"); rps_haproxy=$(mean "${sum_rps[haproxy]}")
p50_direct=$(mean "${sum_p50[direct]}"); p50_balancer=$(mean "${sum_p50[balancer]}"); p50_haproxy=$(mean "${sum_p50[haproxy]}")
report=$(
  echo "### balancer vs HAProxy"
  echo
  echo "$environment; HAProxy: $(haproxy -v 2>&1 | head -1) (\`haproxy\`: \`option forwardfor\`, the balancer's X-Forwarded-For; \`haproxy-plain\`: no header added)"
  echo
  echo "Balancer: \`java ${BALANCER_JVM_FLAGS:-} -jar balancer.jar --strategy round-robin ${BALANCER_ARGS:-}\`"
  echo
  echo "Two \`server-async --workers 1000\` backends; \`wrk -t1 -c$connections -d$duration --latency '$path'\` after a $warmup warm-up of each; each figure a separate run, in rounds that interleave the targets. CPU: seconds per 10,000 requests of the proxy (balancer JVM or haproxy) and of both backends together."
  echo
  echo "| target | run | req/s | p50 ms | p99 ms | proxy CPU s/10k | backends CPU s/10k | steal % | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Steal: CPU time the hypervisor gave to other machines during the run, as a share of both cores; above a few percent the run was disturbed."
  echo
  echo "| round | throughput: balancer / HAProxy | p50 added over direct: balancer / HAProxy | throughput: balancer / HAProxy plain | worst steal % |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s\n' "${round_rows[@]}"
  echo "| **median** | **$median_rps** (goal >= 0.70) | **$median_p50** (goal <= 2) | $median_plain | |"
  echo
  echo "| comparison (means over all runs) | figures | ratio | goal |"
  echo "|---|---|---:|---|"
  awk -v b="$rps_balancer" -v h="$rps_haproxy" 'BEGIN { printf "| throughput: balancer / HAProxy | %.0f / %.0f | %.2f | >= 0.70 |\n", b, h, b / h }'
  awk -v d="$p50_direct" -v b="$p50_balancer" -v h="$p50_haproxy" 'BEGIN { ab = b - d; ah = h - d; printf "| p50 added over direct: balancer / HAProxy | %.2f ms / %.2f ms | %.2f | <= 2 |\n", ab, ah, (ah > 0 ? ab / ah : 0) }'
)
echo "$report"
[[ -n "$out" ]] && echo "$report" >"$out"
exit 0
