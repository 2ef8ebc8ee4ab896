#!/usr/bin/env bash
# The DJL listener's overhead on real training: `trainscope demo --no-serve` with the default logging
# against the same run without the listener (--no-log), same seed, in pairs whose order alternates
# (listener first, then baseline first, ...) so that drifts in the machine's load hit both alike.
# Prints each run's training time (DJL's fit loop, validation passes included; JVM start, engine
# load and data set-up excluded), the medians and the overhead. Figures in BENCHMARKS.md.
#
# Usage: benchmarks/listener-overhead.sh [PAIRS (default 5)] [more demo options, e.g. --epochs 4]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/trainscope-cli/target/trainscope.jar"
# the demo runs with trainscope-demo/target/lib on the class path too (DJL, PyTorch; the dashboard has neither)
demolib="$here/trainscope-demo/target/lib"
if [[ ! -f "$jar" || ! -d "$here/trainscope-cli/target/lib" || ! -d "$demolib" ]]; then
  (cd "$here" && mvn -B -q -Dstyle.color=never -DskipTests -pl trainscope-cli -am package)
fi

pairs="${1:-5}"
shift || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() { # mode pair
  local args=(demo --no-serve --seed 1 --logdir "$work/runs" "${@:3}")
  [[ "$1" == baseline ]] && args+=(--no-log)
  local output line share
  output="$(java ${TRAINSCOPE_JAVA_OPTS:-} -cp "$jar:$demolib/*" dev.trainscope.cli.Main "${args[@]}" 2>/dev/null)"
  line="$(grep '^trained' <<<"$output")"
  share="$(grep -o 'the listeners\? took .*' <<<"$output" || true)"
  printf '%-9s pair %d: %s %s\n' "$1" "$2" "$line" "${share:+($share}"
  sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$line" >> "$work/$1.txt"
}

for i in $(seq 1 "$pairs"); do
  if (( i % 2 == 1 )); then
    run listener "$i" "$@"; run baseline "$i" "$@"
  else
    run baseline "$i" "$@"; run listener "$i" "$@"
  fi
done

median() { sort -g "$1" | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
with="$(median "$work/listener.txt")"
without="$(median "$work/baseline.txt")"
echo "median training time: with the listener $with s, without $without s"
awk -v a="$with" -v b="$without" 'BEGIN {printf "overhead: %+.1f%%\n", 100 * (a - b) / b}'
