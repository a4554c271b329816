#!/usr/bin/env bash
# loadlab's main job: the full comparison in one command, ending in a report.
#
#   ./run_tests.sh            the default profile (about 5 minutes on 2 cores)
#   ./run_tests.sh --full     the thorough one
#   ./run_tests.sh --help     every option, with its default
#
# Builds whatever jar is missing or older than its sources, then runs `client suite`, which starts
# and stops every server, balancer and client itself (loopback only) and writes
# results/<timestamp>/: every run's files, results.csv, report.md and report.html.
set -euo pipefail
cd "$(dirname "$0")"

JAVA_HOME="$(bin/jdk-home)"
export JAVA_HOME

stale=""
for module in api server-threads server-virtual-threads server-async balancer client; do
  jar="$module/target/$module.jar"
  if [[ $module == api ]]; then
    jar="api/target/api.jar"
  fi
  if [[ ! -f $jar ]] || [[ -n $(find "$module/src" "$module/pom.xml" pom.xml -newer "$jar" -print -quit) ]]; then
    stale="$stale $module"
  fi
done
if [[ -n $stale ]]; then
  echo "building (missing or out of date:$stale) ..."
  mvn -B -q -ntp package -DskipTests
fi

exec "$JAVA_HOME/bin/java" -jar client/target/client.jar suite --home "$PWD" "$@"
