#!/usr/bin/env bash
# trainscope export's throughput and peak memory, whole process (BENCHMARKS.md, "Export").
#   benchmarks/export.sh LOGDIR XMX REPEATS [THREADS] [OUT]
# Runs `trainscope export LOGDIR -o OUT [--threads THREADS]` REPEATS times under /usr/bin/time -v
# with -XmxXMX (THREADS "" for the default) and
# prints, per run: points, elapsed seconds, points per second (elapsed), CPU seconds (user + sys),
# points per CPU second, and the peak resident set size in MB. The jar is trainscope-cli's
# (build it first: mvn -B -q -DskipTests package -pl trainscope-cli -am). OUT defaults to
# /tmp/trainscope-export-bench.csv and is deleted at the end.
set -euo pipefail
logdir=${1:?usage: export.sh LOGDIR XMX REPEATS [THREADS] [OUT]}
xmx=${2:?XMX, e.g. 256m}
repeats=${3:?REPEATS}
threads=${4:-}
out=${5:-/tmp/trainscope-export-bench.csv}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/trainscope-cli/target/trainscope.jar"
log=$(mktemp)
echo "# $(date -u +%FT%TZ) $(hostname) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), logdir $logdir, -Xmx$xmx, threads ${threads:-default}"
echo "points elapsed_s points_per_s cpu_s points_per_cpu_s peak_rss_mb"
for ((i = 0; i < repeats; i++)); do
  /usr/bin/time -v java -XX:+UseParallelGC "-Xmx$xmx" -jar "$jar" export "$logdir" -o "$out" ${threads:+--threads "$threads"} >"$log" 2>&1
  points=$(grep -o 'export: [0-9,]* points' "$log" | tr -dc '0-9')
  elapsed=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  user=$(grep 'User time' "$log" | awk '{print $NF}')
  sys=$(grep 'System time' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$log" | awk '{print $NF}')
  awk -v p="$points" -v e="$elapsed" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { printf "%d %.1f %.2fM %.1f %.2fM %.0f\n", p, e, p / e / 1e6, u + s, p / (u + s) / 1e6, r / 1024 }'
done
rm -f "$out" "$log"
