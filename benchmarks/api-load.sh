#!/usr/bin/env bash
# The dashboard's API under load: `trainscope serve` on a log directory, then CLIENTS concurrent
# clients (ApiLoad) each polling downsampled scalars (800 buckets) of random runs and tags for
# SECONDS, as fast as answers come. Prints requests/s and latency percentiles; figures in
# BENCHMARKS.md.
#
# Usage: benchmarks/api-load.sh DIR [CLIENTS (default 50)] [SECONDS (default 30)] [PORT (default 6123)] [MODE]
# It measures the clients as fast as answers come (capacity), then each polling every 1000, 250
# and 100 ms (an open loop: 50, 200 and 500 requests/s offered by 50 clients). MODE `mixed`: the
# clients ask a mix of /api/scalars queries (ApiLoad.mixedQuery: one run, five runs, a zoom, exact
# points), as fast as answered and then polling every 1000 ms.
# SERVER_JAR=path/to/trainscope.jar serves with another build (its target/lib beside it), for
# before-and-after comparisons with the same clients.
# A 100-run logdir: java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.GenerateLogdir DIR 100 20 50000 smooth us
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$1"
clients="${2:-50}"
seconds="${3:-30}"
port="${4:-6123}"
mode="${5:-chart}"
jar="${SERVER_JAR:-$here/trainscope-cli/target/trainscope.jar}"
bench="$here/benchmarks/target/benchmarks.jar"
if [[ ! -f "$jar" || ! -d "$here/trainscope-cli/target/lib" || ! -f "$bench" ]]; then
  (cd "$here" && mvn -B -q -Dstyle.color=never -DskipTests package)
fi

if [[ -n "${SERVER_JAR:-}" ]]; then
  # as the launcher runs it: the parallel collector unless TRAINSCOPE_JAVA_OPTS names one
  java -XX:+UseParallelGC ${TRAINSCOPE_JAVA_OPTS:-} -jar "$jar" serve --logdir "$dir" --port "$port" --reload_interval 3600 >/dev/null 2>&1 &
else
  "$here/trainscope" serve --logdir "$dir" --port "$port" --reload_interval 3600 >/dev/null 2>&1 &
fi
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
. "$here/benchmarks/serve-wait.sh"
wait_loaded "$base"
echo "server loaded: $p"
wait_idle "$server"
echo "server idle"
echo "server resident memory: $(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 )) MiB"
if [[ $mode == mixed ]]; then
  java -cp "$bench" dev.trainscope.benchmarks.ApiLoad "$base" "$clients" "$seconds" 0 mixed
  java -cp "$bench" dev.trainscope.benchmarks.ApiLoad "$base" "$clients" "$seconds" 1000 mixed
  exit 0
fi
java -cp "$bench" dev.trainscope.benchmarks.ApiLoad "$base" "$clients" "$seconds"
for interval in 1000 250 100; do
  java -cp "$bench" dev.trainscope.benchmarks.ApiLoad "$base" "$clients" "$seconds" "$interval"
done
