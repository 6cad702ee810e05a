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
