# Helpers the benchmark scripts share; source it.

# await_true <database url> <query> <pid>: returns once <query> answers true, polling every 50 ms over
# one connection (psql's \watch). Starting a psql and a backend per poll costs the machine a quarter
# of a core at this rate, CPU a benchmark would take from what it measures. Fails when <pid> exits first.
await_true() {
  local url=$1 query=$2 pid=$3 found
  found=$( (printf '%s\n' "$query" '\watch 0.05' | psql "$url" -qtAX 2>/dev/null) \
           | while read -r line; do
               [ "$line" = t ] && { echo t; break; }
               kill -0 "$pid" 2>/dev/null || break
             done || true)
  [ "$found" = t ]
}

# proc_ticks <pid>: CPU ticks (user + system, all threads) a process has used so far.
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# machine_ticks: "<busy> <total>" CPU ticks of the whole machine so far (busy = all but idle and iowait).
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

# cores_used <ticks before> <ticks after> <seconds>: cores' worth of CPU between two proc_ticks.
cores_used() { awk -v a="$1" -v b="$2" -v s="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / s }'; }

# machine_busy "<busy> <total>" "<busy> <total>": percent of the machine's CPU busy between two machine_ticks.
machine_busy() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'; }

# cursors_cover_sql <pk> <listener LIKE pattern>: a query answering true once every matching cursor covers
# change-log row <pk>. Cursors move in (txid, pk) order, so the row's position is compared, not its pk: a
# later pk of an older transaction sorts first.
cursors_cover_sql() {
  echo "SELECT COALESCE(bool_and((COALESCE(c.last_txid, '0'::xid8), c.last_processed_id) >= (COALESCE(l.txid, '0'::xid8), l.pk_entity_change_log)), false)
          FROM public.observer_checkpoints c, core.tb_entity_change_log l
         WHERE l.pk_entity_change_log = $1 AND c.listener_id LIKE '$2'"
}
