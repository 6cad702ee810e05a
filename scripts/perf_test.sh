#!/usr/bin/env bash
# The core path's benchmark: the daemon with one log action per event (debug level, below the log
# threshold), as a backlog or at a steady rate, printed as one table.
#
#   scripts/perf_test.sh [--json] [--peers] [--no-progress] [N] [RATE]
#
#   scripts/perf_test.sh                      # backlog: N=100000 events at checkpoint batch 1, 10, 100, 1000
#   scripts/perf_test.sh 200000               # the same with N=200000
#   scripts/perf_test.sh 0 1000               # steady 1,000 events/s for DURATION s (pgbench, a separate process)
#   DEDUP="off on" SIZES="100 1000" scripts/perf_test.sh
#   OBSERVER_COUNTS="1 20" SIZES=1000 scripts/perf_test.sh
#   ACTION=webhook ACTIONS_PER_EVENT=3 ENTITIES=1 SIZES=10 scripts/perf_test.sh 50    # three 100 ms webhooks per event, one entity
#   ACTION=webhook CONCURRENCY="10 50 100 200" SIZES=100 scripts/perf_test.sh 20000  # slots against a 100 ms receiver
#   scripts/perf_test.sh --peers 100000       # also graphile-worker and Debezium in the same run, with ratios
#
# Backlog: per configuration a fresh database and daemon; a warm-up pass of WARMUP events (default N,
# unmeasured: the figures are a warm daemon's) and then N events committed in one INSERT; events/s is N
# over the time from that commit until every observer's checkpoint covers the last row (the
# FraiseQL guide's measure). Each observer runs as one cursor (PARTITIONS=1, like FraiseQL's
# listener) and N and WARMUP are multiples of every batch size, so the last checkpoint is written
# when the last event completes, not an interval later. Steady rate: a warm-up of WARMUP_SECONDS at RATE, then pgbench inserts
# single-row transactions at RATE for DURATION s. Either way latency is measured from created_at =
# clock_timestamp() in the inserting transaction to the action's start and to its end
# (observer_event_delay_seconds, its histogram buckets before and after the measured pass), and the
# CPU columns are % of one core over the measured pass (daemon: the JVM; PostgreSQL: every local
# postgres process).
#
# Environment:
#   SIZES            checkpoint batch sizes ("1 10 100 1000"; "100" at a steady rate)
#   DEDUP            "off", "on" (the Redis dedup window) or "off on"
#   PARTITIONS       OBSERVERS_CLAIMS_PARTITIONS of the daemon (1)
#   OBSERVER_COUNTS  observers in the definitions, each running its actions for every event ("1")
#   ACTION           log (debug level, below the threshold) or webhook (POST to a local receiver that answers
#                    after RECEIVER_DELAY_MS, 100); ACTIONS_PER_EVENT of them per observer (1)
#   CONCURRENCY      OBSERVERS_MAX_CONCURRENT_ACTIONS values to run, a dimension like SIZES (the daemon's default)
#   ENTITIES         distinct entities in the generated events (20000); events of one entity run one at a time
#   WARMUP           backlog warm-up events (N); WARMUP_SECONDS (5), DURATION (20), LAT_CLIENTS (4) at a rate
#   ROWS_PER_TX      change-log rows per inserting transaction at a rate (1); RATE stays events/s, so
#                    RATE=10000 ROWS_PER_TX=10 commits 1,000 transactions/s of 10 rows each
#   PERF_DB_URL      a server whose user may create databases; the benchmark creates and drops
#                    observers_perf. Default: 127.0.0.1:5432 when it answers, else the daemon's embedded
#                    PostgreSQL (a fresh one per configuration). With --peers: the peers' cluster
#                    (../shared/peers/lib/pg.sh, wal_level=logical), so all three share one server.
#   PERF_REDIS_URL   Redis for DEDUP=on (redis://127.0.0.1:6379 when it answers, else embedded)
#   PEERS_DIR        the peer scripts (../shared/peers next to the repository)
#   OBSERVERS_JAVA_OPTS  passed to the daemon's JVM (e.g. a JFR recording)
# Needs psql (and pgbench at a rate); on Debian: apt-get install postgresql-client.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=perf/lib.sh
. "$root/scripts/perf/lib.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

