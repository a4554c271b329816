#!/usr/bin/env bash
# The client's CPU per request next to wrk's (closed loop) and wrk2's (open loop), against nginx
# on loopback, for each transport, in interleaved rounds.
#
#   benchmarks/vs-wrk.sh            (build first: mvn -B -q -DskipTests package)
#
# Needs nginx (Debian nginx-light) and wrk: apt-get install -y nginx-light wrk. wrk2 is not
# packaged: it is found through WRK2=/path/to/wrk, in benchmarks/target/wrk2/wrk (which
# benchmarks/build-wrk2.sh builds from github.com/giltene/wrk2) or on PATH; without it the
# open-loop rows of wrk2 are skipped.
# Targets 127.0.0.1 only, is bounded in time (about 2 + 7 × SECONDS_PER_RUN s per transport and
# round), and stops every process it started by PID, on exit and on Ctrl-C.
#
# Each round runs, one after another: wrk -t1 -cCONCURRENCY; the client's closed loop with
# --concurrency CONCURRENCY on each transport; then for each open-loop rate: wrk2 -t1
# -cOPEN_CONNECTIONS -R RATE and the client's open loop at the same rate on each transport.
# Every run is printed with its CPU-s per 10k requests, the CPU that the rest of the machine
# used meanwhile (foreign: everything but the tool and nginx) and the CPU steal (the time the
# hypervisor gave to other machines: above a few percent the figure is disturbed). The JVMs warm
# up WARMUP seconds first, not counted: their figures are the client's own (result.csv, over
# its measured window); wrk's and wrk2's are their whole run (no JIT to warm up). At the end:
# per round, the ratios to wrk and wrk2 of the same round, and their median over the rounds.
# The open loops target a second nginx server (port PORT + 1) that logs each request's arrival
# ($msec), so that every open-loop run also says how evenly its requests arrived over its last
# SECONDS_PER_RUN - 1 s: the share of milliseconds in which none arrived and the most in one
# millisecond (at 1,000 req/s an even timetable leaves no millisecond empty; a tool that sends
# in bunches saves wake-ups, and CPU, by leaving many). Next to each open loop's dispatch-lag p99
# stands how late the machine woke the client's wake-up probe meanwhile (its result.json's
# wakeup_latency p99): a lag about that large is the machine's, not the generator's.
#
# Environment: PORT (18080), ROUNDS (2), SECONDS_PER_RUN (10), WARMUP (10), CONCURRENCY (50),
# OPEN_RATES ("1000 5000 20000"), OPEN_CONNECTIONS (100), TRANSPORTS ("netty jdk"; also
# netty-nio and netty-epoll, which force the netty transport's event loop, and netty-gridTIME,
# e.g. netty-grid5ms, the netty transport's open loops with --wake-grid TIME: a coarser grid
# sends in bunches as wrk2 does, a finer one keeps the lag shorter), WRK2,
# CLIENT_JVM_FLAGS (the flags client/README.md recommends), JDK_CLOSED_LOOP_JVM_FLAGS (added for
# the jdk transport's closed loop).
set -euo pipefail

PORT=${PORT:-18080}
ROUNDS=${ROUNDS:-2}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
WARMUP=${WARMUP:-10}
CONCURRENCY=${CONCURRENCY:-50}
read -r -a OPEN_RATES <<< "${OPEN_RATES:-1000 5000 20000}"
OPEN_CONNECTIONS=${OPEN_CONNECTIONS:-100}
read -r -a TRANSPORTS <<< "${TRANSPORTS:-netty jdk}"
read -r -a CLIENT_FLAGS <<< "${CLIENT_JVM_FLAGS:--XX:+UseSerialGC -Xms512m -Xmn256m}"
read -r -a JDK_CLOSED_FLAGS <<< "${JDK_CLOSED_LOOP_JVM_FLAGS:--Djdk.virtualThreadScheduler.parallelism=1}"
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/bench-lib.sh"
install_cleanup_trap
JAR="$LOADLAB_ROOT/client/target/client.jar"
URL="http://127.0.0.1:$PORT/"
OPEN_PORT=$((PORT + 1))
OPEN_URL="http://127.0.0.1:$OPEN_PORT/"
WORK=$LOG_DIR
ARRIVALS=$WORK/arrivals.log
NPROC=$(nproc)

