#!/usr/bin/env bash
# Lookup cache benchmark: the same workload (K events over a few hot keys, one HTTP lookup each, from a
# local server that answers after 200 ms) without a cache and under the two-level cache, printed as a
# Markdown table: hit rate per level, source calls, wall time, events/s.
#
#   scripts/cache_bench.sh                    # 2000 events, 20 keys, 64 workers, 200 ms source
#   scripts/cache_bench.sh 5000 50 100 200    # events, distinct keys, workers, source delay (ms)
#
# Redis: OBSERVERS_TEST_REDIS_URL when set, else Testcontainers when Docker runs, else an embedded
# Redis (the test harness's choice). Keys live under a unique prefix and are removed at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME=$candidate
      break
    fi
  done
fi
cd "$root"
classpath=target/cache-bench.classpath
echo "building (mvn test-compile) …" >&2
mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath" >&2
printf 'date: %s; machine: %s, %s vCPU %s, %s; Java %s\n' "$(date -u +%Y-%m-%d)" "$(uname -srm)" "$(nproc)" \
  "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" "$(java_major "$JAVA_HOME")"
exec "$JAVA_HOME/bin/java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/test-classes:target/classes:$(cat "$classpath")" \
  dev.observers.lookup.CacheBench "$@"
