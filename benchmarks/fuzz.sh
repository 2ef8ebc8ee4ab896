#!/usr/bin/env bash
# The longer fuzzing run: each Jazzer fuzz test (the *Fuzzer classes) fuzzed for MINUTES minutes,
# one after another, with the settings of ./test's short run (pom.xml, execution "fuzz": a second
# per input at most, a 512 MB heap). Each starts from its committed corpus and the corpus the earlier
# runs left in <module>/.cifuzz-corpus (not committed); a finding fails that target, and Jazzer
# writes its input into the test's Inputs folder under src/test/resources, where it becomes a
# regression test. Logs go to target/fuzz/; the summary (runs, executions per second, corpus) is
# printed at the end.
#
#   benchmarks/fuzz.sh [MINUTES] [Class...]      # default: 5 minutes, every target
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

minutes=${1:-5}
shift || true
declare -A module=(
  [EventFileFuzzer]=trainscope-events
  [PluginPayloadFuzzer]=trainscope-events
  [GraphDefFuzzer]=trainscope-graph
  [OnnxFuzzer]=trainscope-graph
  [KerasConfigFuzzer]=trainscope-graph
  [ApiFuzzer]=trainscope-server
)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(EventFileFuzzer PluginPayloadFuzzer GraphDefFuzzer OnnxFuzzer KerasConfigFuzzer ApiFuzzer)

mkdir -p target/fuzz
failed=0
summary=()
for class in "${targets[@]}"; do
  m=${module[$class]:?unknown fuzz test $class}
  log=target/fuzz/$class.log
  echo "fuzz: $class ($m) for ${minutes} min, log in $log" >&2
  if mvn -B test -pl "$m" -am -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dtrainscope.browser=skip -Dfuzz.duration="${minutes}m" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    failed=1
  fi
  # libFuzzer's last status line and its closing line, e.g.
  #   #151656 DONE   cov: 512 ft: 1521 corp: 266/14120b lim: 381 exec/s: 16850 rss: 685Mb
  #   Done 151656 runs in 9 second(s)
  done_line=$(grep -a -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  runs_line=$(grep -a -E '^Done [0-9]+ runs in' "$log" | tail -1)
  summary+=("$(printf '%-20s %-6s %s | %s' "$class" "$result" "${runs_line:-no closing line}" "${done_line:-no DONE line}")")
done
printf '%s\n' "${summary[@]}"
exit $failed
