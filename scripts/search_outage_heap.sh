#!/usr/bin/env bash
# Heap during an Elasticsearch outage: the daemon indexes into a port where nothing listens while the
# test commits RATE events/s for OUTAGE_SECS; every 30 s the daemon's heap is collected (jcmd GC.run)
# and its live heap, the search subscription's lag and the documents waiting are printed. Flat heap
# with a growing lag is the goal: the in-flight bound, not the outage, decides what is held in memory.
#
#   scripts/search_outage_heap.sh                     # RATE=500, OUTAGE_SECS=600
#   RATE=2000 OUTAGE_SECS=120 scripts/search_outage_heap.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RATE=${RATE:-500}
OUTAGE_SECS=${OUTAGE_SECS:-600}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
admin_url=$PERF_DB_URL
db_url="${PERF_DB_URL%/*}/observers_outage"
work=$(mktemp -d /tmp/observers-outage.XXXXXX)
trap 'kill ${daemon_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
[ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && scripts/observers --version >/dev/null)
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
q() { psql "$db_url" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_outage" -c "CREATE DATABASE observers_outage" >/dev/null
http_port=$(free_port)
OBSERVERS_DB_URL=$db_url OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false \
  OBSERVERS_HTTP_PORT=$http_port OBSERVERS_ELASTICSEARCH_URL=http://127.0.0.1:$(free_port) \
  OBSERVERS_LAG_REFRESH_MS=1000 OBSERVERS_JAVA_OPTS="-Xmx512m" "$root/scripts/observers" run >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 600); do grep -qs "observers running" "$work/daemon.log" && break; sleep 0.1; done

metric() { curl -s "http://127.0.0.1:$http_port/q/metrics" | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%d", s}'; }
printf 'Elasticsearch unreachable; %s events/s committed for %s s; daemon -Xmx512m\n' "$RATE" "$OUTAGE_SECS"
printf '%8s %12s %14s %16s %16s\n' "seconds" "committed" "search lag" "documents held" "live heap MiB"
start=$(date +%s)
committed=0
next_sample=0
while :; do
  now=$(( $(date +%s) - start ))
  [ "$now" -ge "$OUTAGE_SECS" ] && break
  q "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
     SELECT 'Outage', gen_random_uuid(), 'INSERT', jsonb_build_object('n', g, 'title', 'post ' || g)
       FROM generate_series(1, $RATE) g" >/dev/null
  committed=$(( committed + RATE ))
  if [ "$now" -ge "$next_sample" ]; then
    "$java_home/bin/jcmd" "$daemon_pid" GC.run >/dev/null 2>&1 || true
    sleep 0.5
    heap=$(curl -s "http://127.0.0.1:$http_port/q/metrics" \
      | awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ {s += $NF} END {printf "%.0f", s / 1048576}')
    printf '%8d %12d %14d %16d %16s\n' "$now" "$committed" "$(metric 'observer_checkpoint_lag_events{listener="search:events"')" \
      "$(metric observer_search_pending)" "$heap"
    next_sample=$(( next_sample + 30 ))
  fi
  sleep 1
done
kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_outage" >/dev/null
