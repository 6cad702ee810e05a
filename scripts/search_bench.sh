#!/usr/bin/env bash
# Search benchmark: the daemon's end-to-end indexing rate (change log -> Elasticsearch acknowledged ->
# cursor saved) beside the node's own ceiling on this machine (scripts/perf/bulk_loader.py: the same
# documents and mapping, the same bulk size, THREADS client threads, no daemon), in one run. A first
# unreported round (daemon and loader) warms the node up, so neither side pays for its JIT.
#
#   scripts/search_bench.sh                       # N=50000, BULK sizes "500 2000", refresh 30s
#   N=100000 BULKS="1000" REFRESH=1s scripts/search_bench.sh
#   SEARCH_URL=http://127.0.0.1:9200 scripts/search_bench.sh   # an Elasticsearch of your own
#
# Then, at half the daemon's last rate and with a 1 s refresh interval, the latency from commit to
# searchable (scripts/perf/searchable_latency.py: a marker row per 100 ms batch, polled by id).
#
# Without SEARCH_URL it starts the 8.19.21 test node the build unpacks into target/elasticsearch (run
# `mvn verify` or `mvn generate-test-resources` once), as user nobody when run as root. Needs psql and
# python3; PERF_DB_URL as in scripts/perf_test.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${N:-50000}
BULKS=${BULKS:-"500 2000"}
REFRESH=${REFRESH:-30s}
THREADS=${THREADS:-2}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
admin_url=$PERF_DB_URL
db_url="${PERF_DB_URL%/*}/observers_search"
work=$(mktemp -d /tmp/observers-search.XXXXXX)
chmod 755 "$work"
trap 'kill ${daemon_pid:-} 2>/dev/null || true; [ -n "${es_pid:-}" ] && kill "$es_pid" 2>/dev/null; rm -rf "$work"' EXIT

command -v psql >/dev/null || { echo "search_bench: psql is required" >&2; exit 1; }
[ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && scripts/observers --version >/dev/null)
q() { psql "$db_url" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ -z "${SEARCH_URL:-}" ]; then
  home=$(ls -d "$root"/target/elasticsearch/elasticsearch-* 2>/dev/null | head -n 1)
  [ -n "$home" ] || { echo "search_bench: no test node in target/elasticsearch; run mvn generate-test-resources" >&2; exit 1; }
  port=$(free_port)
  cp -r "$home/config" "$work/config"; mkdir -p "$work/data" "$work/logs" "$work/tmp"
  as=()
  if [ "$(id -u)" = 0 ]; then chown -R 65534:65534 "$work"; as=(setpriv --reuid=65534 --regid=65534 --clear-groups --); fi
  ES_JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64} ES_PATH_CONF="$work/config" ES_TMPDIR="$work/tmp" \
    ES_JAVA_OPTS="-Xms1g -Xmx1g" "${as[@]}" "$home/bin/elasticsearch" -E discovery.type=single-node \
    -E xpack.security.enabled=false -E network.host=127.0.0.1 -E http.port="$port" -E path.data="$work/data" \
    -E path.logs="$work/logs" -E cluster.routing.allocation.disk.threshold_enabled=false -E action.destructive_requires_name=false >"$work/es.log" 2>&1 &
  es_pid=$!
  SEARCH_URL=http://127.0.0.1:$port
  for _ in $(seq 1 180); do curl -sf "$SEARCH_URL/_cluster/health?wait_for_status=yellow" >/dev/null && break; sleep 1; done
fi
es_version=$(curl -sf "$SEARCH_URL/_nodes/_local" | python3 -c 'import json,sys; print(next(iter(json.load(sys.stdin)["nodes"].values()))["version"])')

printf 'machine: %s, %s cores, %s; PostgreSQL: %s; Elasticsearch %s (1 GiB heap, on the same machine)\n' \
  "$(uname -srm)" "$(nproc)" "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" \
  "$(psql "$admin_url" -qtAX -c 'SHOW server_version')" "$es_version"
printf 'events per run: %s; refresh interval %s; 0 replicas; loader threads %s\n\n' "$N" "$REFRESH" "$THREADS"
printf '%-10s %16s %16s %8s\n' "bulk size" "ceiling docs/s" "daemon events/s" "ratio"


