#!/usr/bin/env bash
# What the feature views (Logged.FEATURE_VIEWS: each convolution channel's top 9 validation images,
# their deconvnet and guided back-propagation reconstructions and ranking, after every validation
# pass) add to the demo's training: `trainscope demo --no-serve` with the listener at its defaults
# against the same run with `--skip feature-views`, same seed, in pairs whose order alternates
# (feature views first, then the other first, ...) so that drifts in the machine's load hit both alike.
# Prints each run's training time (DJL's fit loop, validation passes included; JVM start, engine
# load and data set-up excluded) and the time in the listener's callbacks, the medians, and the
# difference. Figures in BENCHMARKS.md.
#
# Usage: benchmarks/features-overhead.sh [PAIRS (default 3)] [more demo options, e.g. --epochs 4]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/trainscope-cli/target/trainscope.jar"
# the demo runs with trainscope-demo/target/lib on the class path too (DJL, PyTorch; the dashboard has neither)
demolib="$here/trainscope-demo/target/lib"
if [[ ! -f "$jar" || ! -d "$here/trainscope-cli/target/lib" || ! -d "$demolib" ]]; then
  (cd "$here" && mvn -B -q -Dstyle.color=never -DskipTests -pl trainscope-cli -am package)
fi

pairs="${1:-3}"
shift || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() { # mode pair demo-options...
  local args=(demo --no-serve --seed 1 --logdir "$work/runs" "${@:3}")
  [[ "$1" == without ]] && args+=(--skip feature-views)
  local output line share
  output="$(java ${TRAINSCOPE_JAVA_OPTS:-} -cp "$jar:$demolib/*" dev.trainscope.cli.Main "${args[@]}" 2>/dev/null)"
  line="$(grep '^trained' <<<"$output")"
  share="$(grep -o 'the listener took .*' <<<"$output" || true)"
  printf '%-8s pair %d: %s %s\n' "$1" "$2" "$line" "${share:+($share}"
  sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$line" >> "$work/$1.txt"
  sed -E 's/.*the listener took ([0-9.]+) s.*/\1/' <<<"$share" >> "$work/$1-listener.txt"
}

for i in $(seq 1 "$pairs"); do
  if (( i % 2 == 1 )); then
    run with "$i" "$@"; run without "$i" "$@"
  else
    run without "$i" "$@"; run with "$i" "$@"
  fi
done

median() { sort -g "$1" | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
with="$(median "$work/with.txt")"
without="$(median "$work/without.txt")"
lwith="$(median "$work/with-listener.txt")"
lwithout="$(median "$work/without-listener.txt")"
echo "median training time: with the feature views $with s, without $without s"
echo "median time in the listener's callbacks: with $lwith s, without $lwithout s"
awk -v a="$with" -v b="$without" 'BEGIN {printf "overhead of the feature views: %+.1f%% of the training time (%+.2f s)\n", 100 * (a - b) / b, a - b}'