json=0 peers=0 progress=0
[ -t 2 ] && progress=1
positional=()
for arg in "$@"; do
  case $arg in
    --json) json=1 ;;
    --peers) peers=1 ;;
    --no-progress) progress=0 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "perf_test: unknown option $arg (see --help)" >&2; exit 2 ;;
    *) positional+=("$arg") ;;
  esac
done
N=${positional[0]:-${N:-100000}}
RATE=${positional[1]:-${RATE:-}}
number() { [[ $2 =~ ^[0-9]+$ ]] || { echo "perf_test: $1 must be a whole number, got '$2'" >&2; exit 2; }; }
number N "$N"
if [ -n "$RATE" ]; then
  mode=rate
  number RATE "$RATE"
  SIZES=${SIZES:-100}
else
  mode=backlog
  [ "$N" -gt 0 ] || { echo "perf_test: N must be positive for a backlog run" >&2; exit 2; }
  SIZES=${SIZES:-"1 10 100 1000"}
fi
DEDUP=${DEDUP:-off}
OBSERVER_COUNTS=${OBSERVER_COUNTS:-1}
PARTITIONS=${PARTITIONS:-1}
WARMUP=${WARMUP:-$N}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
DURATION=${DURATION:-20}
LAT_CLIENTS=${LAT_CLIENTS:-4}
ROWS_PER_TX=${ROWS_PER_TX:-1}
ACTION=${ACTION:-log}
ACTIONS_PER_EVENT=${ACTIONS_PER_EVENT:-1}
RECEIVER_DELAY_MS=${RECEIVER_DELAY_MS:-100}
CONCURRENCY=${CONCURRENCY:-default}
ENTITIES=${ENTITIES:-20000}
PEERS_DIR=${PEERS_DIR:-$(cd "$root/.." && pwd)/shared/peers}
for v in WARMUP WARMUP_SECONDS DURATION LAT_CLIENTS PARTITIONS ROWS_PER_TX ACTIONS_PER_EVENT RECEIVER_DELAY_MS ENTITIES; do number "$v" "${!v}"; done
for s in $SIZES $OBSERVER_COUNTS; do number "SIZES/OBSERVER_COUNTS" "$s"; done
if [ "$mode" = backlog ]; then
  for s in $SIZES; do
    [ $((N % s)) = 0 ] && [ $((WARMUP % s)) = 0 ] \
      || { echo "perf_test: N ($N) and WARMUP ($WARMUP) must be multiples of every batch size ($SIZES)" >&2; exit 2; }
  done
fi
[[ $ACTION = log || $ACTION = webhook ]] || { echo "perf_test: ACTION takes log or webhook, got '$ACTION'" >&2; exit 2; }
for c in $CONCURRENCY; do [[ $c = default ]] || number CONCURRENCY "$c"; done
for d in $DEDUP; do [[ $d = on || $d = off ]] || { echo "perf_test: DEDUP takes off and on, got '$d'" >&2; exit 2; }; done

need() { command -v "$1" >/dev/null || { echo "perf_test: $1 is required ($2)" >&2; exit 1; }; }
need psql "on Debian: apt-get install postgresql-client"
need curl "apt-get install curl"
[ "$mode" = rate ] && need pgbench "on Debian: apt-get install postgresql-client"
if [ "$peers" = 1 ]; then
  [ -x "$PEERS_DIR/graphile-worker/run.sh" ] && [ -x "$PEERS_DIR/debezium/run.sh" ] \
    || { echo "perf_test: --peers needs the peer scripts in $PEERS_DIR (PEERS_DIR)" >&2; exit 1; }
fi

work=$(mktemp -d /tmp/observers-perf.XXXXXX)
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
  if [ "$(type -t pb_cluster_down)" = function ]; then pb_cluster_down; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- where the database and Redis are ---
embedded=0
if [ -z "${PERF_DB_URL:-}" ] && [ "$peers" = 1 ]; then
  # shellcheck source=/dev/null
  export PEERBENCH_PG_OPTS=${PEERBENCH_PG_OPTS:-"-c wal_level=logical"}
  . "$PEERS_DIR/lib/pg.sh"
  pb_cluster_up
  PERF_DB_URL="postgresql://$PGUSER@$PGHOST:$PGPORT/postgres"