first_bulk=${BULKS%% *}
for bulk in $first_bulk $BULKS; do
  prefix="bench-$$-$bulk-${warmed:-warmup}"
  psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_search" -c "CREATE DATABASE observers_search" >/dev/null
  http_port=$(free_port)
  OBSERVERS_DB_URL=$db_url OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false \
    OBSERVERS_HTTP_PORT=$http_port OBSERVERS_ELASTICSEARCH_URL=$SEARCH_URL OBSERVERS_ELASTICSEARCH_INDEX_PREFIX=$prefix \
    OBSERVERS_ELASTICSEARCH_REPLICAS=0 OBSERVERS_ELASTICSEARCH_REFRESH_INTERVAL=$REFRESH \
    OBSERVERS_ELASTICSEARCH_BULK_SIZE=$bulk OBSERVERS_ELASTICSEARCH_FLUSH_INTERVAL_MS=200 \
    OBSERVERS_CHECKPOINT_BATCH_SIZE=1000 OBSERVERS_CLAIMS_PARTITIONS=1 \
    "$root/scripts/observers" run >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 600); do
    grep -q "observers running" "$work/daemon.log" && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
    sleep 0.1
  done
  for _ in $(seq 1 300); do
    curl -sf "$SEARCH_URL/_index_template/$prefix-events" >/dev/null && break
    sleep 0.1
  done
  last=$(q "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
            SELECT 'Bench', gen_random_uuid(), 'INSERT', jsonb_build_object('n', g, 'title', 'post ' || g)
              FROM generate_series(1, $N) g RETURNING pk_entity_change_log" | tail -n 1)
  # the clock starts at the commit: before it the daemon can see none of the rows
  start=$(date +%s.%N)
  while :; do
    [ "$(q "SELECT COALESCE(bool_and(last_processed_id >= $last), false) FROM public.observer_checkpoints
             WHERE listener_id LIKE 'search:events#%'")" = t ] && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s.%N)
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
  if [ -z "${warmed:-}" ]; then
    # the first round only warmed the node up (JIT, first index creations): measure it again
    warmed=1
    python3 "$root/scripts/perf/bulk_loader.py" "$SEARCH_URL" "$prefix" "warm-$prefix" "$N" "$bulk" "$THREADS" >/dev/null
    curl -sf -X DELETE "$SEARCH_URL/$prefix-*,warm-$prefix-*" >/dev/null || true
    continue
  fi
  ceiling=$(python3 "$root/scripts/perf/bulk_loader.py" "$SEARCH_URL" "$prefix" "load-$prefix" "$N" "$bulk" "$THREADS")
  last_rate=$(awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { printf "%d", n / (e - s) }')
  awk -v rate="$last_rate" -v c="$ceiling" -v b="$bulk" 'BEGIN { printf "%-10s %16d %16d %8.2f\n", b, c, rate, rate / c }'
  curl -sf -X DELETE "$SEARCH_URL/$prefix-*,load-$prefix-*" >/dev/null || true
done

# Commit to searchable at half the daemon's last rate, with a refresh interval of 1 s.
half=$(( ${last_rate:-10000} / 2 ))
printf '\ncommit to searchable: %s events/s for %s s, refresh 1s, bulk %s\n' "$half" "${LATENCY_SECS:-30}" "$first_bulk"
printf '%-10s %10s %10s %10s %10s\n' "markers" "found" "p50 ms" "p99 ms" "max ms"
prefix="latency-$$"
psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_search" -c "CREATE DATABASE observers_search" >/dev/null
OBSERVERS_DB_URL=$db_url OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false \
  OBSERVERS_HTTP_PORT=$(free_port) OBSERVERS_ELASTICSEARCH_URL=$SEARCH_URL OBSERVERS_ELASTICSEARCH_INDEX_PREFIX=$prefix \
  OBSERVERS_ELASTICSEARCH_REPLICAS=0 OBSERVERS_ELASTICSEARCH_REFRESH_INTERVAL=1s \
  OBSERVERS_ELASTICSEARCH_BULK_SIZE=$first_bulk OBSERVERS_ELASTICSEARCH_FLUSH_INTERVAL_MS=200 \
  OBSERVERS_CLAIMS_PARTITIONS=1 "$root/scripts/observers" run >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 600); do
  grep -q "observers running" "$work/daemon.log" && break
  sleep 0.1
done
for _ in $(seq 1 300); do
  curl -sf "$SEARCH_URL/_index_template/$prefix-events" >/dev/null && break
  sleep 0.1
done
python3 "$root/scripts/perf/searchable_latency.py" "$db_url" "$SEARCH_URL" "$prefix" "$half" "${LATENCY_SECS:-30}" \
  | awk '{ printf "%-10s %10s %10s %10s %10s\n", $1, $2, $3, $4, $5 }'
kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
curl -sf -X DELETE "$SEARCH_URL/$prefix-*" >/dev/null || true
psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_search" >/dev/null
