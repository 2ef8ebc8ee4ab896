#!/usr/bin/env bash
# One whole t-SNE as the Projector runs it on its largest sample (10,000 x 50, 2-D, 500 iterations),
# one process per run, so that two builds can be alternated: with BEFORE set to a folder holding a
# previous build's trainscope-data classes/ and test-classes/, runs alternate before, after, before...
# Figures in BENCHMARKS.md (the projector section).
#
# Usage: [BEFORE=dir] benchmarks/tsne.sh [PAIRS (default 3)] [ROWS (default 10000)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -B -q -o -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -pl trainscope-data -am >/dev/null
cp="trainscope-data/target/test-classes:trainscope-data/target/classes:trainscope-events/target/classes:$(cat "$work/cp.txt")"
for ((i = 0; i < ${1:-3}; i++)); do
  if [[ -n "${BEFORE:-}" ]]; then
    echo -n "before: "
    java -cp "$BEFORE/test-classes:$BEFORE/classes:$cp" dev.trainscope.data.projector.TsneBenchmark "${2:-10000}"
  fi
  echo -n "after:  "
  java -cp "$cp" dev.trainscope.data.projector.TsneBenchmark "${2:-10000}"
done
