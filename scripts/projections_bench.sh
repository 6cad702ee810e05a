#!/usr/bin/env bash
# Projections benchmark: a 3-table JSONB view (posts with their author and comments) at POSTS posts,
# kept in tv_post (1) by the daemon from the change log, at listener batch sizes BATCHES; (2) by one
# full rebuild, FraiseQL's example (DELETE FROM tv_post; INSERT ... SELECT FROM v_post); (3) by a
# synchronous per-row refresh inside each writing transaction. Then the writers' rate with and without
# the daemon refreshing beside them, and the freshness (commit to tv_post row changed) at half the
# daemon's rate. All in one run, on one PostgreSQL.
#
#   scripts/projections_bench.sh                     # POSTS=100000, EVENTS=20000, BATCHES="100 1000"
#   POSTS=20000 EVENTS=5000 scripts/projections_bench.sh
#
# Needs psql; PERF_DB_URL as in scripts/perf_test.sh (it creates and drops observers_projections).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/perf/lib.sh"
POSTS=${POSTS:-100000}
EVENTS=${EVENTS:-20000}
BATCHES=${BATCHES:-"100 1000"}
WRITES=${WRITES:-5000}
FRESH_SECS=${FRESH_SECS:-20}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
admin_url=$PERF_DB_URL
db_url="${PERF_DB_URL%/*}/observers_projections"
work=$(mktemp -d /tmp/observers-projections.XXXXXX)
trap 'kill "${daemon_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

