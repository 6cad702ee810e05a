#!/usr/bin/env bash
# Every kind of subscription alone and all at once: an observer (one log action per event), the search
# indexer (Elasticsearch) and a projection (blog.tv_post: posts with their author and comments), fed by
# the same stream of Post updates. Each run is a fresh daemon on one PostgreSQL and one Elasticsearch:
# a warm-up pass of WARM events, then N events committed at once; each subscription's rate is N over the
# time from that commit until its cursors cover the last row. CPU columns are % of one core over the
# measured pass (the daemon, every PostgreSQL process, the Elasticsearch node).
#
#   scripts/perf/all_subscriptions.sh                # N=20000, WARM=20000, POSTS=20000
#   N=50000 scripts/perf/all_subscriptions.sh
#   SEARCH_URL=http://127.0.0.1:9200 scripts/perf/all_subscriptions.sh   # an Elasticsearch of your own
#
# Without SEARCH_URL it starts the 8.19.21 test node the build unpacks into target/elasticsearch (run
# `mvn generate-test-resources` once), as user nobody when run as root. Needs psql, curl and python3;
# PERF_DB_URL as in scripts/perf_test.sh (it creates and drops observers_all).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=lib.sh
. "$root/scripts/perf/lib.sh"
N=${N:-20000}
WARM=${WARM:-20000}
POSTS=${POSTS:-20000}
PERF_DB_URL=${PERF_DB_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
db_url="${PERF_DB_URL%/*}/observers_all"
work=$(mktemp -d /tmp/observers-all.XXXXXX)
chmod 755 "$work"
trap 'kill ${daemon_pid:-} 2>/dev/null || true; [ -n "${es_pid:-}" ] && kill "$es_pid" 2>/dev/null; rm -rf "$work"' EXIT
for tool in psql curl python3; do
  command -v "$tool" >/dev/null || { echo "all_subscriptions: $tool is required" >&2; exit 1; }
done
[ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && scripts/observers --version >/dev/null)
q() { psql "$db_url" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [ -z "${SEARCH_URL:-}" ]; then
  home=$(ls -d "$root"/target/elasticsearch/elasticsearch-* 2>/dev/null | head -n 1)
  [ -n "$home" ] || { echo "all_subscriptions: no test node in target/elasticsearch; run mvn generate-test-resources" >&2; exit 1; }
  port=$(free_port)
  cp -r "$home/config" "$work/config"; mkdir -p "$work/data" "$work/logs" "$work/tmp"
  as=()
  if [ "$(id -u)" = 0 ]; then chown -R 65534:65534 "$work"; as=(setpriv --reuid=65534 --regid=65534 --clear-groups --); fi
  ES_JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64} ES_PATH_CONF="$work/config" ES_TMPDIR="$work/tmp" \
    ES_JAVA_OPTS="-Xms1g -Xmx1g" "${as[@]}" "$home/bin/elasticsearch" -E discovery.type=single-node \
    -E xpack.security.enabled=false -E network.host=127.0.0.1 -E http.port="$port" -E path.data="$work/data" \
    -E path.logs="$work/logs" -E cluster.routing.allocation.disk.threshold_enabled=false >"$work/es.log" 2>&1 &
  es_pid=$!
  SEARCH_URL=http://127.0.0.1:$port
  for _ in $(seq 1 180); do curl -sf "$SEARCH_URL/_cluster/health?wait_for_status=yellow" >/dev/null && break; sleep 1; done
  curl -sf "$SEARCH_URL/_cluster/health" >/dev/null || { tail -n 30 "$work/es.log" >&2; echo "all_subscriptions: the node did not start" >&2; exit 1; }
fi
es_jvm=$(pgrep -f org.elasticsearch.bootstrap.Elasticsearch | head -n 1 || true)

psql "$PERF_DB_URL" -qtAX -c "DROP DATABASE IF EXISTS observers_all" -c "CREATE DATABASE observers_all" >/dev/null
OBSERVERS_DB_URL=$db_url OBSERVERS_REDIS_URL=redis://127.0.0.1:1 "$root/scripts/observers" migrate >/dev/null 2>&1
q "CREATE SCHEMA blog;
   CREATE TABLE blog.tb_user (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), n int UNIQUE, name TEXT NOT NULL);
   CREATE TABLE blog.tb_post (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), n int UNIQUE, fk_author UUID NOT NULL
                                REFERENCES blog.tb_user (id), title TEXT NOT NULL);
   CREATE TABLE blog.tb_comment (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), fk_post UUID NOT NULL
                                   REFERENCES blog.tb_post (id), body TEXT NOT NULL);
   CREATE INDEX ON blog.tb_comment (fk_post);
   CREATE TABLE blog.tv_post (id UUID PRIMARY KEY, data JSONB NOT NULL);
   CREATE VIEW blog.v_post AS
     SELECT p.id, jsonb_build_object('id', p.id, 'title', p.title, 'author', jsonb_build_object('id', u.id, 'name', u.name),
              'comments', COALESCE((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'body', c.body) ORDER BY c.id)
                                      FROM blog.tb_comment c WHERE c.fk_post = p.id), '[]'::jsonb)) AS data
       FROM blog.tb_post p JOIN blog.tb_user u ON u.id = p.fk_author;
   INSERT INTO blog.tb_user (n, name) SELECT g, 'user ' || g FROM generate_series(1, 1000) g;
   INSERT INTO blog.tb_post (n, fk_author, title)
     SELECT g, (SELECT id FROM blog.tb_user WHERE n = 1 + g % 1000), 'post ' || g FROM generate_series(1, $POSTS) g;
   INSERT INTO blog.tb_comment (fk_post, body) SELECT p.id, 'comment ' || k FROM blog.tb_post p, generate_series(1, 3) k;
   INSERT INTO blog.tv_post (id, data) SELECT id, data FROM blog.v_post;
   ANALYZE;" >/dev/null

