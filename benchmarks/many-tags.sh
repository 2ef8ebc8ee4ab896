#!/usr/bin/env bash
# A run with a million scalar tags (issue 17): the server's live heap once loaded, GET /api/tags
# (bytes, seconds) and the Scalars tab's time to its first card in Debian's Chromium, with the
# longest main-thread task (ManyTagsBenchmark). Figures in BENCHMARKS.md.
#
# Usage: benchmarks/many-tags.sh DIR [TAGS (default 1000000)] [PORT (default 6392)] [ROUNDS (default 3)]
# DIR is written once (a run "huge" of TAGS tags, one value each). SERVER_JAR=path/to/trainscope.jar
# serves with another build (its target/lib beside it), for before-and-after comparisons.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$1"
tags="${2:-1000000}"
port="${3:-6392}"
rounds="${4:-3}"
jar="${SERVER_JAR:-$here/trainscope-cli/target/trainscope.jar}"
cd "$here"
work="$(mktemp -d)"
(cd trainscope-server && mvn -B -q -o -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null)
cp="trainscope-server/target/test-classes:trainscope-server/target/classes:$(cat "$work/cp.txt")"
if [[ ! -d "$dir/huge" ]]; then
  java -cp "$cp" dev.trainscope.server.ManyTagsBenchmark write "$dir" "$tags"
fi
java -XX:+UseParallelGC -jar "$jar" serve --logdir "$dir" --port "$port" --reload_interval 3600 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
t0=$(date +%s.%N)
. "$here/benchmarks/serve-wait.sh"
wait_loaded "$base"
echo "loaded in $(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$t0" "$(date +%s.%N)") s: $p"
wait_idle "$server"
jcmd "$server" GC.run >/dev/null
echo "live heap after a full collection: $(jcmd "$server" GC.heap_info | awk '/ParOldGen|PSYoungGen/ {for (i = 1; i <= NF; i++) if ($i == "used") print $1, $(i + 1)}' | tr '\n' ' ')"
echo "resident: $(( $(awk '/VmRSS/ {print $2}' "/proc/$server/status") / 1024 )) MiB"
mkdir -p "$work/home"/{config,cache,data,state}
HOME="$work/home" TMPDIR="$work" XDG_CONFIG_HOME="$work/home/config" XDG_CACHE_HOME="$work/home/cache" \
  XDG_DATA_HOME="$work/home/data" XDG_STATE_HOME="$work/home/state" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  java -Dtrainscope.browserHome="$work/home" -cp "$cp" dev.trainscope.server.ManyTagsBenchmark measure "$base" "$rounds"
