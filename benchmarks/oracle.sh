#!/usr/bin/env bash
# The client against ground truth: for each rate and service time, the client's latency
# percentiles next to the ones a perfect open-loop generator must report (OracleComparison:
# the client's oracle server in one JVM, client.jar run in another, loopback only).
#
#   benchmarks/oracle.sh            (build first: mvn -B -q -DskipTests install)
#
# Each run: WARMUP s of warm-up, DURATION s measured, a 1 s stall of the oracle halfway through,
# connections 4 x rate x service time (at least 50), so that requests wait for a connection in
# the stall. About (WARMUP + DURATION + 3) s per run; every process it starts ends with it.
#
# Environment: RATES ("1000 5000 20000"), SERVICES ("fixed exponential"), SERVICE_MS (10),
# WARMUP (2), DURATION (10), CLIENT_JVM_FLAGS (-XX:+UseSerialGC -Xms512m -Xmn256m).
set -euo pipefail

read -r -a RATES <<< "${RATES:-1000 5000 20000}"
read -r -a SERVICES <<< "${SERVICES:-fixed exponential}"
SERVICE_MS=${SERVICE_MS:-10}
WARMUP=${WARMUP:-2}
DURATION=${DURATION:-10}
CLIENT_JVM_FLAGS=${CLIENT_JVM_FLAGS:--XX:+UseSerialGC -Xms512m -Xmn256m}
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/bench-lib.sh"
install_cleanup_trap
CLIENT_JAR="$LOADLAB_ROOT/client/target/client.jar"
for jar in "$CLIENT_JAR" "$BENCH_JAR"; do
  [[ -f "$jar" ]] || { echo "missing $jar: build first (mvn -B -q -DskipTests install)" >&2; exit 1; }
done

for service in "${SERVICES[@]}"; do
  for rate in "${RATES[@]}"; do
    echo
    "$JAVA" -XX:+UseSerialGC -cp "$BENCH_JAR" dev.loadlab.benchmarks.oracle.OracleComparison \
      --client-jar "$CLIENT_JAR" --rate "$rate" --service "$service" --service-ms "$SERVICE_MS" \
      --warmup-s "$WARMUP" --duration-s "$DURATION" --client-jvm-options "$CLIENT_JVM_FLAGS" &
    STARTED_PIDS+=($!)
    wait $! || log "the comparison at $rate req/s ($service) failed"
    forget_pid $!
  done
done
