#!/usr/bin/env bash
# Change-log retention over a long steady stream: the table's size and dead tuples with
# OBSERVERS_CHANGELOG_RETENTION off and on, and what the writers get, in one invocation.
#
#   scripts/perf/retention_bench.sh
#   DURATION=600 RATE=2000 RETENTION=120s scripts/perf/retention_bench.sh
#
# Per mode (off, then on): a fresh database, a daemon with one log observer, and pgbench inserting single-row
# transactions (scripts/perf/insert_one.sql) at RATE/s from CLIENTS clients for DURATION s, sampled every
# SAMPLE s: the change log's live rows, dead tuples and size with its indexes, and the rows retention deleted.
# Then MAX_T s of pgbench as fast as CLIENTS clients go, with retention still at work: the writers' rate.
# Prints the samples side by side and a summary; writes docs/benchmarks/retention.tsv (time, rows, dead
# tuples and MB of each mode) for scripts/perf/plot.sh.
#
# PostgreSQL must run autovacuum, as production servers do: retention deletes rows, autovacuum makes their
# space reusable. A server with autovacuum=off (this machine's CI configuration) gets it turned on with ALTER
# SYSTEM for the run and reset afterwards.
#
# Environment: PERF_DB_URL (a server whose user may create databases; 127.0.0.1:5432 by default),
# RATE (1000), DURATION (300), SAMPLE (15), CLIENTS (4), MAX_T (20), RETENTION (60s), INTERVAL_MS (5000).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RATE=${RATE:-1000}
DURATION=${DURATION:-300}
SAMPLE=${SAMPLE:-15}
CLIENTS=${CLIENTS:-4}
MAX_T=${MAX_T:-20}
RETENTION=${RETENTION:-60s}
INTERVAL_MS=${INTERVAL_MS:-5000}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
command -v pgbench >/dev/null || { echo "retention_bench: pgbench is required (apt-get install postgresql-client)" >&2; exit 1; }
db_url=${PERF_DB_URL%/*}/observers_retention
work=$(mktemp -d)
daemon_pid=
autovacuum_was=$(psql "$PERF_DB_URL" -qtAX -c "SHOW autovacuum")
cleanup() {
  [ "$autovacuum_was" = off ] && psql "$PERF_DB_URL" -qtAX -c "ALTER SYSTEM RESET autovacuum" -c "SELECT pg_reload_conf()" >/dev/null 2>&1
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_retention" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$autovacuum_was" = off ]; then
  psql "$PERF_DB_URL" -qtAX -c "ALTER SYSTEM SET autovacuum = on" -c "SELECT pg_reload_conf()" >/dev/null
fi

sample_sql="SELECT s.n_live_tup, s.n_dead_tup, pg_total_relation_size('core.tb_entity_change_log') / 1000000,
                   COALESCE(s.autovacuum_count, 0)
              FROM pg_stat_user_tables s WHERE s.relid = 'core.tb_entity_change_log'::regclass"

run_mode() {  # run_mode off|on: fills $work/<mode>.samples and $work/<mode>.summary
  local mode=$1 port=$(( 20000 + RANDOM % 20000 )) env=() log="$work/daemon-$1.log"
  psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_retention" -c "CREATE DATABASE observers_retention" >/dev/null
  [ "$mode" = on ] && env+=(OBSERVERS_CHANGELOG_RETENTION="$RETENTION" OBSERVERS_CHANGELOG_RETENTION_INTERVAL_MS="$INTERVAL_MS")
  env "${env[@]}" OBSERVERS_DB_URL="$db_url" OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false \
    OBSERVERS_CONFIG="$root/scripts/perf/log-observer.yaml" OBSERVERS_HTTP_PORT=$port \
    "$root/scripts/observers" run >"$log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 1200); do
    grep -q "observers running" "$log" && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$log" >&2; echo "retention_bench: the daemon did not start" >&2; exit 1; }
    sleep 0.1
  done
  pgbench "$db_url" -n -T "$DURATION" -R "$RATE" -c "$CLIENTS" -j "$CLIENTS" -f "$root/scripts/perf/insert_one.sql" \
    >"$work/$mode.steady" 2>&1 &
  local bench=$! t=0
  : >"$work/$mode.samples"
  while kill -0 "$bench" 2>/dev/null; do
    sleep "$SAMPLE"; t=$(( t + SAMPLE ))
    local deleted
    deleted=$(curl -sf --max-time 5 "http://127.0.0.1:$port/q/metrics" \
      | awk '$1 == "observer_changelog_rows_deleted_total" { printf "%d", $2 }' || true)
    echo "$t $(psql "$db_url" -qtAX -F ' ' -c "$sample_sql") ${deleted:-0}" >>"$work/$mode.samples"
    [ -t 2 ] && printf '\r%s: %d/%d s' "$mode" "$t" "$DURATION" >&2
  done
  wait "$bench" || true
  [ -t 2 ] && printf '\r\033[K' >&2
  pgbench "$db_url" -n -T "$MAX_T" -c "$CLIENTS" -j "$CLIENTS" -f "$root/scripts/perf/insert_one.sql" >"$work/$mode.max" 2>&1 || true
  kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=
  {
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/$mode.steady" | cut -d. -f1
    sed -n 's/^latency average = \([0-9.]*\).*/\1/p' "$work/$mode.steady"
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/$mode.max" | cut -d. -f1
  } | paste -sd' ' >"$work/$mode.summary"
}

