#!/usr/bin/env bash
# Issue 22's many-small-runs figure: the whole-process time of `inspect --runs DIR` and of `serve
# --logdir DIR` until /api/runs lists every run and the load says done, for two builds alternated
# PAIRS times (the order within a pair alternates too). Prints one line per measurement (wall
# seconds, CPU seconds of the process, the load average then) and the
# medians; figures in BENCHMARKS.md ("Issue 22").
#
# Usage: benchmarks/small-runs.sh DIR PAIRS OLD_JAR NEW_JAR [PORT (default 6124)]
# Each JAR is a trainscope.jar with its target/lib beside it, run as the launcher runs it (the
# parallel collector). The log directory: java -cp benchmarks/target/benchmarks.jar
# dev.trainscope.benchmarks.GenerateSmallRuns DIR (10,000 runs of one 724-byte event file each).
set -euo pipefail

dir="$1"
pairs="$2"
jars=("$3" "$4")
port="${5:-6124}"
runs="$(find "$dir" -name '*tfevents*' -printf '%h\n' | sort -u | wc -l)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# inspect runs with the launcher's JIT thresholds for one-shot commands (read from ./trainscope);
# serve with the JVM's defaults, as the launcher runs them. INSPECT_OPTS= (empty) measures without.
inspect_opts="${INSPECT_OPTS-$(sed -n 's/^  jit="\(.*\)"$/\1/p' "$here/trainscope")}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

now() { date +%s.%N; }

# Prints the wall time and the CPU time (user + system), in seconds.
inspect_runs() {
  local t0 t1 cpu
  t0="$(now)"
  cpu="$( { /usr/bin/time -f '%U %S' java -XX:+UseParallelGC $inspect_opts -jar "$1" inspect --runs "$dir" > /dev/null; } 2>&1 | tail -1)"
  t1="$(now)"
  echo "$(echo "$t1 - $t0" | bc) $(echo "$cpu" | awk '{print $1 + $2}')"
}

# Seconds from starting the process until /api/runs lists $runs runs and the progress says done,
# and the server's CPU time (user + system) by then.
serve_time() {
  local t0 server
  t0="$(now)"
  java -XX:+UseParallelGC -jar "$1" serve --logdir "$dir" --port "$port" --reload_interval 3600 >/dev/null 2>&1 &
  server=$!
  python3 - "$port" "$runs" "$t0" "$server" <<'PY'
import json, os, sys, time, urllib.request
port, runs, t0, pid = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
base = f"http://127.0.0.1:{port}"
deadline = time.time() + 600
while time.time() < deadline:
    try:
        p = json.load(urllib.request.urlopen(base + "/api/progress", timeout=30))
        if p["firstPollDone"] and p["bytesRead"] >= p["bytesKnown"] and p["runsLoaded"] == p["runsKnown"] == runs:
            r = json.load(urllib.request.urlopen(base + "/api/runs", timeout=60))
            if len(r["runs"]) == runs:
                stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
                print(f"{time.time() - t0:.3f} {cpu:.2f}")
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.02)
print("timeout -1")
sys.exit(1)
PY
  kill "$server"
  wait "$server" 2>/dev/null || true
}

echo "logdir $dir: $runs runs; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for ((i = 0; i < pairs; i++)); do
  order=(0 1)
  if (( i % 2 == 1 )); then order=(1 0); fi
  for k in "${order[@]}"; do
    t="$(inspect_runs "${jars[$k]}")"
    echo "pair $i jar $k inspect-runs $t $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
  done
  for k in "${order[@]}"; do
    t="$(serve_time "${jars[$k]}")"
    echo "pair $i jar $k serve $t $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
  done
done
python3 - "$out" "${jars[@]}" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for what in ("inspect-runs", "serve"):
    for k, jar in enumerate(sys.argv[2:]):
        xs = [float(r[5]) for r in rows if r[4] == what and r[3] == str(k)]
        cs = [float(r[6]) for r in rows if r[4] == what and r[3] == str(k)]
        print(f"{what:13s} {jar}: wall median {statistics.median(xs):.2f} s ({min(xs):.2f}-{max(xs):.2f}), "
              f"cpu median {statistics.median(cs):.2f} s ({min(cs):.2f}-{max(cs):.2f}), {len(xs)} runs")
PY
echo "done $(date -u +%Y-%m-%dT%H:%M:%SZ)"