elif [ -z "${PERF_DB_URL:-}" ]; then
  if pg_isready -q -h 127.0.0.1 -p 5432 -t 1 2>/dev/null; then
    PERF_DB_URL=postgresql://postgres@127.0.0.1:5432/postgres
  else
    embedded=1
  fi
fi
if [ -z "${PERF_REDIS_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  PERF_REDIS_URL=redis://127.0.0.1:6379
fi
db_url=${PERF_DB_URL:+${PERF_DB_URL%/*}/observers_perf}
[ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && scripts/observers --version >/dev/null)

declare -A fraiseql=([1]=5000 [10]=15000 [100]=50000 [1000]=80000)
q() { psql "$db_url" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }

# The observers file for <count> observers, each running ACTIONS_PER_EVENT actions (ACTION) on every event.
definitions() {
  local count=$1 file="$work/observers-$1.yaml" i a
  if [ "$count" = 1 ] && [ "$ACTION" = log ] && [ "$ACTIONS_PER_EVENT" = 1 ]; then
    echo "$root/scripts/perf/log-observer.yaml"; return
  fi
  {
    echo "observers:"
    for i in $(seq 1 "$count"); do
      printf '  everything_%02d:\n    entity: "*"\n    event_type: [INSERT, UPDATE, DELETE, CUSTOM]\n    actions:\n' "$i"
      for a in $(seq 1 "$ACTIONS_PER_EVENT"); do
        if [ "$ACTION" = webhook ]; then
          printf '      - type: webhook\n        url: "http://127.0.0.1:%s/o%02d/a%d"\n        timeout_ms: 10000\n' "$receiver_port" "$i" "$a"
        else
          printf '      - type: log\n        level: debug\n        message_template: "{{ entity_type }} {{ entity_id }}"\n'
        fi
      done
    done
  } >"$file"
  echo "$file"
}

# start_daemon <label> <batch> <dedup> <observers file> <concurrency>: a daemon on a fresh database; sets
# daemon_pid, http_port and (embedded) db_url.
start_daemon() {
  local label=$1 size=$2 dedup=$3 file=$4 concurrency=$5 log="$work/daemon-$1.log" env=()
  [ "$concurrency" = default ] || env+=(OBSERVERS_MAX_CONCURRENT_ACTIONS="$concurrency")
  http_port=$(( 20000 + RANDOM % 20000 ))
  if [ "$embedded" = 1 ]; then
    env+=(OBSERVERS_EMBEDDED_DATA_DIR="$work/embedded-$label" OBSERVERS_EMBEDDED_PG_PORT=$(( 40000 + RANDOM % 20000 )))
  else
    psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_perf" -c "CREATE DATABASE observers_perf" >/dev/null 2>&1
    env+=(OBSERVERS_DB_URL="$db_url")
  fi
  if [ "$dedup" = on ]; then
    [ -n "${PERF_REDIS_URL:-}" ] && env+=(OBSERVERS_REDIS_URL="$PERF_REDIS_URL")
    env+=(OBSERVERS_DEDUP_ENABLED=true OBSERVERS_REDIS_KEY_PREFIX="perf-$$-$label:")
  else
    env+=(OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false)
  fi
  env "${env[@]}" OBSERVERS_CONFIG="$file" OBSERVERS_CHECKPOINT_BATCH_SIZE="$size" \
    OBSERVERS_CHECKPOINT_INTERVAL_MS=1000 OBSERVERS_CLAIMS_PARTITIONS="$PARTITIONS" OBSERVERS_HTTP_PORT=$http_port \
    "$root/scripts/observers" run >"$log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 1200); do
    grep -q "observers running" "$log" && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$log" >&2; echo "perf_test: the daemon did not start" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "observers running" "$log" || { tail -n 40 "$log" >&2; echo "perf_test: the daemon did not start in 120 s" >&2; exit 1; }
  if [ "$embedded" = 1 ]; then
    local port
    port=$(sed -n 's/.*started embedded PostgreSQL on 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
    db_url="postgresql://postgres@127.0.0.1:$port/postgres"
  fi
}

stop_daemon() {
  kill -TERM "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || true
  daemon_pid=
}

metrics() { curl -sf --max-time 10 "http://127.0.0.1:$http_port/q/metrics" >"$1" || : >"$1"; }

# counter_delta <before> <after> <name>: the change of a counter (summed over its labels).
counter_delta() {
  awk -v m="$3" 'FNR == 1 { f++ } $1 ~ "^"m"([{]|$)" { s[f] += $2 } END { printf "%d", s[2] - s[1] }' "$1" "$2"
}

# quantiles <before> <after> <stage>: "p50 p95 p99" in ms of observer_event_delay_seconds{stage} over
# what happened between the two scrapes, interpolated within the histogram's buckets; "- - -" when empty.
quantiles() {
  awk -v stage="$3" '
    FNR == 1 { f++ }
    $1 ~ /^observer_event_delay_seconds_bucket[{]/ && index($1, "stage=\"" stage "\"") {
      le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
      v = (le == "+Inf") ? 1e300 : le + 0
      c[f, v] += $2; seen[v] = 1
    }
    END {
      n = 0; for (v in seen) les[++n] = v + 0
      for (i = 2; i <= n; i++) { x = les[i]; for (j = i - 1; j >= 1 && les[j] > x; j--) les[j + 1] = les[j]; les[j + 1] = x }
      total = c[2, les[n]] - c[1, les[n]]
      if (n == 0 || total <= 0) { print "- - -"; exit }
      split("0.50 0.95 0.99", qs, " "); out = ""
      for (k = 1; k <= 3; k++) {
        target = qs[k] * total; prev_le = 0; prev_cum = 0
        for (i = 1; i <= n; i++) {
          cum = c[2, les[i]] - c[1, les[i]]
          if (cum >= target) {
            hi = (les[i] >= 1e300) ? prev_le : les[i]
            val = (cum == prev_cum) ? hi : prev_le + (hi - prev_le) * (target - prev_cum) / (cum - prev_cum)
            break
          }
          prev_le = les[i]; prev_cum = cum
        }
        out = out sprintf("%s%.2f", (k > 1 ? " " : ""), val * 1000)
      }
      print out
    }' "$1" "$2"
}

# pg_ticks: CPU ticks of every local postgres process so far.
pg_ticks() {
  local t=0 p
  for p in $(pgrep -x postgres 2>/dev/null); do t=$(( t + $(proc_ticks "$p") )); done
  echo "$t"
}

peak_rss_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

now() { date +%s.%N; }

# The checkpoint every observer has written: the smallest, once all <count> cursors exist.
# The cursors are in (txid, pk) order, so the last row of the log is the last in that order, not the one
# with the highest pk: while some cursor is short of it, this reads the least cursor pk (for the progress bar),
# once every cursor covers it, the largest bigint.
done_query() {
  echo "SELECT CASE WHEN count(*) >= $1 AND bool_and((COALESCE(c.last_txid, '0'::xid8), c.last_processed_id) >= (l.t, l.p))
                    THEN 9223372036854775807 WHEN count(*) >= $1 THEN COALESCE(min(c.last_processed_id), 0) ELSE 0 END
          FROM public.observer_checkpoints c,
               (SELECT COALESCE(txid, '0'::xid8) AS t, pk_entity_change_log AS p FROM core.tb_entity_change_log
                 ORDER BY COALESCE(txid, '0'::xid8) DESC, pk_entity_change_log DESC LIMIT 1) l
         WHERE c.listener_id LIKE 'observer:%'"
}

# await_count <query> <target> <label> <base>: polls <query> (a number) every 20 ms over one connection
# until it reaches <target>, drawing a progress bar of (value - base) / (target - base).
await_count() {
  local query=$1 target=$2 label=$3 base=$4 reached
  reached=$( (printf '%s\n' "$query" '\watch 0.02' | psql "$db_url" -qtAX 2>/dev/null) | {
      last=0
      while read -r v; do
        [[ $v =~ ^[0-9]+$ ]] || continue
        if [ "$progress" = 1 ] && [ "$v" != "$last" ]; then
          awk -v l="$label" -v v="$v" -v b="$base" -v t="$target" 'BEGIN {
            f = (t > b) ? (v - b) / (t - b) : 1; if (f < 0) f = 0; if (f > 1) f = 1; w = 30
            bar = sprintf("%" int(f * w) "s", ""); gsub(/ /, "#", bar)
            printf "\r  %-40s [%-30s] %3d%%", l, bar, f * 100 > "/dev/stderr" }'
          last=$v
        fi
        [ "$v" -ge "$target" ] && { echo ok; break; }
        kill -0 "$daemon_pid" 2>/dev/null || break
      done
    } || true)
  [ "$progress" = 1 ] && printf '\r%*s\r' 80 '' >&2
  [ "$reached" = ok ] || { tail -n 40 "$work"/daemon-*.log >&2; echo "perf_test: the daemon stopped before the checkpoint reached $target" >&2; exit 1; }
}

insert_backlog() {
  local count=$1
  q "INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data, created_at)
     SELECT (ARRAY['Post', 'User', 'Comment', 'Order'])[1 + (g % $ENTITIES) % 4], md5((g % $ENTITIES)::text)::uuid,
            (ARRAY['INSERT', 'UPDATE', 'UPDATE', 'DELETE'])[1 + (g / 4) % 4],
            jsonb_build_object('name', 'entity-' || g, 'status', 'active', 'count', g, 'price', 19.99,
                               'tags', jsonb_build_array('alpha', 'beta', 'gamma'),
                               'owner', 'user-' || (g % 1000), 'description', repeat('x', 48)),
            clock_timestamp()
       FROM generate_series(1, $count) g
     RETURNING pk_entity_change_log" | tail -n 1
}

max_pk() { q "SELECT COALESCE(max(pk_entity_change_log), 0) FROM core.tb_entity_change_log"; }

# rate_pass <seconds> <out> [log prefix]: pgbench inserting RATE events/s for <seconds>, ROWS_PER_TX rows per
# transaction; with a log prefix every transaction's latency is logged there.
rate_pass() {
  local script=insert_one.sql log=()
  [ "$ROWS_PER_TX" -gt 1 ] && script=insert_many.sql
  [ -n "${3:-}" ] && log=(-l --log-prefix="$3")
  (cd "$work" && pgbench "$db_url" -n -R "$(( (RATE + ROWS_PER_TX - 1) / ROWS_PER_TX ))" -T "$1" -c "$LAT_CLIENTS" \
      -j "$LAT_CLIENTS" -D rows="$ROWS_PER_TX" -f "$root/scripts/perf/$script" "${log[@]}") >"$2" 2>&1 \
    || { cat "$2" >&2; echo "perf_test: pgbench failed" >&2; exit 1; }
}

# writer_quantiles <log prefix>: "p50 p99" in ms of the inserting transactions' own time (statement and
# commit, without pgbench's schedule lag): the part of commit-to-start latency no reader can remove.
writer_quantiles() {
  cat "$1".* 2>/dev/null | awk '{ print ($3 - $NF) / 1000 }' | sort -n \
    | awk '{ a[NR] = $1 } END { if (NR == 0) { print "- -"; exit } printf "%.2f %.2f\n", a[int(NR * 0.5) + 1], a[int(NR * 0.99) + 1] }'
}

results=()   # one "key=value ..." line per configuration
configs=()
for size in $SIZES; do for dedup in $DEDUP; do for count in $OBSERVER_COUNTS; do for conc in $CONCURRENCY; do
  configs+=("$size $dedup $count $conc")
done; done; done; done

receiver_port=
if [ "$ACTION" = webhook ]; then
  need python3 "apt-get install python3"
  receiver_port=$(( 20000 + RANDOM % 20000 ))
  python3 "$root/scripts/perf/receiver.py" "$receiver_port" "$work/arrivals" "$RECEIVER_DELAY_MS" &
  receiver_pid=$!
  trap 'kill "$receiver_pid" 2>/dev/null || true; cleanup' EXIT
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/"$receiver_port") 2>/dev/null && break; sleep 0.1; done
fi

pg_version=$(psql "${PERF_DB_URL:-postgresql://x@127.0.0.1:1/x}" -qtAX -c 'SHOW server_version' 2>/dev/null || echo "embedded 14")
machine="$(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
if [ "$ACTION" = webhook ]; then
  action_text="$ACTIONS_PER_EVENT webhook(s) per observer to a local receiver answering after $RECEIVER_DELAY_MS ms"
else
  action_text="$ACTIONS_PER_EVENT log action(s) per observer (debug, below threshold)"
fi
[ "$json" = 1 ] || {
  printf 'date: %s\nmachine: %s\nPostgreSQL: %s (%s)\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$machine" "$pg_version" \
    "$([ "$embedded" = 1 ] && echo "the daemon's embedded server" || echo "${PERF_DB_URL#*@}")"
  if [ "$mode" = backlog ]; then
    printf 'backlog: N=%s events of %s entities in one INSERT after a warm-up of %s; %s\n\n' "$N" "$ENTITIES" "$WARMUP" "$action_text"
  else
    printf 'steady rate: %s events/s, %s row(s) per transaction, for %s s (pgbench, %s clients) after %s s of warm-up; %s\n\n' \
      "$RATE" "$ROWS_PER_TX" "$DURATION" "$LAT_CLIENTS" "$WARMUP_SECONDS" "$action_text"
  fi
}

i=0
for config in "${configs[@]}"; do
  read -r size dedup count conc <<<"$config"
  i=$((i + 1))
  label="$i"
  title="[$i/${#configs[@]}] batch $size, dedup $dedup, $count observer(s)"
  [ "$conc" = default ] || title+=", $conc slots"
  [ "$progress" = 1 ] && printf '  %s: starting the daemon\r' "$title" >&2
  start_daemon "$label" "$size" "$dedup" "$(definitions "$count")" "$conc"
  query=$(done_query "$count")
  if [ "$mode" = backlog ]; then
    [ "$progress" = 1 ] && printf '%*s\r  %s: warm-up, %s events\r' 80 '' "$title" "$WARMUP" >&2
    if [ "$WARMUP" -gt 0 ]; then
      base=$(max_pk); last=$(insert_backlog "$WARMUP")
      await_count "$query" "$last" "$title, warm-up" "$base"
    fi
  else
    rate_pass "$WARMUP_SECONDS" "$work/warmup-$label.txt"
    await_count "$query" "$(max_pk)" "$title, warm-up catching up" 0
  fi
  base=$(max_pk)
  metrics "$work/before-$label.prom"
  d0=$(proc_ticks "$daemon_pid"); p0=$(pg_ticks); m0=$(machine_ticks)
  if [ "$mode" = backlog ]; then
    last=$(insert_backlog "$N")
    t0=$(now)
    await_count "$query" "$last" "$title" "$base"
    t1=$(now)
    events=$N
    seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  else
    t0=$(now)
    if [ "$progress" = 1 ]; then
      (for s in $(seq 1 "$DURATION"); do sleep 1; printf '\r  %-40s %3d/%d s' "$title" "$s" "$DURATION" >&2; done) &
      ticker=$!
    fi
    rate_pass "$DURATION" "$work/rate-$label.txt" "$work/txlog-$label"
    [ "$progress" = 1 ] && { kill "$ticker" 2>/dev/null || true; wait "$ticker" 2>/dev/null || true; printf '\r%*s\r' 80 '' >&2; }
    last=$(max_pk)
    await_count "$query" "$last" "$title, catching up" "$base"
    t1=$(now)
    events=$(q "SELECT count(*) FROM core.tb_entity_change_log WHERE pk_entity_change_log > $base")
    seconds=$DURATION
  fi
  d1=$(proc_ticks "$daemon_pid"); p1=$(pg_ticks); m1=$(machine_ticks)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  metrics "$work/after-$label.prom"
  rss=$(peak_rss_mb "$daemon_pid")
  stop_daemon
  read -r s50 s95 s99 <<<"$(quantiles "$work/before-$label.prom" "$work/after-$label.prom" start)"
  read -r e50 e95 e99 <<<"$(quantiles "$work/before-$label.prom" "$work/after-$label.prom" done)"
  writes=$(counter_delta "$work/before-$label.prom" "$work/after-$label.prom" observer_checkpoint_writes_total)
  actions=$(counter_delta "$work/before-$label.prom" "$work/after-$label.prom" observer_actions_executed_total)
  rate=$(awk -v n="$events" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  lag= w50= w99=
  if [ "$mode" = rate ]; then
    lag=$(sed -n 's/^rate limit schedule lag: avg \([0-9.]*\).*/\1/p' "$work/rate-$label.txt")
    read -r w50 w99 <<<"$(writer_quantiles "$work/txlog-$label")"
  fi
  results+=("batch=$size dedup=$dedup observers=$count concurrency=$conc action=$ACTION actions_per_event=$ACTIONS_PER_EVENT entities=$ENTITIES events=$events seconds=$seconds events_per_s=$rate actions=$actions actions_per_s=$(awk -v n="$actions" -v s="$wall" 'BEGIN { printf "%.0f", n / s }') \
start_p50_ms=$s50 start_p95_ms=$s95 start_p99_ms=$s99 done_p50_ms=$e50 done_p95_ms=$e95 done_p99_ms=$e99 \
daemon_cpu_pct=$(awk -v a="$d0" -v b="$d1" -v s="$wall" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / s }') \
postgres_cpu_pct=$(awk -v a="$p0" -v b="$p1" -v s="$wall" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / s }') \
machine_busy_pct=$(machine_busy "$m0" "$m1") peak_rss_mb=$rss checkpoint_writes=$writes inserter_lag_ms=${lag:-} writer_p50_ms=${w50:-} writer_p99_ms=${w99:-} rows_per_tx=$ROWS_PER_TX")
done

field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }

# --- peers, in the same run and on the same server ---
peer_lines=()
if [ "$peers" = 1 ]; then
  export PGHOST PGPORT PGUSER
  lat=0; [ "$mode" = rate ] && lat=1
  peer_n=$N; [ "$peer_n" -gt 0 ] || peer_n=100000
  [ "$progress" = 1 ] && echo "  running graphile-worker (tuned, C=10) and the Debezium engine (tuned) on the same server..." >&2
  N=$peer_n C=10 RUNS=1 GW_MODES=tuned LATENCY=$lat RATE=${RATE:-1000} DURATION=$DURATION \
    "$PEERS_DIR/graphile-worker/run.sh" >"$work/graphile.txt" 2>"$work/graphile.err" \
    || { tail -n 20 "$work/graphile.err" >&2; echo "perf_test: graphile-worker's run failed" >&2; exit 1; }
  N=$peer_n RUNS=1 DBZ_MODES=tuned FLUSH_MS=60000 LATENCY=$lat RATE=${RATE:-1000} DURATION=$DURATION \
    "$PEERS_DIR/debezium/run.sh" >"$work/debezium.txt" 2>"$work/debezium.err" \
    || { tail -n 20 "$work/debezium.err" >&2; echo "perf_test: the Debezium run failed" >&2; exit 1; }
  while read -r line; do peer_lines+=("$line"); done < <(grep -h '^graphile-worker N=\|^graphile-worker latency\|^debezium mode=\|^debezium latency mode=' "$work/graphile.txt" "$work/debezium.txt")
fi

if [ "$json" = 1 ]; then
  {
    printf '{"date":"%s","machine":"%s","postgres":"%s","mode":"%s","n":%s,"rate":%s,"warmup":%s,"runs":[' \
      "$(date -u +%Y-%m-%dT%H:%MZ)" "$machine" "$pg_version" "$mode" "$N" "${RATE:-null}" "$WARMUP"
    sep=
    for r in "${results[@]}"; do
      printf '%s{' "$sep"; sep=,
      awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v = kv[2];
             if (v == "" || v == "-") v = "null"; else if (v !~ /^-?[0-9.]+$/) v = "\"" v "\"";
             printf "%s\"%s\":%s", (i > 1 ? "," : ""), kv[1], v } }' <<<"$r"
      printf '}'
    done
    printf '],"peers":['
    sep=
    for l in ${peer_lines[@]+"${peer_lines[@]}"}; do printf '%s"%s"' "$sep" "${l//\"/\\\"}"; sep=,; done
    printf ']}\n'
  }
  exit 0
