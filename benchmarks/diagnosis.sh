#!/usr/bin/env bash
# The labelled diagnosis benchmark: trains every fault of `trainscope demo --fault` with 3 seeds and
# 12 healthy runs that vary the network, optimiser, batch size and learning rate, then scores
# `trainscope doctor`'s findings against the labels (DiagnosisBenchmark; table in BENCHMARKS.md).
#
# Usage: benchmarks/diagnosis.sh [OUT (default target/diagnosis-bench)] [EPOCHS (default 6)]
# Runs already trained under OUT are kept (delete OUT to start over). About 25 minutes on 2 cores
# before the three faults added last (shuffled-labels, unshuffled, zero-init).
# SEEDS (default "1 2 3") are the fault runs' seeds; the healthy runs take seeds 1..12 plus
# HEALTHY_SEED_OFFSET (default 0). A held-out round: SEEDS="11" HEALTHY_SEED_OFFSET=100 HEALTHY=6.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/target/diagnosis-bench}"
epochs="${2:-6}"
jar="${TRAINSCOPE_JAR:-$here/trainscope-cli/target/trainscope.jar}"
# the demo runs with trainscope-demo/target/lib on the class path too (DJL, PyTorch; the dashboard has neither)
demolib="$here/trainscope-demo/target/lib"
bench="${BENCHMARKS_JAR:-$here/benchmarks/target/benchmarks.jar}"
if [[ ! -f "$jar" || ! -d "$(dirname "$jar")/lib" || ! -d "$demolib" || ! -f "$bench" ]]; then
  (cd "$here" && mvn -B -q -Dstyle.color=never -DskipTests package)
fi
mkdir -p "$out/runs"

train() { # label, demo options...
  local label="$1"
  shift
  if compgen -G "$out/runs/$label/*/events.out.tfevents.*" >/dev/null; then
    return
  fi
  rm -rf "$out/runs/$label"
  echo "training $label: $*" >&2
  java -cp "$jar:$demolib/*" dev.trainscope.cli.Main demo --no-serve --logdir "$out/runs/$label" "$@" 2>/dev/null | grep '^trained' >&2
}

seeds="${SEEDS:-1 2 3}"
offset="${HEALTHY_SEED_OFFSET:-0}"
for fault in lr-high lr-low no-normalize dead-relu vanishing exploding overfit repeat-batch saturated \
    shuffled-labels unshuffled zero-init; do
  for seed in $seeds; do
    if [[ $fault == overfit || $fault == shuffled-labels ]]; then
      # their own defaults: overfit many epochs on 256 samples; shuffled-labels the 20 epochs memorising takes
      train "$fault-s$seed" --fault "$fault" --seed "$seed"
    else
      train "$fault-s$seed" --fault "$fault" --seed "$seed" --epochs "$epochs"
    fi
  done
done
healthy=(
  "" "" ""
  "--batch-size 32" "--batch-size 128"
  "--optimizer sgd" "--optimizer sgd --batch-size 128"
  "--arch mlp" "--arch mlp --optimizer sgd" "--arch mlp --batch-size 32"
  "--lr 3e-4" "--arch mlp --lr 3e-3"
)
for i in $(seq 1 "${HEALTHY:-${#healthy[@]}}"); do
  seed=$((i + offset))
  # shellcheck disable=SC2086
  train "healthy-$seed" ${healthy[$((i - 1))]} --seed "$seed" --epochs "$epochs"
done

java -cp "$bench" dev.trainscope.benchmarks.DiagnosisBenchmark "$out/runs"
