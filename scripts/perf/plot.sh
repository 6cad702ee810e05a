#!/usr/bin/env bash
# Draws the benchmark plots of docs/benchmarks.md from the figures recorded beside them:
#   docs/benchmarks/throughput.tsv  batch <tab> observers events/s <tab> with dedup <tab> FraiseQL's claim
#   docs/benchmarks/latency.tsv     events/s <tab> p50 <tab> p95 <tab> p99 (ms, commit -> action start)
#                                   <tab> the writers' own transaction time, p99 (ms)
# into docs/benchmarks/throughput.png and latency.png. Needs gnuplot (apt-get install gnuplot-nox).
#
#   scripts/perf/plot.sh [dir]      # default docs/benchmarks
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-$root/docs/benchmarks}
command -v gnuplot >/dev/null || { echo "plot: gnuplot is required (apt-get install gnuplot-nox)" >&2; exit 1; }
for f in throughput.tsv latency.tsv; do
  [ -f "$dir/$f" ] || { echo "plot: $dir/$f is missing" >&2; exit 1; }
done

gnuplot <<EOF
set terminal pngcairo size 800,480 font "sans,11" noenhanced
set datafile separator "\t"
set key top left
set grid ytics
set output "$dir/throughput.png"
set title "Core path: events/s by checkpoint batch size (log action, warm daemon)"
set xlabel "checkpoint batch size"
set ylabel "events/s"
set logscale x
set xrange [0.7:1500]
set yrange [0:*]
set format y "%.0s%c"
plot "$dir/throughput.tsv" using 1:2 with linespoints lw 2 pt 7 title "observers", \
     "" using 1:3 with linespoints lw 2 pt 5 title "observers, Redis dedup on", \
     "" using 1:4 with linespoints lw 2 dt 2 pt 6 title "FraiseQL guide's claim"
set output "$dir/latency.png"
set title "Latency, commit (clock_timestamp in the inserting transaction) to action start"
set xlabel "steady load, events/s"
set ylabel "ms"
set logscale x
set xrange [500:20000]
set logscale y
set yrange [0.1:*]
set format y "%g"
plot "$dir/latency.tsv" using 1:2 with linespoints lw 2 pt 7 title "p50", \
     "" using 1:3 with linespoints lw 2 pt 5 title "p95", \
     "" using 1:4 with linespoints lw 2 pt 9 title "p99", \
     "" using 1:5 with linespoints lw 2 dt 2 pt 6 title "writers' own transaction, p99"
EOF
echo "wrote $dir/throughput.png and $dir/latency.png"
