#!/usr/bin/env bash
# The Projector tab at 10,000 and 100,000 points in Debian's Chromium: the server's projection time
# per method, the first frame (computed, then cached) and the frame intervals while rotating in 3-D.
# Figures in BENCHMARKS.md.
#
# Usage: benchmarks/projector.sh [METHODS (default pca,umap,tsne)] [SIZES (default 10000,100000)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# built in the reactor (no install): the modules' own classes, then the libraries they use
# (the sibling modules resolve to their target folders; the last module's classpath is the server's)
mvn -B -q -o -Dstyle.color=never -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" -pl trainscope-server -am >/dev/null
libs="$(cat "$work/cp.txt")"
own=":trainscope-server/target/classes"
mkdir -p "$work/home"/{config,cache,data,state}
HOME="$work/home" TMPDIR="$work" XDG_CONFIG_HOME="$work/home/config" XDG_CACHE_HOME="$work/home/cache" \
  XDG_DATA_HOME="$work/home/data" XDG_STATE_HOME="$work/home/state" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  java -Xmx2g -Dtrainscope.browserHome="$work/home" \
  -cp "trainscope-server/target/test-classes${own}:$libs" \
  dev.trainscope.server.ProjectorBenchmark "${1:-pca,umap,tsne}" "${2:-10000,100000}"
