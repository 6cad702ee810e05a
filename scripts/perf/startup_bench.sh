#!/usr/bin/env bash
# Start-up of the packaged daemon with and without its JDK AOT cache (target/quarkus-app/app.aot, trained by
# mvn verify): time from exec to the first successful /q/health/ready, RSS when ready, RSS 5 s later at
# idle, and peak RSS while it drains a backlog of N events (one log observer). ROUNDS alternating runs each.
#
#   scripts/perf/startup_bench.sh
#   ROUNDS=5 N=200000 scripts/perf/startup_bench.sh
#
# Environment: PERF_DB_URL (a server whose user may create databases; 127.0.0.1:5432 by default),
# PERF_REDIS_URL (redis://127.0.0.1:6379), ROUNDS (3), N (100000).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
N=${N:-100000}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
PERF_REDIS_URL=${PERF_REDIS_URL:-redis://127.0.0.1:6379}
app="$root/target/quarkus-app"
[ -f "$app/app.aot" ] || { echo "startup_bench: no $app/app.aot: run mvn verify (AotCacheIT trains it)" >&2; exit 1; }
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
db_url=${PERF_DB_URL%/*}/observers_startup
work=$(mktemp -d)
trap 'psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_startup" >/dev/null 2>&1; rm -rf "$work"' EXIT
psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_startup" -c "CREATE DATABASE observers_startup" >/dev/null
# shellcheck source=lib.sh
. "$root/scripts/perf/lib.sh"
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$1/status" 2>/dev/null || echo 0; }

# once <label> <jvm options...>: prints "<ms to ready> <RSS ready> <RSS idle> <peak RSS under load>"
once() {
  shift
  local port=$(( 20000 + RANDOM % 20000 )) began pid ms ready idle peak=0 r
  began=$(date +%s%N)
  OBSERVERS_DB_URL="$db_url" OBSERVERS_REDIS_URL="$PERF_REDIS_URL" OBSERVERS_REDIS_KEY_PREFIX="startup-$$:" \
    OBSERVERS_CONFIG="$root/scripts/perf/log-observer.yaml" OBSERVERS_HTTP_PORT=$port \
    "$java" -Xmx256m "$@" -jar "$app/quarkus-run.jar" run >"$work/daemon.log" 2>&1 &
  pid=$!
  until curl -sf --max-time 1 "http://127.0.0.1:$port/q/health/ready" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
    sleep 0.01
  done
  ms=$(( ($(date +%s%N) - began) / 1000000 ))
  ready=$(rss "$pid"); sleep 5; idle=$(rss "$pid")
  psql "$db_url" -qtAX -c "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
      SELECT 'Order', md5((g % 20000)::text)::uuid, 'INSERT', jsonb_build_object('total', g, 'name', 'order-' || g)
        FROM generate_series(1, $N) g" >/dev/null
  local last
  last=$(psql "$db_url" -qtAX -c "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")
  until [ "$(psql "$db_url" -qtAX -c "$(cursors_cover_sql "$last" 'observer:%')")" = t ]; do
    r=$(rss "$pid"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.2
  done
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ms $ready $idle $peak"
}

printf 'date: %s\nmachine: %s, %s cores\njava: %s\nAOT cache: %s MB\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -srm)" "$(nproc)" \
  "$("$java" -version 2>&1 | head -n 1)" "$(( $(stat -c %s "$app/app.aot") / 1000000 ))"
printf '%-10s %6s %12s %12s %12s %14s\n' start round "ready ms" "RSS ready" "RSS idle" "RSS load peak"
for i in $(seq 1 "$ROUNDS"); do
  read -r a b c d < <(once plain)
  printf '%-10s %6s %12s %12s %12s %14s\n' plain "$i" "$a" "$b MB" "$c MB" "$d MB"
  read -r a b c d < <(once aot -XX:AOTCache="$app/app.aot")
  printf '%-10s %6s %12s %12s %12s %14s\n' "AOT cache" "$i" "$a" "$b MB" "$c MB" "$d MB"
done