# grid_option TRANSPORT: the client's --wake-grid of a netty-gridTIME variant (the client checks
# TIME); empty for the others.
grid_option() { if [[ $1 =~ ^netty-grid([0-9]+(us|ms))$ ]]; then echo "--wake-grid ${BASH_REMATCH[1]}"; fi; }

command -v nginx >/dev/null && command -v wrk >/dev/null \
  || { echo "needs nginx and wrk: apt-get install -y nginx-light wrk" >&2; exit 1; }
[[ -f "$JAR" ]] || { echo "missing $JAR: build first (mvn -B -q -DskipTests package)" >&2; exit 1; }
for transport in "${TRANSPORTS[@]}"; do
  case $transport in netty|netty-nio|netty-epoll|jdk) ;;
    *) [[ -n $(grid_option "$transport") ]] \
         || { echo "TRANSPORTS: unknown transport '$transport' (netty, netty-nio, netty-epoll, netty-gridTIME such as netty-grid5ms, jdk)" >&2; exit 2; } ;;
  esac
done
find_wrk2
[[ -n "$WRK2" ]] || echo "skipping the wrk2 runs" >&2
require_free_ports "$PORT" "$OPEN_PORT" # PORT + 1 too
start_nginx "$PORT" "$OPEN_PORT" "$ARRIVALS"
log "nginx $NGINX_PID on $URL; logs in $WORK"
echo "$(environment_line); wrk2: ${WRK2:-none}"

# Moments of a run, read from /proc: machine busy, steal and nginx ticks (one process: no master),
# and the time.
mark() { echo "$(machine_busy_ticks) $(steal_ticks) $(cpu_ticks "$NGINX_PID") $(date +%s%N)"; }

# foreign_and_steal MARK_BEFORE MARK_AFTER TOOL_CPU_SECONDS: "foreign% steal%" of all cores
# over the interval; foreign = machine busy − the tool − nginx.
foreign_and_steal() {
  awk -v b="$1" -v a="$2" -v tool="$3" -v hz="$CLK_TCK" -v n="$NPROC" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    wall = (y[4] - x[4]) / 1e9; all = wall * hz * n
    foreign = (y[1] - x[1]) - (y[3] - x[3]) - tool * hz
    if (foreign < 0) foreign = 0
    printf "%.1f %.1f", 100 * foreign / all, 100 * (y[2] - x[2]) / all }'
}

# run_tool OUT COMMAND...: runs a load tool in the background (stopped by the trap on Ctrl-C),
# waits for it, and sets TOOL_CPU (its CPU seconds, from bash's children times) and RUN_MARKS.
run_tool() {
  local out=$1 before after pid
  shift
  children_cpu_seconds_to "$WORK/times.before"
  before=$(mark)
  "$@" >"$out" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  wait "$pid" || { echo "failed: $*" >&2; cat "$out" >&2; exit 1; }
  forget_pid "$pid"
  after=$(mark)
  children_cpu_seconds_to "$WORK/times.after"
  TOOL_CPU=$(awk -v a="$(children_cpu_seconds "$WORK/times.after")" -v b="$(children_cpu_seconds "$WORK/times.before")" \
    'BEGIN { printf "%.3f", a - b }')
  RUN_MARKS=$(foreign_and_steal "$before" "$after" "$TOOL_CPU")
}

