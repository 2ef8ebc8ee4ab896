#!/usr/bin/env bash
# Issue 22's inspect figure: `trainscope inspect --json FILE` (two builds) against a bare pass over
# the same file that frames every record and checks both CRCs (BarePass), each a whole process,
# alternated ROUNDS times (the order rotates). Prints every measurement (wall and CPU seconds) and
# the medians with each build's ratio to the bare pass; figures in BENCHMARKS.md ("Issue 22").
#
# Usage: benchmarks/inspect-json.sh FILE ROUNDS OLD_JAR NEW_JAR [JAVA_OPTS for the inspects; default: the
# launcher's for inspect, its JIT thresholds; "" for none]
# The file: java -cp <trainscope-events jar>:benchmarks/target/classes dev.trainscope.benchmarks.BarePass --generate DIR
set -euo pipefail

file="$1"
rounds="$2"
old="$3"
new="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# JVM options for both builds; by default the launcher's for inspect (its JIT thresholds, read from ./trainscope)
opts="${5-$(sed -n 's/^  jit="\(.*\)"$/\1/p' "$here/trainscope")}"
events="$(ls "$here"/trainscope-cli/target/lib/trainscope-events-*.jar | head -1)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

measure() { # NAME COMMAND...: wall and CPU seconds
  local name="$1" t0 t1 cpu
  shift
  t0="$(date +%s.%N)"
  cpu="$( { /usr/bin/time -f '%U %S' "$@" > /dev/null; } 2>&1 | tail -1)"
  t1="$(date +%s.%N)"
  echo "$name $(echo "$t1 - $t0" | bc) $(echo "$cpu" | awk '{print $1 + $2}') $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
}

echo "file $file ($(stat -c %s "$file") bytes); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for ((i = 0; i < rounds; i++)); do
  for k in 0 1 2; do
    case $(( (i + k) % 3 )) in
      0) measure bare java -cp "$events:$here/benchmarks/target/classes" dev.trainscope.benchmarks.BarePass "$file" ;;
      1) measure old java -XX:+UseParallelGC $opts -jar "$old" inspect --json "$file" ;;
      2) measure new java -XX:+UseParallelGC $opts -jar "$new" inspect --json "$file" ;;
    esac
  done
done
python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = {}
for name in ("bare", "old", "new"):
    w = [float(r[1]) for r in rows if r[0] == name]
    c = [float(r[2]) for r in rows if r[0] == name]
    med[name] = (statistics.median(w), statistics.median(c))
    print(f"{name:5s} wall median {med[name][0]:.2f} s ({min(w):.2f}-{max(w):.2f}), cpu median {med[name][1]:.2f} s, {len(w)} runs")
for name in ("old", "new"):
    print(f"{name}/bare: wall {med[name][0] / med['bare'][0]:.1f}x, cpu {med[name][1] / med['bare'][1]:.1f}x")
PY
echo "done $(date -u +%Y-%m-%dT%H:%M:%SZ)"
