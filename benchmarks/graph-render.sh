#!/usr/bin/env bash
# The Graph tab on a 5,436-node graph, end to end in Debian's Chromium: time until the default view
# is drawn, time until "Expand all" has drawn every op, and frame intervals while zooming and
# panning. Figures in BENCHMARKS.md. Also prints the server-side layout timings (GraphLayoutBench).
#
# Usage: benchmarks/graph-render.sh [ROUNDS (default 5)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"
cd "$here"
mvn -B -q -Dstyle.color=never -DskipTests install
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.GenerateGraph "$work/resnet50.pb"
echo "== server side: decode, scopes, layout (GraphLayoutBench)"
java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.GraphLayoutBench "$work/resnet50.pb" "$rounds"
echo "== in the browser (GraphRenderBenchmark)"
(cd trainscope-server && mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null)
mkdir -p "$work/home"/{config,cache,data,state}
HOME="$work/home" TMPDIR="$work" XDG_CONFIG_HOME="$work/home/config" XDG_CACHE_HOME="$work/home/cache" \
  XDG_DATA_HOME="$work/home/data" XDG_STATE_HOME="$work/home/state" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  java -Dtrainscope.browserHome="$work/home" \
  -cp "trainscope-server/target/test-classes:trainscope-server/target/classes:$(cat "$work/cp.txt")" \
  dev.trainscope.server.GraphRenderBenchmark "$work/resnet50.pb" "$rounds"
