#!/usr/bin/env bash
# Subscriptions benchmark, two tables:
#  1. fan-out: events/s through the daemon with 1 observer and with 20, and how many log reads the
#     20 share (observer_log_reads_total; a batch is OBSERVERS_LISTENER_BATCH_SIZE=1000 rows, so one read
#     per batch is N/1000 reads, plus the idle polls while the run lasts); "20, one" spreads the events over 20 entity types with
#     one observer each (the same action work as 1 observer), "20, all" has every observer match every
#     event (20 times the actions).
#  2. a dead endpoint: p50/p99 delivery latency of a healthy webhook observer, alone and beside an
#     observer whose webhook port refuses connections (N events over 200 entities committed at once;
#     latency = arrival at the receiver minus the commit).
#
#   scripts/subscriptions_bench.sh                  # N=20000 fan-out events, DEAD_N=6000, 3 dead-endpoint rounds
#   N=50000 DEAD_N=6000 DEAD_ROUNDS=5 scripts/subscriptions_bench.sh
#
# Needs psql and python3; PERF_DB_URL names a server whose user may create databases (default: the
# local server on 127.0.0.1:5432); the benchmark creates and drops its own database, observers_subs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/lib.sh
. "$root/scripts/perf/lib.sh"
N=${N:-20000}
DEAD_N=${DEAD_N:-6000}
DEAD_ROUNDS=${DEAD_ROUNDS:-3}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
admin_url=$PERF_DB_URL
db_url="${PERF_DB_URL%/*}/observers_subs"
work=$(mktemp -d /tmp/observers-subs.XXXXXX)
trap 'kill ${daemon_pid:-} ${receiver_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT

command -v psql >/dev/null || { echo "subscriptions_bench: psql is required" >&2; exit 1; }
command -v python3 >/dev/null || { echo "subscriptions_bench: python3 is required" >&2; exit 1; }
[ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && scripts/observers --version >/dev/null)
q() { psql "$db_url" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_daemon <observers file> [VAR=value...]: a fresh database and a daemon on it, running.
start_daemon() {
  local file=$1; shift
  psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_subs" -c "CREATE DATABASE observers_subs" >/dev/null
  http_port=$(free_port)
  env OBSERVERS_DB_URL="$db_url" OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false \
    OBSERVERS_CONFIG="$file" OBSERVERS_HTTP_PORT="$http_port" OBSERVERS_CHECKPOINT_BATCH_SIZE=1000 "$@" \
    "$root/scripts/observers" run >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 600); do
    grep -q "observers running" "$work/daemon.log" && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
    sleep 0.1
  done
  # the subscriptions claim their cursors at the first heartbeat
  for _ in $(seq 1 100); do
    [ "$(q "SELECT count(*) FROM public.observer_checkpoints WHERE owner IS NOT NULL")" -gt 0 ] && break
    sleep 0.1
  done
}

stop_daemon() { kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; }

