#!/usr/bin/env bash
# Client CPU per request next to wrk's and next to the bare HttpClient loop's, against nginx on
# loopback; then open-loop accuracy.
#
#   client/bench/vs-wrk.sh            (build first: mvn -B -q -DskipTests package)
#
# Needs nginx (Debian nginx-light) and wrk: apt-get install -y nginx-light wrk.
# Targets 127.0.0.1 only, runs about 6 minutes, and stops the nginx it started (by PID).
# Each round runs wrk, the client and the bare loop (benchmarks/target/benchmarks.jar,
# BareHttpClientLoop: HttpClient with nothing of the client's around it) in turn; every figure
# is printed with the load average before it and the CPU steal during it (time the hypervisor
# gave to other machines: above a few percent the figure is disturbed).
# The JVMs warm up WARMUP seconds before their window, so that the JIT compiler's work, which
# wrk does not have, is not counted as the cost of a request.
# Environment: PORT (18080), CONCURRENCY (50), SECONDS_PER_RUN (20), WARMUP (15), OPEN_RATE (5000),
# OPEN_CONNECTIONS (100), ROUNDS (2), CLIENT_JVM_FLAGS and CLOSED_LOOP_JVM_FLAGS (the flags
# client/README.md recommends for every run, and added for the closed loop).
set -euo pipefail

PORT=${PORT:-18080}
CONCURRENCY=${CONCURRENCY:-50}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
OPEN_RATE=${OPEN_RATE:-5000}
OPEN_CONNECTIONS=${OPEN_CONNECTIONS:-100}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-15}
read -r -a CLIENT_FLAGS <<< "${CLIENT_JVM_FLAGS:--XX:+UseSerialGC -Xms512m -Xmn256m}"
read -r -a CLOSED_FLAGS <<< "${CLOSED_LOOP_JVM_FLAGS:--Djdk.virtualThreadScheduler.parallelism=1}"
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../benchmarks/bench-lib.sh"
install_cleanup_trap
JAR="$LOADLAB_ROOT/client/target/client.jar"
BARE_JAR="$BENCH_JAR"
URL="http://127.0.0.1:$PORT/"
WORK=$LOG_DIR

# CPU seconds a process uses between two moments of its life, sampled from /proc.
cpu_seconds_between() { # pid from_s to_s
  local pid=$1 before after
  sleep "$2"; before=$(cpu_ticks "$pid")
  sleep "$(( $3 - $2 ))"; after=$(cpu_ticks "$pid")
  echo "scale=3; ($after - $before) / $CLK_TCK" | bc
}

command -v nginx >/dev/null && command -v wrk >/dev/null && command -v bc >/dev/null \
  || { echo "needs nginx, wrk and bc: apt-get install -y nginx-light wrk bc" >&2; exit 1; }
[[ -f "$JAR" && -f "$BARE_JAR" ]] || { echo "missing $JAR or $BARE_JAR: build first (mvn -B -q -DskipTests package)" >&2; exit 1; }

cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$PORT;
    location / { return 200 'ok'; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -e "$WORK/error.log" &
NGINX_PID=$!
STARTED_PIDS+=("$NGINX_PID")
sleep 1
kill -0 "$NGINX_PID" || { echo "nginx did not start:" >&2; cat "$WORK/error.log" >&2; exit 1; }

window_from=3
window_to=$(( SECONDS_PER_RUN - 2 ))

load() { cut -d' ' -f1-3 /proc/loadavg; }
window=$(( window_to - window_from ))
per10k() { echo "scale=4; $1 * 10000 / ($window * $2)" | bc; }
results=()

for round in $(seq "$ROUNDS"); do
  echo "== round $round: wrk -t1 -c$CONCURRENCY -d${SECONDS_PER_RUN}s $URL (load $(load))"
  before_load=$(load)
  wrk -t1 -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" "$URL" > "$WORK/wrk.txt" &
  WRK_PID=$!
  steal_before=$(steal_ticks)
  wrk_cpu=$(cpu_seconds_between "$WRK_PID" "$window_from" "$window_to")
  steal=$(steal_percent $(( $(steal_ticks) - steal_before )) "$window_to")
  wait "$WRK_PID"
  wrk_rps=$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
  wrk_per10k=$(per10k "$wrk_cpu" "$wrk_rps")
  results+=("$(printf '%-8s %5s %12.0f %22.3f   load %s, steal %s%%' wrk "$round" "$wrk_rps" "$wrk_per10k" "$before_load" "$steal")")

  echo "== round $round: client ${CLIENT_FLAGS[*]} ${CLOSED_FLAGS[*]} -c $CONCURRENCY --warmup ${WARMUP}s --duration ${SECONDS_PER_RUN}s (load $(load))"
  before_load=$(load)
  "$JAVA" "${CLIENT_FLAGS[@]}" "${CLOSED_FLAGS[@]}" -jar "$JAR" --url "$URL" --concurrency "$CONCURRENCY" --warmup "${WARMUP}s" \
    --duration "${SECONDS_PER_RUN}s" --quiet --output "$WORK/closed" > "$WORK/closed.txt" &
  CLIENT_PID=$!
  sleep "$WARMUP"
  steal_before=$(steal_ticks)
  client_cpu=$(cpu_seconds_between "$CLIENT_PID" "$window_from" "$window_to")
  steal=$(steal_percent $(( $(steal_ticks) - steal_before )) "$window_to")
  wait "$CLIENT_PID"
  client_rps=$(sed -n 's/^Throughput: \([0-9.]*\) req\/s/\1/p' "$WORK/closed.txt")
  client_per10k=$(per10k "$client_cpu" "$client_rps")
  results+=("$(printf '%-8s %5s %12.0f %22.3f   load %s, steal %s%%; client/wrk %sx; own figure: %s' client "$round" \
    "$client_rps" "$client_per10k" "$before_load" "$steal" "$(echo "scale=2; $client_per10k / $wrk_per10k" | bc)" \
    "$(grep '^Client CPU' "$WORK/closed.txt")")")

  echo "== round $round: bare HttpClient loop, ${CLIENT_FLAGS[*]} ${CLOSED_FLAGS[*]} (load $(load))"
  before_load=$(load)
  steal_before=$(steal_ticks)
  bare=$("$JAVA" "${CLIENT_FLAGS[@]}" "${CLOSED_FLAGS[@]}" -cp "$BARE_JAR" dev.loadlab.benchmarks.baseline.BareHttpClientLoop \
    --url "$URL" --concurrency "$CONCURRENCY" --warmup "$(( WARMUP + window_from ))" --duration "$window")
  steal=$(steal_percent $(( $(steal_ticks) - steal_before )) "$(( WARMUP + window_from + window ))")
  bare_rps=$(sed -n 's/.*: \([0-9]*\) req\/s.*/\1/p' <<<"$bare")
  bare_per10k=$(sed -n 's/.*req\/s, \([0-9.]*\) CPU-s.*/\1/p' <<<"$bare")
  results+=("$(printf '%-8s %5s %12.0f %22.3f   load %s, steal %s%% (over warm-up and window); bare/wrk %sx' bare "$round" \
    "$bare_rps" "$bare_per10k" "$before_load" "$steal" "$(echo "scale=2; $bare_per10k / $wrk_per10k" | bc)")")
done

printf '%-8s %5s %12s %22s\n' tool round "requests/s" "CPU-s per 10k requests"
printf '%s\n' "${results[@]}"

for round in $(seq "$ROUNDS"); do
  echo "== open loop, round $round: client --rate $OPEN_RATE --connections $OPEN_CONNECTIONS --warmup ${WARMUP}s --duration 10s (load $(load))"
  steal_before=$(steal_ticks)
  "$JAVA" "${CLIENT_FLAGS[@]}" -jar "$JAR" --url "$URL" --rate "$OPEN_RATE" --connections "$OPEN_CONNECTIONS" \
    --warmup "${WARMUP}s" --duration 10s --quiet --output "$WORK/open" > "$WORK/open.txt"
  echo "steal during warm-up and run: $(steal_percent $(( $(steal_ticks) - steal_before )) "$(( WARMUP + 10 ))")%"
  grep -E '^(Successful Requests|Failed Requests|Schedule|WARNING|Client CPU)' "$WORK/open.txt"
  sed -n '/^Latency/,/^  max/p' "$WORK/open.txt"
done
