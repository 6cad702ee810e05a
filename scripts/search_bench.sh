#!/usr/bin/env bash
# Search benchmark: the daemon's end-to-end indexing rate (change log -> Elasticsearch acknowledged ->
# cursor saved) beside the node's own ceiling on this machine (scripts/perf/bulk_loader.py: the same
# documents and mapping, the same bulk size, as many client threads as the daemon has bulks in flight,
# no daemon), in one run. Each daemon first indexes an unmeasured pass of WARM events (default 3 N: its
# JIT, and the node's, warm up), then the measured pass of N; the loader then does the same (WARM
# documents, then N measured, into one index) on the warm node. The daemon's
# and the node's CPU during the measured pass are printed beside the rates.
#
#   scripts/search_bench.sh                       # N=50000, BULKS "500 2000", IN_FLIGHT "2 4", refresh 30s
#   N=100000 BULKS="1000" IN_FLIGHT=4 REFRESH=1s scripts/search_bench.sh
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
. "$root/scripts/perf/lib.sh"
N=${N:-50000}
BULKS=${BULKS:-"500 2000"}
REFRESH=${REFRESH:-30s}
IN_FLIGHT=${IN_FLIGHT:-"2 4"}
WARM=${WARM:-$((3 * N))}
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
printf 'events: a warm-up pass of %s, then the measured pass of %s; refresh interval %s; 0 replicas\n' "$WARM" "$N" "$REFRESH"
printf 'the loader runs as many client threads as the daemon has bulks in flight\n\n'
printf '%-10s %8s %16s %16s %8s %13s %9s\n' "bulk size" "in flight" "ceiling docs/s" "daemon events/s" "ratio" "daemon cores" "es cores"

# CPU time (1/100 s) of one process, and of all PostgreSQL backends
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
es_jvm=$(pgrep -f org.elasticsearch.bootstrap.Elasticsearch | head -n 1 || true)
commit_rows() {
  q "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
     SELECT 'Bench', gen_random_uuid(), 'INSERT', jsonb_build_object('n', g, 'title', 'post ' || g)
       FROM generate_series(1, $1) g RETURNING pk_entity_change_log" | tail -n 1
}
wait_indexed() {
  await_true "$db_url" "$(cursors_cover_sql "$1" 'search:events#%')" "$daemon_pid" || { cat "$work/daemon.log" >&2; exit 1; }
}

for bulk in $BULKS; do
  for flight in $IN_FLIGHT; do
    prefix="bench-$$-$bulk-$flight"
    psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_search" -c "CREATE DATABASE observers_search" >/dev/null
    OBSERVERS_DB_URL=$db_url OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false \
      OBSERVERS_HTTP_PORT=$(free_port) OBSERVERS_ELASTICSEARCH_URL=$SEARCH_URL OBSERVERS_ELASTICSEARCH_INDEX_PREFIX=$prefix \
      OBSERVERS_ELASTICSEARCH_REPLICAS=0 OBSERVERS_ELASTICSEARCH_REFRESH_INTERVAL=$REFRESH \
      OBSERVERS_ELASTICSEARCH_BULK_SIZE=$bulk OBSERVERS_ELASTICSEARCH_MAX_CONCURRENT_REQUESTS=$flight \
      OBSERVERS_ELASTICSEARCH_FLUSH_INTERVAL_MS=200 OBSERVERS_CHECKPOINT_BATCH_SIZE=1000 OBSERVERS_CLAIMS_PARTITIONS=1 \
      "$root/scripts/observers" run >"$work/daemon.log" 2>&1 &
    daemon_pid=$!
    touch "$work/daemon.log"
    for _ in $(seq 1 600); do
      grep -q "observers running" "$work/daemon.log" && break
      kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
      sleep 0.1
    done
    for _ in $(seq 1 300); do
      curl -sf "$SEARCH_URL/_index_template/$prefix-events" >/dev/null && break
      sleep 0.1
    done
    # A first pass of WARM events warms the daemon's JIT up (a daemon runs for days; in its first
    # hundreds of thousands of events the compiler threads take more CPU than the work), then the
    # measured pass: the clock starts at its commit, before which the daemon can see none of its rows.
    wait_indexed "$(commit_rows "$WARM")"
    sleep 1
    last=$(commit_rows "$N")
    start=$(date +%s.%N); d0=$(ticks "$daemon_pid"); e0=$(ticks "${es_jvm:-0}")
    wait_indexed "$last"
    end=$(date +%s.%N); d1=$(ticks "$daemon_pid"); e1=$(ticks "${es_jvm:-0}")
    kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
    ceiling=$(python3 "$root/scripts/perf/bulk_loader.py" "$SEARCH_URL" "$prefix" "load-$prefix" "$N" "$bulk" "$flight" "$WARM")
    last_rate=$(awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { printf "%d", n / (e - s) }')
    awk -v rate="$last_rate" -v c="$ceiling" -v b="$bulk" -v f="$flight" -v s="$start" -v e="$end" \
        -v d=$((d1 - d0)) -v es=$((e1 - e0)) \
        'BEGIN { w = e - s; printf "%-10s %8s %16d %16d %8.2f %13.2f %9.2f\n", b, f, c, rate, rate / c, d / 100 / w, es / 100 / w }'
    curl -sf -X DELETE "$SEARCH_URL/$prefix-*,load-$prefix-*" >/dev/null || true
  done
done

first_bulk=${BULKS%% *}
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
touch "$work/daemon.log"
for _ in $(seq 1 600); do
  grep -q "observers running" "$work/daemon.log" && break
  sleep 0.1
done
for _ in $(seq 1 300); do
  curl -sf "$SEARCH_URL/_index_template/$prefix-events" >/dev/null && break
  sleep 0.1
done
wait_indexed "$(commit_rows "$WARM")"   # as above: the measured daemon is a warm one
sleep 1
python3 "$root/scripts/perf/searchable_latency.py" "$db_url" "$SEARCH_URL" "$prefix" "$half" "${LATENCY_SECS:-30}" \
  | awk '{ printf "%-10s %10s %10s %10s %10s\n", $1, $2, $3, $4, $5 }'
kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
curl -sf -X DELETE "$SEARCH_URL/$prefix-*" >/dev/null || true
psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_search" >/dev/null