command -v psql >/dev/null || { echo "projections_bench: psql is required" >&2; exit 1; }
[ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && scripts/observers --version >/dev/null)
q() { psql "$db_url" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
secs() { local s; s=$(date +%s.%N); "$@" >/dev/null || exit 1; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cat >"$work/projections.yaml" <<'YAML'
projections:
  blog.tv_post:
    view: blog.v_post
    entities: [Post]
    cascades:
      - entity: Comment
        key: fk_post
      - entity: User
        query: "SELECT id FROM blog.tb_post WHERE fk_author = $1"
YAML

env_of() { echo OBSERVERS_DB_URL="$db_url" OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false; }
start_daemon() {  # start_daemon <listener batch size>
  env $(env_of) OBSERVERS_CONFIG="$work/projections.yaml" OBSERVERS_HTTP_PORT="$http_port" \
    OBSERVERS_LISTENER_BATCH_SIZE="$1" "$root/scripts/observers" run >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  touch "$work/daemon.log"
  for _ in $(seq 1 600); do
    grep -q "observers running" "$work/daemon.log" && return
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }
    sleep 0.1
  done
}
stop_daemon() { kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=; }
caught_up() {
  await_true "$db_url" "$(cursors_cover_sql "$1" 'projection:%')" "$daemon_pid" || { cat "$work/daemon.log" >&2; exit 1; }
}
metric() { curl -sf "http://127.0.0.1:$http_port/q/metrics" | awk -v m="$1" '$1 ~ "^"m"([{]|$)" { s += $2 } END { printf "%d", s }'; }

psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_projections" -c "CREATE DATABASE observers_projections" >/dev/null
env $(env_of) "$root/scripts/observers" migrate >/dev/null 2>&1
q "CREATE SCHEMA blog;
   CREATE TABLE blog.tb_user (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), n int UNIQUE, name TEXT NOT NULL);
   CREATE TABLE blog.tb_post (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), n int UNIQUE, fk_author UUID NOT NULL
                                REFERENCES blog.tb_user (id), title TEXT NOT NULL, body TEXT NOT NULL DEFAULT '');
   CREATE TABLE blog.tb_comment (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), fk_post UUID NOT NULL
                                   REFERENCES blog.tb_post (id) ON DELETE CASCADE, body TEXT NOT NULL);
   CREATE INDEX ON blog.tb_comment (fk_post);
   CREATE INDEX ON blog.tb_post (fk_author);
   CREATE TABLE blog.tv_post (id UUID PRIMARY KEY, data JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
   CREATE VIEW blog.v_post AS
     SELECT p.id, jsonb_build_object('id', p.id, 'title', p.title,
              'author', jsonb_build_object('id', u.id, 'name', u.name),
              'comments', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'body', c.body) ORDER BY c.id)
                                      FROM blog.tb_comment c WHERE c.fk_post = p.id), '[]'::jsonb)) AS data
       FROM blog.tb_post p JOIN blog.tb_user u ON u.id = p.fk_author;
   INSERT INTO blog.tb_user (n, name) SELECT g, 'user ' || g FROM generate_series(1, 1000) g;
   INSERT INTO blog.tb_post (n, fk_author, title)
     SELECT g, (SELECT id FROM blog.tb_user WHERE n = 1 + g % 1000), 'post ' || g FROM generate_series(1, $POSTS) g;
   INSERT INTO blog.tb_comment (fk_post, body) SELECT p.id, 'comment ' || k FROM blog.tb_post p, generate_series(1, 3) k;
   ANALYZE;
   -- a writer: n single-row transactions updating a random post's title (visible in tv_post) and logging
   -- it; with sync, also refreshing its tv_post row in the same transaction (the per-row way)
   CREATE PROCEDURE blog.write(n int, sync bool, per_pause int, pause float8) LANGUAGE plpgsql AS \$\$
   DECLARE r blog.tb_post; k int;
   BEGIN
     FOR i IN 1..n LOOP
       k := 1 + floor(random() * $POSTS)::int;
       UPDATE blog.tb_post SET title = 'w' || i || ' ' || md5(random()::text) WHERE blog.tb_post.n = k RETURNING * INTO r;
       INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
       VALUES ('Post', r.id, 'UPDATE', to_jsonb(r));
       IF sync THEN
         INSERT INTO blog.tv_post (id, data) SELECT id, data FROM blog.v_post WHERE id = r.id
         ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = clock_timestamp();
       END IF;
       COMMIT;
       IF pause > 0 AND i % per_pause = 0 THEN PERFORM pg_sleep(pause); END IF;
     END LOOP;
   END \$\$;
   -- the least a consumer can do: no daemon, no network, no commit-safe reading; every 20 ms, one
   -- upsert of the posts logged since the last round, while blog.refreshing says so
   CREATE TABLE blog.refreshing (run bool NOT NULL);
   INSERT INTO blog.refreshing VALUES (false);
   CREATE PROCEDURE blog.refresh_loop() LANGUAGE plpgsql AS \$\$
   DECLARE done_pk bigint; top bigint;
   BEGIN
     SELECT max(pk_entity_change_log) INTO done_pk FROM core.tb_entity_change_log;
     WHILE (SELECT run FROM blog.refreshing) LOOP
       SELECT max(pk_entity_change_log) INTO top FROM core.tb_entity_change_log;
       IF top > done_pk THEN
         INSERT INTO blog.tv_post (id, data)
           SELECT v.id, v.data FROM blog.v_post v WHERE v.id IN (SELECT object_id FROM core.tb_entity_change_log
                                                                  WHERE pk_entity_change_log > done_pk AND pk_entity_change_log <= top)
         ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = clock_timestamp()
           WHERE blog.tv_post.data IS DISTINCT FROM EXCLUDED.data;
         done_pk := top;
       END IF;
       COMMIT;
       PERFORM pg_sleep(0.02);
     END LOOP;
   END \$\$;" >/dev/null

printf 'machine: %s, %s cores, %s; PostgreSQL: %s\n' "$(uname -srm)" "$(nproc)" \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" "$(psql "$admin_url" -qtAX -c 'SHOW server_version')"
printf 'view: posts with author (1,000 users) and 3 comments each; %s posts; %s events per daemon run\n\n' "$POSTS" "$EVENTS"

full=$(secs q "BEGIN; DELETE FROM blog.tv_post; INSERT INTO blog.tv_post (id, data) SELECT id, data FROM blog.v_post; COMMIT;")
sync=$(secs q "CALL blog.write($WRITES, true, 0, 0)")
printf '%-52s %10s %14s\n' "refresh" "seconds" "rows/s"
awk -v t="$full" -v n="$POSTS" 'BEGIN { printf "%-52s %10.2f %14d\n", "full rebuild (DELETE + INSERT ... SELECT FROM v_post)", t, n / t }'
awk -v t="$sync" -v n="$WRITES" 'BEGIN { printf "%-52s %10.2f %14d\n", "per-row refresh in each writing transaction", t, n / t }'

