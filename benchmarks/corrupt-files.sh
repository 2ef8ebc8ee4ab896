#!/usr/bin/env bash
# Corrupt files: a log directory with one healthy run (20 tags x 5,000 steps) and one whose two
# event files hold 2 GiB of random bytes and 300 MiB of zeros (made here, deleted at the end). Measures
# GET /api/runs every 50 ms while `trainscope serve` loads it (RunsLatency), then how long
# `trainscope doctor` takes on it. Figures in BENCHMARKS.md ("Corrupt files").
#
# Usage: benchmarks/corrupt-files.sh [TRAINSCOPE_JAR (default: this tree's)] [PORT (default 6124)]
# With another build's trainscope.jar (its lib/ beside it), the same measurement of that build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${1:-$here/trainscope-server/target/trainscope.jar}"
port="${2:-6124}"
bench="$here/benchmarks/target/benchmarks.jar"
if [[ ! -f "$here/trainscope-server/target/trainscope.jar" || ! -f "$bench" ]]; then
  (cd "$here" && mvn -B -q -Dstyle.color=never -DskipTests package)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/trainscope-corrupt.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
java -cp "$bench" dev.trainscope.benchmarks.GenerateLogdir "$dir/healthy" 1 20 5000 smooth us >/dev/null
mkdir -p "$dir/corrupt"
head -c 2G /dev/urandom > "$dir/corrupt/events.out.tfevents.1700000000.random.1.0"
head -c 300M /dev/zero > "$dir/corrupt/events.out.tfevents.1700000001.zeros.1.0"
cat "$dir"/corrupt/* > /dev/null # the page cache, as for the other load figures

java -XX:+UseParallelGC -jar "$jar" serve --logdir "$dir" --port "$port" --reload_interval 3600 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$dir"' EXIT
echo "serve, /api/runs every 50 ms while it loads:"
java -cp "$bench" dev.trainscope.benchmarks.RunsLatency "http://127.0.0.1:$port" 50 900 10
kill $server; wait $server 2>/dev/null || true

echo "doctor:"
start=$(date +%s.%N)
set +e
timeout 900 java -XX:+UseParallelGC -jar "$jar" doctor "$dir" > "$dir/doctor.txt" 2>&1
status=$?
set -e
end=$(date +%s.%N)
python3 -c "import sys; print('doctor took %.1f s, exit status %s' % (float(sys.argv[2]) - float(sys.argv[1]), sys.argv[3]))" "$start" "$end" "$status"
head -c 1500 "$dir/doctor.txt"