observer='observers:
  everything:
    entity: "*"
    event_type: [INSERT, UPDATE, DELETE, CUSTOM]
    actions:
      - type: log
        level: debug
        message_template: "{{ entity_type }} {{ entity_id }}"'
projection='projections:
  blog.tv_post:
    view: blog.v_post
    entities: [Post]
    cascades:
      - entity: Comment
        key: fk_post'

# updates <count>: that many posts retitled and logged in one transaction; prints the last row's pk.
round=0
updates() {
  round=$((round + 1))
  q "WITH u AS (UPDATE blog.tb_post SET title = 'r$round ' || n WHERE n <= $1 RETURNING *)
     INSERT INTO core.tb_entity_change_log (object_type, object_id, modification_type, object_data)
     SELECT 'Post', id, 'UPDATE', to_jsonb(u) FROM u RETURNING pk_entity_change_log" | sort -n | tail -n 1
}

# run <label> <observers 0|1> <search 0|1> <projection 0|1>: one fresh daemon, one line of the table.
run() {
  local label=$1 with_obs=$2 with_search=$3 with_proj=$4 env=() patterns=() names=()
  {
    [ "$with_obs" = 1 ] && echo "$observer"
    [ "$with_proj" = 1 ] && echo "$projection"
    [ "$with_obs" = 0 ] && [ "$with_proj" = 0 ] && echo "observers: {}"
    true
  } >"$work/defs.yaml"
  [ "$with_obs" = 1 ] && { patterns+=('observer:%'); names+=(observer); }
  [ "$with_search" = 1 ] && { patterns+=('search:events#%'); names+=(search); env+=(OBSERVERS_ELASTICSEARCH_URL="$SEARCH_URL"
      OBSERVERS_ELASTICSEARCH_INDEX_PREFIX="bench-$$-$round"); }
  [ "$with_proj" = 1 ] && { patterns+=('projection:%'); names+=(projection); }
  http_port=$(free_port)
  env OBSERVERS_DB_URL="$db_url" OBSERVERS_REDIS_URL=redis://127.0.0.1:1 OBSERVERS_DEDUP_ENABLED=false \
    OBSERVERS_CONFIG="$work/defs.yaml" OBSERVERS_HTTP_PORT="$http_port" "${env[@]}" \
    "$root/scripts/observers" run >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 600); do grep -q "observers running" "$work/daemon.log" && break; sleep 0.1; done
  grep -q "observers running" "$work/daemon.log" || { tail -n 30 "$work/daemon.log" >&2; exit 1; }
  local last p
  last=$(updates "$WARM")
  for p in "${patterns[@]}"; do await_true "$db_url" "$(cursors_cover_sql "$last" "$p")" "$daemon_pid" || { tail -n 30 "$work/daemon.log" >&2; exit 1; }; done
  local d0 p0 e0 t0 i
  d0=$(proc_ticks "$daemon_pid"); p0=0; for p in $(pgrep -x postgres); do p0=$((p0 + $(proc_ticks "$p"))); done
  e0=$(proc_ticks "${es_jvm:-0}")
  last=$(updates "$N")
  t0=$(date +%s.%N)
  # each subscription's finish time, polled over one connection
  local done_at=() left=${#patterns[@]}
  while [ "$left" -gt 0 ]; do
    for i in "${!patterns[@]}"; do
      [ -n "${done_at[$i]:-}" ] && continue
      if [ "$(q "$(cursors_cover_sql "$last" "${patterns[$i]}")")" = t ]; then done_at[$i]=$(date +%s.%N); left=$((left - 1)); fi
    done
    kill -0 "$daemon_pid" 2>/dev/null || { tail -n 30 "$work/daemon.log" >&2; exit 1; }
    sleep 0.02
  done
  local wall d1 p1 e1 hz rates=""
  wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  d1=$(proc_ticks "$daemon_pid"); p1=0; for p in $(pgrep -x postgres); do p1=$((p1 + $(proc_ticks "$p"))); done
  e1=$(proc_ticks "${es_jvm:-0}"); hz=$(getconf CLK_TCK)
  for i in "${!patterns[@]}"; do
    rates+=$(awk -v n="$N" -v a="$t0" -v b="${done_at[$i]}" -v name="${names[$i]}" 'BEGIN { printf "%s %d  ", name, n / (b - a) }')
  done
  printf '%-22s %-48s %7s%% %7s%% %7s%%\n' "$label" "$rates" \
    "$(awk -v a="$d0" -v b="$d1" -v s="$wall" -v hz="$hz" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / s }')" \
    "$(awk -v a="$p0" -v b="$p1" -v s="$wall" -v hz="$hz" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / s }')" \
    "$(awk -v a="$e0" -v b="$e1" -v s="$wall" -v hz="$hz" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / s }')"
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=
}

printf 'date: %s\nmachine: %s, %s cores; PostgreSQL %s; Elasticsearch %s (1 GiB heap, same machine)\n' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -srm)" "$(nproc)" "$(psql "$PERF_DB_URL" -qtAX -c 'SHOW server_version')" \
  "$(curl -sf "$SEARCH_URL/_nodes/_local" | python3 -c 'import json,sys; print(next(iter(json.load(sys.stdin)["nodes"].values()))["version"])')"
printf 'events: %s Post updates (of %s posts) after a warm-up of %s; events/s per subscription\n\n' "$N" "$POSTS" "$WARM"
printf '%-22s %-48s %8s %8s %8s\n' run "events/s" daemon pg es
run "observer alone" 1 0 0
run "search alone" 0 1 0
run "projection alone" 0 0 1
run "all three at once" 1 1 1