# arrivals_since LINES: how evenly the requests logged after the first LINES lines of the
# arrivals log arrived over their last SECONDS_PER_RUN - 1 s (after nginx's 1 s flush): "E M",
# E the percentage of milliseconds with no arrival, M the most arrivals in one millisecond.
arrivals_since() {
  sleep 1.5
  awk -v from="$(($1 + 1))" -v keep="$((SECONDS_PER_RUN - 1))" '
    NR >= from { t[++n] = $1 }
    END {
      if (n == 0) { print "- -"; exit }
      low = t[n] - keep; first = -1; last = -1; base = int(t[1]) # mawk: int() holds 31 bits, so ms from base
      for (i = 1; i <= n; i++) if (t[i] >= low) {
        ms = int((t[i] - base) * 1000 + 0.5); count[ms]++
        if (first < 0 || ms < first) first = ms
        if (ms > last) last = ms
      }
      busy = 0; most = 0
      for (ms in count) { busy++; if (count[ms] > most) most = count[ms] }
      span = last - first + 1
      printf "%.0f %d", 100 * (span - busy) / span, most
    }' "$ARRIVALS"
}
arrival_lines() { if [[ -f $ARRIVALS ]]; then wc -l < "$ARRIVALS"; else echo 0; fi; }

# wakeup_p99 FILE: the wake-up probe's p99 in a result.json (how late the machine woke a sleeping
# thread of the client's beside the run), "-" when it has none.
wakeup_p99() {
  python3 -c 'import json,sys; w=json.load(open(sys.argv[1])).get("wakeup_latency"); print("%.2f" % w["p99_ms"] if w and w["samples"] else "-")' "$1"
}

# csv_field FILE COLUMN: a column of a result.csv (header line and one row; no quoted commas in
# the numeric columns read here).
csv_field() {
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i } NR == 2 { print $c }' "$1"
}

client_flags() { # TRANSPORT MODE: the JVM flags and client options of a transport variant
  local flags=("${CLIENT_FLAGS[@]}")
  case $1 in
    netty-nio) flags+=(-Dloadlab.netty.io=nio) ;;
    netty-epoll) flags+=(-Dloadlab.netty.io=epoll) ;;
    jdk) [[ $2 == closed ]] && flags+=("${JDK_CLOSED_FLAGS[@]}") ;;
  esac
  echo "${flags[*]}"
}

transport_option() { [[ $1 == jdk ]] && echo jdk || echo netty; }


RESULTS=()   # "round kind tool rps cpu10k foreign steal extra"
record() { RESULTS+=("$*"); printf '  %-12s %-10s %10s req/s %8s CPU-s/10k  foreign %s%%, steal %s%%  %s\n' "$2" "$3" "$4" "$5" "$6" "$7" "${*:8}"; }

