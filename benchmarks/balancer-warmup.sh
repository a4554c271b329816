#!/usr/bin/env bash
# How deep the balancer's warm-up must be (the strategy study's setup): four server-async backends
# of 16 workers behind one balancer (--max-per-backend 256), all at nice 10 as the suite starts
# them, warmed up by a closed loop SHALLOW deep (the backends' workers) or DEEP deep (what the
# balancer can keep in flight), then sent one capacity-search step: an open loop at RATE req/s
# over CONNECTIONS connections, 1 s after 0.5 s of warm-up, timeout 1 s, io_ms=10. Fresh
# processes for every row; rows interleaved (shallow, deep, shallow, ...).
#
#   benchmarks/balancer-warmup.sh      (build first: mvn -B -q -DskipTests install)
#
# Per row: requests answered of those sent, the p99 (from the intended send times), the
# connections the balancer opened to its backends during the step (established ones, counted
# with ss before and after), the balancer's CPU-s in the step, and the CPU steal meanwhile.
# Loopback only, bounded in time (about 30 s a row), every process stopped by PID on exit.
# Environment: ROUNDS (3), RATE (1600), CONNECTIONS (1876: what the suite gives 1,600 req/s with
# a 1 s deadline), SHALLOW (64), DEEP (1024).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/bench-lib.sh"
install_cleanup_trap
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-1600}
CONNECTIONS=${CONNECTIONS:-1876}
SHALLOW=${SHALLOW:-64}
DEEP=${DEEP:-1024}
CLIENT_JAR="$LOADLAB_ROOT/client/target/client.jar"
BALANCER_JAR="$LOADLAB_ROOT/balancer/target/balancer.jar"
ASYNC_JAR="$LOADLAB_ROOT/server-async/target/server-async.jar"
require_jars "$CLIENT_JAR" "$BALANCER_JAR" "$ASYNC_JAR"
CLIENT=("$JAVA" -XX:+UseSerialGC -Xms512m -Xmn256m -jar "$CLIENT_JAR")
log "logs in $LOG_DIR"

# Established connections from the balancer to the backends listening on the ports given.
backend_connections() {
  local ports
  ports=$(IFS='|'; echo "$*")
  ss -Htn state established | awk -v p=":($ports)\$" '$4 ~ p' | wc -l
}

# row DEPTH ROUND: one setup, warm-up and step; prints its row.
row() {
  local depth=$1 round=$2 ports=() backends=() i
  START_NICE=10
  for i in 1 2 3 4; do
    start_java "b$i-$round-$depth" -Xms512m -Xmx2g -jar "$ASYNC_JAR" --instance "async-b$i" --workers 16
    ports+=("$STARTED_PORT")
    backends+=("http://127.0.0.1:$STARTED_PORT")
  done
  start_java "balancer-$round-$depth" -Xms512m -Xmx2g -jar "$BALANCER_JAR" --strategy round-robin \
    --max-per-backend 256 --backends "$(IFS=,; echo "${backends[*]}")"
  local balancer=$STARTED_PID url="http://127.0.0.1:$STARTED_PORT/api/process_fifo"
  START_NICE=
  wait_http "http://127.0.0.1:$STARTED_PORT/health"
  "${CLIENT[@]}" run --url "$url" --io-ms 1 --cpu-ms 0 --concurrency "$depth" --duration 6s --quiet \
    >"$LOG_DIR/warmup-$round-$depth.txt" 2>&1
  local before cpu_before steal_before started out="$LOG_DIR/step-$round-$depth"
  before=$(backend_connections "${ports[@]}")
  cpu_before=$(cpu_ticks "$balancer")
  steal_before=$(steal_ticks)
  started=$(date +%s.%N)
  "${CLIENT[@]}" run --url "$url" --io-ms 10 --cpu-ms 0 --rate "$RATE" --connections "$CONNECTIONS" \
    --duration 1s --warmup 500ms --timeout 1s --quiet --output "$out" >"$out.txt" 2>&1
  local seconds opened cpu steal
  seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  opened=$(( $(backend_connections "${ports[@]}") - before ))
  cpu=$(awk -v t="$(( $(cpu_ticks "$balancer") - cpu_before ))" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
  steal=$(steal_percent "$(( $(steal_ticks) - steal_before ))" "$seconds")
  awk -F, -v depth="$depth" -v round="$round" -v opened="$opened" -v cpu="$cpu" -v steal="$steal" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { printf "| %d | %d | %d of %d | %.1f | %d | %s | %s%% |\n", round, depth, $col["successful"], $col["sent"],
        $col["p99_ms"], opened, cpu, steal }' "$out/result.csv"
  stop_all
}

echo "$(environment_line); rate $RATE req/s over $CONNECTIONS connections"
echo
echo "| round | warm-up depth | answered | p99 ms | net new connections to the backends | balancer CPU-s | steal |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq "$ROUNDS"); do
  row "$SHALLOW" "$round"
  row "$DEEP" "$round"
done
