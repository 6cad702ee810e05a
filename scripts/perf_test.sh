#!/usr/bin/env bash
# Core-path benchmark: events/s through the daemon (a log action, no Redis dedup, no Elasticsearch)
# at checkpoint batch sizes 1, 10, 100 and 1000, printed as a table next to the figures FraiseQL's
# guide claims for the same sizes.
#
#   scripts/perf_test.sh                      # N=20000 events per size, sizes "1 10 100 1000"
#   N=50000 SIZES="100 1000" scripts/perf_test.sh
#   PERF_DB_URL=postgresql://postgres@127.0.0.1:5432/postgres scripts/perf_test.sh
#   DEDUP=on PERF_REDIS_URL=redis://127.0.0.1:6379 scripts/perf_test.sh   # with the Redis dedup window
#
# Needs psql. PERF_DB_URL names a server whose user may create databases (default: the local
# server on 127.0.0.1:5432); the benchmark creates and drops its own database, observers_perf.
# Method per size: start the daemon on an empty log, wait until it is running, commit N change-log
# rows in one INSERT, and time from that commit until the checkpoint covers the last row.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${N:-20000}
SIZES=${SIZES:-"1 10 100 1000"}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
DEDUP=${DEDUP:-off}
PERF_REDIS_URL=${PERF_REDIS_URL:-redis://127.0.0.1:6379}
admin_url=$PERF_DB_URL
db_url="${PERF_DB_URL%/*}/observers_perf"
work=$(mktemp -d /tmp/observers-perf.XXXXXX)
trap 'kill "${daemon_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

command -v psql >/dev/null || { echo "perf_test: psql is required (apt-get install postgresql-client)" >&2; exit 1; }
[ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && scripts/observers --version >/dev/null)

declare -A fraiseql=([1]=5000 [10]=15000 [100]=50000 [1000]=80000)
q() { psql "$db_url" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }

printf 'machine: %s, %s cores, %s; PostgreSQL: %s\n' "$(uname -srm)" "$(nproc)" \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" \
  "$(psql "$admin_url" -qtAX -c 'SHOW server_version')"
printf 'events per run: %s; action: log (debug, below threshold); dedup %s; search off\n\n' "$N" "$DEDUP"
printf '%-16s %10s %12s %14s %10s\n' "checkpoint batch" "seconds" "events/s" "FraiseQL claim" "ratio"

for size in $SIZES; do
  psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_perf" -c "CREATE DATABASE observers_perf" >/dev/null
  http_port=$(( 20000 + RANDOM % 20000 ))
  if [ "$DEDUP" = on ]; then redis_url=$PERF_REDIS_URL; dedup_enabled=true; else redis_url=redis://127.0.0.1:1; dedup_enabled=false; fi
  OBSERVERS_DB_URL=$db_url OBSERVERS_REDIS_URL=$redis_url OBSERVERS_DEDUP_ENABLED=$dedup_enabled \
    OBSERVERS_REDIS_KEY_PREFIX="perf-$$-$size:" OBSERVERS_CONFIG="$root/scripts/perf/log-observer.yaml" \
    OBSERVERS_CHECKPOINT_BATCH_SIZE=$size OBSERVERS_CHECKPOINT_INTERVAL_MS=1000 OBSERVERS_HTTP_PORT=$http_port \
    "$root/scripts/observers" run >"$work/daemon-$size.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 600); do
    grep -q "observers running" "$work/daemon-$size.log" && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon-$size.log" >&2; exit 1; }
    sleep 0.1
  done
  start=$(date +%s.%N)
  last=$(q "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
            SELECT 'Bench', gen_random_uuid(), 'INSERT', jsonb_build_object('n', g, 'title', 'post ' || g)
              FROM generate_series(1, $N) g RETURNING pk_entity_change_log" | tail -n 1)
  while :; do
    done_pk=$(q "SELECT COALESCE(min(last_processed_id), 0) FROM public.observer_checkpoints WHERE listener_id LIKE 'observer:%'")
    [ "$done_pk" -ge "$last" ] && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon-$size.log" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s.%N)
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
  awk -v n="$N" -v s="$start" -v e="$end" -v size="$size" -v claim="${fraiseql[$size]:-0}" 'BEGIN {
    secs = e - s; rate = n / secs;
    printf "%-16s %10.2f %12.0f %14s %10s\n", size, secs, rate, (claim ? claim : "-"),
           (claim ? sprintf("%.2f", rate / claim) : "-") }'
done
psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_perf" >/dev/null