for round in $(seq "$ROUNDS"); do
  echo "== round $round: closed loop, $CONCURRENCY connections"
  run_tool "$WORK/wrk.txt" wrk -t1 -c"$CONCURRENCY" -d"${SECONDS_PER_RUN}s" "$URL"
  parse_wrk "$WORK/wrk.txt"
  read -r foreign steal <<< "$RUN_MARKS"
  record "$round" closed wrk "$WRK_RPS" "$(awk -v c="$TOOL_CPU" -v n="$WRK_REQUESTS" 'BEGIN { printf "%.3f", c * 10000 / n }')" \
    "$foreign" "$steal" "errors $WRK_SOCKET_ERRORS"
  for transport in "${TRANSPORTS[@]}"; do
    [[ -z $(grid_option "$transport") ]] || continue # a wake-up grid paces open loops only
    out="$WORK/closed-$transport-$round"
    read -r -a flags <<< "$(client_flags "$transport" closed)"
    run_tool "$out.txt" "$JAVA" "${flags[@]}" -jar "$JAR" --url "$URL" --transport "$(transport_option "$transport")" \
      --concurrency "$CONCURRENCY" --warmup "${WARMUP}s" --duration "${SECONDS_PER_RUN}s" --quiet --output "$out"
    read -r foreign steal <<< "$RUN_MARKS"
    record "$round" closed "$transport" "$(csv_field "$out/result.csv" throughput_rps | cut -d. -f1)" \
      "$(csv_field "$out/result.csv" client_cpu_per_10k_requests)" "$foreign" "$steal" \
      "failed $(csv_field "$out/result.csv" failed); limited $(csv_field "$out/result.csv" client_limited)"
  done
  for rate in "${OPEN_RATES[@]}"; do
    echo "== round $round: open loop, $rate req/s over $OPEN_CONNECTIONS connections"
    if [[ -n "$WRK2" ]]; then
      lines=$(arrival_lines)
      run_tool "$WORK/wrk2.txt" "$WRK2" -t1 -c"$OPEN_CONNECTIONS" -d"${SECONDS_PER_RUN}s" -R"$rate" "$OPEN_URL"
      parse_wrk "$WORK/wrk2.txt"
      read -r foreign steal <<< "$RUN_MARKS"
      read -r empty most <<< "$(arrivals_since "$lines")"
      record "$round" "open-$rate" wrk2 "$WRK_RPS" \
        "$(awk -v c="$TOOL_CPU" -v n="$WRK_REQUESTS" 'BEGIN { printf "%.3f", c * 10000 / n }')" "$foreign" "$steal" \
        "sent $WRK_REQUESTS; arrivals: ${empty}% of ms empty, at most $most in one"
    fi
    for transport in "${TRANSPORTS[@]}"; do
      out="$WORK/open-$rate-$transport-$round"
      read -r -a flags <<< "$(client_flags "$transport" open)"
      read -r -a grid <<< "$(grid_option "$transport")"
      lines=$(arrival_lines)
      run_tool "$out.txt" "$JAVA" "${flags[@]}" -jar "$JAR" --url "$OPEN_URL" --transport "$(transport_option "$transport")" \
        --rate "$rate" --connections "$OPEN_CONNECTIONS" --warmup "${WARMUP}s" --duration "${SECONDS_PER_RUN}s" \
        "${grid[@]}" --quiet --output "$out"
      read -r foreign steal <<< "$RUN_MARKS"
      read -r empty most <<< "$(arrivals_since "$lines")"
      record "$round" "open-$rate" "$transport" "$(csv_field "$out/result.csv" throughput_rps | cut -d. -f1)" \
        "$(csv_field "$out/result.csv" client_cpu_per_10k_requests)" "$foreign" "$steal" \
        "sent $(csv_field "$out/result.csv" sent) of $(( rate * SECONDS_PER_RUN )); lag p99 $(csv_field "$out/result.csv" dispatch_lag_p99_ms) ms (wake-ups p99 $(wakeup_p99 "$out/result.json") ms); limited $(csv_field "$out/result.csv" client_limited); arrivals: ${empty}% of ms empty, at most $most in one"
    done
  done
done

# Ratios of each client run to the reference tool of its round (wrk closed, wrk2 open), and
# their median over the rounds.
echo
echo "== ratios to the reference of the same round (CPU per 10k, and req/s for the closed loop)"
printf '%s\n' "${RESULTS[@]}" | awk '
  { round = $1; kind = $2; tool = $3; rps[round, kind, tool] = $4; cpu[round, kind, tool] = $5
    kinds[kind] = 1; if (round > rounds) rounds = round
    if (tool != "wrk" && tool != "wrk2") tools[kind, tool] = 1 }
  function median(v, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  END {
    for (key in tools) {
      split(key, k, SUBSEP); kind = k[1]; tool = k[2]; ref = (kind == "closed") ? "wrk" : "wrk2"
      n = 0; line = ""
      for (r = 1; r <= rounds; r++) {
        if (!((r, kind, ref) in cpu) || cpu[r, kind, ref] == 0) continue
        n++; c[n] = cpu[r, kind, tool] / cpu[r, kind, ref]; q[n] = rps[r, kind, tool] / rps[r, kind, ref]
        line = line sprintf(" %.2f", c[n]) (kind == "closed" ? sprintf(" (req/s %.2f)", q[n]) : "")
      }
      if (n == 0) { printf "  %-12s %-12s no %s runs to compare with\n", kind, tool, ref; continue }
      m = median(c, n); mq = median(q, n)
      printf "  %-12s %-12s CPU/10k vs %s per round:%s; median %.2f%s\n", kind, tool, ref, line, m,
        kind == "closed" ? sprintf(", req/s median %.2f", mq) : ""
    }
  }' | sort
