#!/usr/bin/env bash
# What the daemon's migrations cost the applications that write the change log: the insert rate into
# FraiseQL's bare table beside the rate into the same table with our migrations applied (the txid column
# and its default, the (txid, pk) index, the statement-level NOTIFY trigger). No daemon runs: this is the
# writers' side alone. Both databases live on one server and take turns, ROUNDS times.
#
#   scripts/perf/writers_cost.sh
#   ROUNDS=5 T=20 CLIENTS="1 8" ROWS_PER_TX="1 10" scripts/perf/writers_cost.sh
#
# Environment: PERF_DB_URL (a server whose user may create databases; 127.0.0.1:5432 by default),
# T seconds per pgbench run (10), ROUNDS (3), CLIENTS ("8 1"), ROWS_PER_TX ("1 10").
# Prints one table: transactions/s without and with the migrations (median of the rounds) and the ratio.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=${T:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-"8 1"}
ROWS_PER_TX=${ROWS_PER_TX:-"1 10"}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
command -v pgbench >/dev/null || { echo "writers_cost: pgbench is required (apt-get install postgresql-client)" >&2; exit 1; }
server=${PERF_DB_URL%/*}
bare=$server/observers_writers_bare
ours=$server/observers_writers_ours

# The FraiseQL contract as a FraiseQL deployment has it, before any migration of ours.
psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_writers_bare" -c "CREATE DATABASE observers_writers_bare" \
  -c "DROP DATABASE IF EXISTS observers_writers_ours" -c "CREATE DATABASE observers_writers_ours" >/dev/null
sed -n '/^CREATE SCHEMA/,/^);/p' "$root/src/main/resources/db/V1__change_log.sql" | psql "$bare" -qX -v ON_ERROR_STOP=1 >/dev/null
OBSERVERS_DB_URL=$ours OBSERVERS_REDIS_URL=redis://127.0.0.1:1 "$root/scripts/observers" migrate >/dev/null 2>&1 \
  || { echo "writers_cost: migrating $ours failed" >&2; exit 1; }
trap 'psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_writers_bare" -c "DROP DATABASE IF EXISTS observers_writers_ours" >/dev/null 2>&1 || true' EXIT

tps() {  # tps <url> <clients> <rows>
  local script=insert_one.sql
  [ "$2" -gt 0 ] && [ "$3" -gt 1 ] && script=insert_many.sql
  pgbench "$1" -n -T "$T" -c "$2" -j "$2" -D rows="$3" -f "$root/scripts/perf/$script" 2>&1 \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | cut -d. -f1
}
median() { tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf 'date: %s\nmachine: %s, %s cores\nPostgreSQL: %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -srm)" "$(nproc)" \
  "$(psql "$PERF_DB_URL" -qtAX -c 'SHOW server_version')"
printf '%-8s %-8s %14s %14s %7s   %s\n' clients rows/tx "bare tx/s" "ours tx/s" ratio "rounds (bare/ours)"
for c in $CLIENTS; do
  for r in $ROWS_PER_TX; do
    b=() o=()
    for _ in $(seq 1 "$ROUNDS"); do
      b+=("$(tps "$bare" "$c" "$r")")
      o+=("$(tps "$ours" "$c" "$r")")
    done
    mb=$(echo "${b[@]}" | median); mo=$(echo "${o[@]}" | median)
    pairs=
    for i in "${!b[@]}"; do pairs+="${b[$i]}/${o[$i]} "; done
    printf '%-8s %-8s %14s %14s %7s   %s\n' "$c" "$r" "$mb" "$mo" "$(awk -v a="$mo" -v b="$mb" 'BEGIN { printf "%.2f", a / b }')" "$pairs"
  done
done