http_port=$(free_port)
rate=0
for batch in $BATCHES; do
  start_daemon "$batch"
  caught_up "$(q "SELECT COALESCE(max(pk_entity_change_log), 0) FROM core.tb_entity_change_log")"
  w0=$(metric observer_projection_rows_written_total); u0=$(metric observer_projection_rows_unchanged_total)
  r0=$(metric observer_projection_refreshes_total)
  # half the events change what the view shows (the title), half only a column it does not (the body)
  last=$(q "BEGIN;
    WITH u AS (UPDATE blog.tb_post SET title = title || '+' WHERE n % 2 = 0 AND n <= $EVENTS RETURNING *)
    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
      SELECT 'Post', id, 'UPDATE', to_jsonb(u) FROM u;
    WITH u AS (UPDATE blog.tb_post SET body = body || '+' WHERE n % 2 = 1 AND n <= $EVENTS RETURNING *)
    INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
      SELECT 'Post', id, 'UPDATE', to_jsonb(u) FROM u RETURNING pk_entity_change_log;
    COMMIT;" | tail -n 1)
  s=$(date +%s.%N)
  caught_up "$last"
  t=$(awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')
  w=$(( $(metric observer_projection_rows_written_total) - w0 )); u=$(( $(metric observer_projection_rows_unchanged_total) - u0 ))
  r=$(( $(metric observer_projection_refreshes_total) - r0 ))
  rate=$(awk -v t="$t" -v n="$EVENTS" 'BEGIN { printf "%d", n / t }')
  awk -v t="$t" -v n="$EVENTS" -v b="$batch" 'BEGIN { printf "%-52s %10.2f %14d\n", "daemon, listener batch " b, t, n / t }'
  printf '    %d refresh transactions; rows written %d, unchanged (not written) %d; documents that changed: %d\n' \
    "$r" "$w" "$u" $(( EVENTS / 2 ))
  [ "$batch" = "${BATCHES##* }" ] || stop_daemon
done

# writers: the same single-row transactions with the daemon refreshing beside them and without it,
# alternating (PostgreSQL's own background work after a burst favours whichever runs later). The
# daemon stays one warm process: a warm-up pass first, and for "without" it is paused (SIGSTOP) and
# resumed after, so neither side measures a JIT compiling.
q "CALL blog.write($(( 3 * WRITES )), false, 0, 0)" >/dev/null
caught_up "$(q "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")"
with=0; without=0; busy_with=0; busy_without=0; daemon_cores=0; reads=0; sql=0; busy_sql=0; burn=0; busy_burn=0
# one pass of writes: its seconds, the machine's busy percent and the daemon's cores during it
pass() {
  local m0 d0 s t
  m0=$(machine_ticks); d0=$(proc_ticks "$daemon_pid"); s=$(date +%s.%N)
  q "CALL blog.write($WRITES, false, 0, 0)" >/dev/null
  t=$(awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')
  echo "$t $(machine_busy "$m0" "$(machine_ticks)") $(cores_used "$d0" "$(proc_ticks "$daemon_pid")" "$t")"
}
for round in 1 2; do
  q "CHECKPOINT" >/dev/null
  r=$(metric observer_log_reads_total)
  read -r t b d < <(pass)
  reads=$(( reads + $(metric observer_log_reads_total) - r ))
  with=$(awk -v a="$with" -v b="$t" 'BEGIN { print a + b }'); busy_with=$(( busy_with + b ))
  daemon_cores=$(awk -v a="$daemon_cores" -v b="$d" 'BEGIN { print a + b / 2 }')
  caught_up "$(q "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")"
  q "CHECKPOINT" >/dev/null
  kill -STOP "$daemon_pid"
  read -r t b d < <(pass)
  kill -CONT "$daemon_pid"
  without=$(awk -v a="$without" -v b="$t" 'BEGIN { print a + b }'); busy_without=$(( busy_without + b ))
  caught_up "$(q "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")"
  # the machine's own ceiling, daemon paused: the same writes beside the SQL-only refresher, then
  # beside one thread that only burns CPU
  q "CHECKPOINT" >/dev/null
  kill -STOP "$daemon_pid"
  q "UPDATE blog.refreshing SET run = true"
  q "CALL blog.refresh_loop()" & refresher=$!
  read -r t b d < <(pass)
  q "UPDATE blog.refreshing SET run = false"; wait "$refresher"
  sql=$(awk -v a="$sql" -v b="$t" 'BEGIN { print a + b }'); busy_sql=$(( busy_sql + b ))
  q "CHECKPOINT" >/dev/null
  (while :; do :; done) & burner=$!
  read -r t b d < <(pass)
  kill "$burner"; wait "$burner" 2>/dev/null || true
  burn=$(awk -v a="$burn" -v b="$t" 'BEGIN { print a + b }'); busy_burn=$(( busy_burn + b ))
  kill -CONT "$daemon_pid"
  caught_up "$(q "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")"
done
printf '\n%-52s %14s %14s %13s\n' "writers (2 x $WRITES single-row transactions)" "writes/s" "machine busy" "daemon cores"
awk -v t="$without" -v n="$WRITES" -v b="$busy_without" 'BEGIN { printf "%-52s %14d %13d%% %13s\n", "daemon paused", 2 * n / t, b / 2, "0" }'
awk -v t="$with" -v n="$WRITES" -v o="$without" -v b="$busy_with" -v d="$daemon_cores" 'BEGIN {
  printf "%-52s %14d %13d%% %13.2f  (%.0f %%)\n", "daemon refreshing tv_post beside them", 2 * n / t, b / 2, d, 100 * o / t }'
printf '    the daemon read the change log %d times during its %d writes\n' "$reads" $(( 2 * WRITES ))
awk -v t="$sql" -v n="$WRITES" -v o="$without" -v b="$busy_sql" 'BEGIN {
  printf "%-52s %14d %13d%% %13s  (%.0f %%)\n", "SQL-only refresher, every 20 ms (no daemon)", 2 * n / t, b / 2, "-", 100 * o / t }'
awk -v t="$burn" -v n="$WRITES" -v o="$without" -v b="$busy_burn" 'BEGIN {
  printf "%-52s %14d %13d%% %13s  (%.0f %%)\n", "one thread burning CPU (no database work)", 2 * n / t, b / 2, "-", 100 * o / t }'