printf 'date: %s\nmachine: %s, %s cores\nPostgreSQL: %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -srm)" "$(nproc)" \
  "$(psql "$PERF_DB_URL" -qtAX -c 'SHOW server_version')"
printf 'autovacuum: on (naptime %s, scale factor %s)%s\n' "$(psql "$PERF_DB_URL" -qtAX -c 'SHOW autovacuum_naptime')" \
  "$(psql "$PERF_DB_URL" -qtAX -c 'SHOW autovacuum_vacuum_scale_factor')" \
  "$([ "$autovacuum_was" = off ] && echo ", turned on for this run: the server has it off")"
printf 'stream: %s rows/s (single-row transactions, %s clients) for %s s; retention %s, swept every %s ms\n\n' \
  "$RATE" "$CLIENTS" "$DURATION" "$RETENTION" "$INTERVAL_MS"
run_mode off
run_mode on

printf '%6s | %10s %10s %8s | %10s %10s %8s %10s\n' t "off rows" "off dead" "off MB" "on rows" "on dead" "on MB" "deleted"
tsv="$root/docs/benchmarks/retention.tsv"
echo "# t_s off_rows off_dead off_mb on_rows on_dead on_mb" >"$tsv"
paste -d' ' "$work/off.samples" "$work/on.samples" | while read -r t a_live a_dead a_mb _ _ _ b_live b_dead b_mb _ b_del; do
  printf '%6s | %10s %10s %8s | %10s %10s %8s %10s\n' "$t" "$a_live" "$a_dead" "$a_mb" "$b_live" "$b_dead" "$b_mb" "$b_del"
  echo "$t $a_live $a_dead $a_mb $b_live $b_dead $b_mb" >>"$tsv"
done
read -r off_tps off_lat off_max <"$work/off.summary"
read -r on_tps on_lat on_max <"$work/on.summary"
printf '\n%-36s %12s %12s %7s\n' "" "off" "on" ratio
printf '%-36s %12s %12s %7s\n' "steady stream: tx/s achieved" "$off_tps" "$on_tps" "$(awk -v a="$on_tps" -v b="$off_tps" 'BEGIN { printf "%.2f", a / b }')"
printf '%-36s %12s %12s\n' "steady stream: writer latency avg ms" "$off_lat" "$on_lat"
printf '%-36s %12s %12s %7s\n' "writers unthrottled ($MAX_T s): tx/s" "$off_max" "$on_max" "$(awk -v a="$on_max" -v b="$off_max" 'BEGIN { printf "%.2f", a / b }')"
printf '%-36s %12s %12s\n' "autovacuum runs on the change log" "$(tail -n 1 "$work/off.samples" | cut -d' ' -f5)" "$(tail -n 1 "$work/on.samples" | cut -d' ' -f5)"
