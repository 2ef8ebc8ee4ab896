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
jar="${1:-$here/trainscope-cli/target/trainscope.jar}"
port="${2:-6124}"
bench="$here/benchmarks/target/benchmarks.jar"
if [[ ! -f "$here/trainscope-cli/target/trainscope.jar" || ! -f "$bench" ]]; then
  (cd "$here" && mvn -B -q -Dstyle.color=never -DskipTests package)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/trainscope-corrupt.XXXXXX")"
server=""
cleanup() { # the 2.3 GB of files go, whatever happened
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
java -cp "$bench" dev.trainscope.benchmarks.GenerateLogdir "$dir/healthy" 1 20 5000 smooth us >/dev/null
mkdir -p "$dir/staged/corrupt"
head -c 2G /dev/urandom > "$dir/staged/corrupt/events.out.tfevents.1700000000.random.1.0"
head -c 300M /dev/zero > "$dir/staged/corrupt/events.out.tfevents.1700000001.zeros.1.0"
cat "$dir"/staged/corrupt/* > /dev/null # the page cache, as for the other load figures

mkdir -p "$dir/logdir" && mv "$dir/healthy" "$dir/logdir/"
java -XX:+UseParallelGC -jar "$jar" serve --logdir "$dir/logdir" --port "$port" --reload_interval 1 >/dev/null 2>&1 &
server=$!
echo "serve, /api/runs every 50 ms while the corrupt run loads:"
java -cp "$bench" dev.trainscope.benchmarks.RunsLatency "http://127.0.0.1:$port" 50 900 10 \
  5 "$dir/staged/corrupt" "$dir/logdir/corrupt" $(( (2048 + 300) * 1024 * 1024 ))
kill "$server"; wait "$server" 2>/dev/null || true
server=""

echo "doctor:"
start=$(date +%s.%N)
set +e
timeout 900 java -XX:+UseParallelGC -jar "$jar" doctor "$dir/logdir" > "$dir/doctor.txt" 2>&1
status=$?
set -e
end=$(date +%s.%N)
python3 -c "import sys; print('doctor took %.1f s, exit status %s' % (float(sys.argv[2]) - float(sys.argv[1]), sys.argv[3]))" "$start" "$end" "$status"
head -c 1500 "$dir/doctor.txt"
cleanup