awk -v t="$sync" -v n="$WRITES" -v o="$without" 'BEGIN { printf "%-52s %14d  (%.0f %%)\n", "refreshing tv_post in each transaction", n / t, 100 * o / 2 / t }'

# freshness at half the daemon's last rate: a batch of single-row writes every 100 ms for FRESH_SECS
half=$(( rate / 2 )); per=$(( half / 10 > 0 ? half / 10 : 1 ))
caught_up "$(q "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")"
from=$(q "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")
q "CALL blog.write($(( per * 10 * FRESH_SECS )), false, $per, 0.1)"
caught_up "$(q "SELECT max(pk_entity_change_log) FROM core.tb_entity_change_log")"
stop_daemon
# each write's commit (its change-log row's created_at) to its row's refresh (tv_post.updated_at, taken
# when the refresh wrote it), for the writes whose title is still the one in tv_post
printf '\nfreshness at %s writes/s for %s s (commit -> tv_post row changed)\n' "$(( per * 10 ))" "$FRESH_SECS"
q "SELECT format('%s writes measured: p50 %s ms, p99 %s ms, max %s ms', count(*),
                 round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric),
                 round(max(ms)::numeric))
     FROM (SELECT extract(epoch FROM t.updated_at - l.created_at) * 1000 AS ms
             FROM core.tb_entity_change_log l JOIN blog.tv_post t ON t.id = l.object_id
            WHERE l.pk_entity_change_log > $from AND t.data->>'title' = l.object_data->>'title') x"
psql "$admin_url" -qtAX -c "DROP DATABASE IF EXISTS observers_projections" >/dev/null