fi

if [ "$mode" = backlog ]; then
  printf '%-6s %-5s %-4s %-7s %9s %9s %8s %6s | %-20s | %-20s | %6s %6s %6s %7s\n' batch dedup obs slots "events/s" \
    "actions/s" FraiseQL ratio "start p50/p95/p99 ms" "done p50/p95/p99 ms" "daemon" "pg" "RSS MB" "ckpts"
else
  printf '%-6s %-5s %-4s %9s %8s | %-13s | %-20s | %-20s | %6s %6s %6s %7s\n' batch dedup obs "events/s" "lag ms" \
    "writer p50/p99" "start p50/p95/p99 ms" "done p50/p95/p99 ms" "daemon" "pg" "RSS MB" "ckpts"
fi
for r in "${results[@]}"; do
  size=$(field "$r" batch)
  lat_s="$(field "$r" start_p50_ms)/$(field "$r" start_p95_ms)/$(field "$r" start_p99_ms)"
  lat_d="$(field "$r" done_p50_ms)/$(field "$r" done_p95_ms)/$(field "$r" done_p99_ms)"
  if [ "$mode" = backlog ]; then
    claim=${fraiseql[$size]:-}; [ "$(field "$r" action)" = log ] && [ "$(field "$r" actions_per_event)" = 1 ] || claim=
    ratio=-; [ -n "$claim" ] && ratio=$(awk -v a="$(field "$r" events_per_s)" -v b="$claim" 'BEGIN { printf "%.2f", a / b }')
    printf '%-6s %-5s %-4s %-7s %9s %9s %8s %6s | %-20s | %-20s | %5s%% %5s%% %6s %7s\n' "$size" "$(field "$r" dedup)" \
      "$(field "$r" observers)" "$(field "$r" concurrency)" "$(field "$r" events_per_s)" "$(field "$r" actions_per_s)" \
      "${claim:--}" "$ratio" "$lat_s" "$lat_d" "$(field "$r" daemon_cpu_pct)" \
      "$(field "$r" postgres_cpu_pct)" "$(field "$r" peak_rss_mb)" "$(field "$r" checkpoint_writes)"
  else
    printf '%-6s %-5s %-4s %9s %8s | %-13s | %-20s | %-20s | %5s%% %5s%% %6s %7s\n' "$size" "$(field "$r" dedup)" "$(field "$r" observers)" \
      "$(field "$r" events_per_s)" "$(field "$r" inserter_lag_ms)" "$(field "$r" writer_p50_ms)/$(field "$r" writer_p99_ms)" \
      "$lat_s" "$lat_d" "$(field "$r" daemon_cpu_pct)" \
      "$(field "$r" postgres_cpu_pct)" "$(field "$r" peak_rss_mb)" "$(field "$r" checkpoint_writes)"
  fi
done
if [ "$mode" = backlog ]; then
  printf '(daemon, pg: %% of one core over the measured pass; ckpts: checkpoint writes in it)\n'
else
  printf '(writer: the inserting transactions'"'"' own time in ms, statement and commit, no reader involved; lag: pgbench behind schedule)\n'
fi

if [ "$peers" = 1 ]; then
  echo
  echo "peers on the same server, same run:"
  ours_best=0
  for r in "${results[@]}"; do v=$(field "$r" events_per_s); [ "$v" -gt "$ours_best" ] && ours_best=$v; done
  for l in "${peer_lines[@]}"; do
    case $l in
      "graphile-worker N="*) name="graphile-worker tuned C=10, drain"; v=$(field "$l" jobs_per_s) ;;
      "debezium mode="*) name="Debezium tuned, drain, JVM pass $(field "$l" jvm_pass)"; v=$(field "$l" events_per_s) ;;
      *) name=; v= ;;
    esac
    if [ -n "$name" ]; then
      printf '  %-42s %9s events/s   observers (best row) / peer = %s\n' "$name" "$v" \
        "$(awk -v a="$ours_best" -v b="$v" 'BEGIN { printf "%.2f", a / b }')"
    else
      printf '  %s\n' "$l"
    fi
  done
fi
