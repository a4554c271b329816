#!/usr/bin/env bash
# loadlab's main job: the full comparison in one command, ending in a report.
#
#   ./run_tests.sh            the default profile (about 7.5 minutes on 2 cores)
#   ./run_tests.sh --full     the thorough one
#   ./run_tests.sh --help     every option, with its default
#
# Builds whatever jar is missing or older than its sources, then runs the suite (suite.jar), which
# starts and stops every server, balancer and client jar itself (loopback only) and writes
# results/<timestamp>/: every run's files, results.csv, report.md and report.html.
set -euo pipefail
cd "$(dirname "$0")"

JAVA_HOME="$(bin/jdk-home)"
export JAVA_HOME

stale=""
for module in server-threads server-virtual-threads server-async balancer client suite; do
  jar="$module/target/$module.jar"
  # api is in every server's jar: a change to it makes them stale too.
  if [[ ! -f $jar ]] || [[ -n $(find "$module/src" "$module/pom.xml" api/src api/pom.xml client/src pom.xml \
      -newer "$jar" -print -quit) ]]; then
    stale="$stale $module"
  fi
done
if [[ -n $stale ]]; then
  echo "building (missing or out of date:$stale) ..."
  mvn -B -q -ntp package -DskipTests
fi

exec "$JAVA_HOME/bin/java" -jar suite/target/suite.jar run --home "$PWD" "$@"
