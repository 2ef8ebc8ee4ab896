#!/usr/bin/env bash
# Two builds' API under load, alternated: PAIRS pairs (default 2) of `api-load.sh DIR 100 30 PORT mixed`,
# the old build first in each pair, at nice -10 so that the server and its clients get most of a
# shared machine (raising priority needs root). Figures in BENCHMARKS.md ("100 clients, mixed queries").
#
# Usage: benchmarks/api-load-pairs.sh OLD_JAR NEW_JAR [DIR (default /tmp/logdir-25)] [PAIRS] [PORT (default 6391)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
old="$1"
new="$2"
dir="${3:-/tmp/logdir-25}"
pairs="${4:-2}"
port="${5:-6391}"
for i in $(seq 1 "$pairs"); do
  for build in old new; do
    jar=$old
    [[ $build == new ]] && jar=$new
    echo "=== $build pair $i start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
    SERVER_JAR=$jar nice -n -10 "$here/benchmarks/api-load.sh" "$dir" 100 30 "$port" mixed
    echo "=== $build pair $i end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