metric() { curl -s "http://127.0.0.1:$http_port/q/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# wait_cursors <pk>: until every subscription cursor covers that row
wait_cursors() {
  while :; do
    [ "$(q "$(cursors_cover_sql "$1" 'observer:%')")" = t ] && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
    sleep 0.05
  done
}

log_observers() { # log_observers <count> <one|all>
  echo "observers:"
  for i in $(seq 0 $(( $1 - 1 ))); do
    if [ "$2" = one ]; then entity="Bench$i"; else entity='"*"'; fi
    printf '  log_%02d:\n    entity: %s\n    event_type: [INSERT]\n    actions:\n      - type: log\n        level: debug\n        message_template: "{{ entity_id }}"\n' "$i" "$entity"
  done
}

printf 'machine: %s, %s cores, %s; PostgreSQL: %s\n\n' "$(uname -srm)" "$(nproc)" \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" "$(psql "$admin_url" -qtAX -c 'SHOW server_version')"

printf 'fan-out: %s events committed at once; log action at debug level; no dedup\n' "$N"
printf '%-18s %9s %11s %8s %12s %16s\n' "observers" "seconds" "events/s" "ratio" "log reads" "reads per batch"
base_rate=""
for variant in "1 all" "20 one" "20 all"; do
  set -- $variant
  log_observers "$1" "$2" >"$work/observers.yaml"
  start_daemon "$work/observers.yaml" OBSERVERS_CLAIMS_PARTITIONS=1
  reads_before=$(metric observer_log_reads_total)
  types=$([ "$2" = one ] && echo "'Bench' || (g % $1)" || echo "'Bench0'")
  start=$(date +%s.%N)
  last=$(q "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
            SELECT $types, gen_random_uuid(), 'INSERT', jsonb_build_object('n', g)
              FROM generate_series(1, $N) g RETURNING pk_entity_change_log" | tail -n 1)
  wait_cursors "$last"
  end=$(date +%s.%N)
  reads=$(awk -v a="$(metric observer_log_reads_total)" -v b="$reads_before" 'BEGIN {printf "%d", a - b}')
  stop_daemon
  rate=$(awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", n / (e - s)}')
  base_rate=${base_rate:-$rate}
  awk -v label="$1, $2" -v n="$N" -v s="$start" -v e="$end" -v rate="$rate" -v base="$base_rate" -v reads="$reads" 'BEGIN {
    printf "%-18s %9.2f %11d %8.2f %12d %16.2f\n", (label == "1, all" ? "1" : label), e - s, rate, rate / base, reads,
           reads / (n / 1000) }'
done

printf '\ndead endpoint: %s events over 200 entities committed at once; webhook to a local receiver\n' "$DEAD_N"
printf '%-34s %10s %10s %10s %12s\n' "run" "delivered" "p50 ms" "p99 ms" "dead letters"
receiver_port=$(free_port)
dead_port=$(free_port)
python3 "$root/scripts/perf/receiver.py" "$receiver_port" "$work/arrivals" &
receiver_pid=$!
for round in $(seq 1 "$DEAD_ROUNDS"); do
for run in alone beside-dead; do
  {
    echo "observers:"
    printf '  healthy:\n    entity: Order\n    event_type: [INSERT]\n    actions:\n      - type: webhook\n        url: http://127.0.0.1:%s/healthy\n' "$receiver_port"
    if [ "$run" = beside-dead ]; then
      printf '  dead:\n    entity: Order\n    event_type: [INSERT]\n    on_failure: dlq\n    retry: {max_attempts: 3, initial_delay_ms: 50}\n    actions:\n      - type: webhook\n        url: http://127.0.0.1:%s/dead\n' "$dead_port"
    fi
  } >"$work/observers.yaml"
  : >"$work/arrivals"
  start_daemon "$work/observers.yaml" OBSERVERS_LISTENER_MAX_IN_FLIGHT=2000
  q "WITH ids AS (SELECT array_agg(gen_random_uuid()) AS a FROM generate_series(1, 200))
     INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
     SELECT 'Order', ids.a[1 + g % 200], 'INSERT', jsonb_build_object('n', g) FROM ids, generate_series(1, $DEAD_N) g" >/dev/null
  committed=$(date +%s.%N)
  for _ in $(seq 1 1200); do
    [ "$(grep -c ' /healthy ' "$work/arrivals" || true)" -ge "$DEAD_N" ] && break
    sleep 0.1
  done
  dlq=$(q "SELECT count(*) FROM core.observer_dead_letters")
  stop_daemon
  grep ' /healthy ' "$work/arrivals" | awk -v c="$committed" '{print ($1 - c) * 1000}' | sort -n >"$work/lat"
  awk -v run="$run" -v dlq="$dlq" '{ a[NR] = $1 } END {
    p50 = a[int(NR * 0.50) > 0 ? int(NR * 0.50) : 1]; p99 = a[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1];
    printf "%-34s %10d %10.0f %10.0f %12d\n", "healthy observer, " run, NR, p50, p99, dlq }' "$work/lat"
done
done
psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_subs" >/dev/null
