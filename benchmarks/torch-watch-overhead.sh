#!/usr/bin/env bash
# trainscope_torch.watch's overhead on a real PyTorch training (CPU, Debian's python3-torch): the
# demo's CNN on 8,000 MNIST digits with validation after each epoch (torch_watch_overhead.py), once
# watched at the default cadences and once not, same seed, in pairs whose order alternates (watched
# first, then plain first, ...) so that drifts in the machine's load hit both alike. Prints each
# run's training time, each pair's ratio, the median of the ratios and the medians of the times;
# checks that both modes end with the same weights. Figures in BENCHMARKS.md.
#
# Usage: benchmarks/torch-watch-overhead.sh [PAIRS (default 5)] [more options, e.g. --epochs 2]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"
pairs="${1:-5}"
shift || true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() { # mode pair
  local line
  line="$("$python" "$here/torch_watch_overhead.py" --mode "$1" --logdir "$work/runs/$2" "${@:3}")"
  printf '%-5s pair %d: %s\n' "$1" "$2" "$line"
  sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$line" >> "$work/$1.txt"
  sed -E 's/.*CPU ([0-9.]+) s.*/\1/' <<<"$line" >> "$work/$1.cpu"
  sed -E 's/.*weights ([0-9a-f]+).*/\1/' <<<"$line" >> "$work/weights.txt"
}

for i in $(seq 1 "$pairs"); do
  if (( i % 2 == 1 )); then
    run watch "$i" "$@"; run plain "$i" "$@"
  else
    run plain "$i" "$@"; run watch "$i" "$@"
  fi
done

[[ $(sort -u "$work/weights.txt" | wc -l) -eq 1 ]] || { echo "the final weights differ between runs" >&2; exit 1; }
paste "$work/watch.txt" "$work/plain.txt" | awk '{print $1 / $2}' > "$work/ratios.txt"
median() { sort -g "$1" | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
echo "pair ratios (watched / plain): $(tr '\n' ' ' < "$work/ratios.txt")"
echo "median training time: watched $(median "$work/watch.txt") s, plain $(median "$work/plain.txt") s; the same weights in every run"
echo "median CPU time: watched $(median "$work/watch.cpu") s, plain $(median "$work/plain.cpu") s"
awk -v r="$(median "$work/ratios.txt")" 'BEGIN {printf "overhead (median of the pair ratios): %+.1f%%\n", 100 * (r - 1)}'
