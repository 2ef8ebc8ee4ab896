#!/usr/bin/env bash
# The release's class-data-sharing archive, measured: wall time of `bin/trainscope --version`, and of
# `bin/trainscope serve` from its start to the first answer of /api/runs, with the launcher's AppCDS
# archive (made first, as two runs of each command make it) and without (TRAINSCOPE_CDS=off: the JDK's
# own archive only). PAIRS alternated pairs each, medians printed.
#
# Usage: benchmarks/startup-cds.sh RELEASE_DIR LOGDIR [PAIRS (default 7)] [PORT (default 6421)]
#   RELEASE_DIR: an unpacked trainscope-VERSION.tar.gz (the folder holding bin/ and lib/)
set -euo pipefail
release="$1"
logdir="$2"
pairs="${3:-7}"
port="${4:-6421}"
launcher="$release/bin/trainscope"
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
export TRAINSCOPE_CACHE="$cache"

now() { date +%s%N; }

version() { # mode: prints the wall time in ms
  local t0
  t0=$(now)
  if [[ $1 == cds ]]; then "$launcher" --version > /dev/null; else TRAINSCOPE_CDS=off "$launcher" --version > /dev/null; fi
  echo $(( ($(now) - t0) / 1000000 ))
}

serve() { # mode: prints the ms from the start to the first answer of /api/runs
  local t0 pid ms=""
  t0=$(now)
  if [[ $1 == cds ]]; then
    "$launcher" serve --logdir "$logdir" --port "$port" --reload_interval 3600 > /dev/null 2>&1 &
  else
    TRAINSCOPE_CDS=off "$launcher" serve --logdir "$logdir" --port "$port" --reload_interval 3600 > /dev/null 2>&1 &
  fi
  pid=$!
  for _ in $(seq 1 3000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/api/runs"; then
      ms=$(( ($(now) - t0) / 1000000 ))
      break
    fi
    sleep 0.02
  done
  kill -TERM "$pid"
  wait "$pid" || true
  echo "${ms:-timeout}"
}

# the archives: the first run of a command lists its classes, the second dumps them in the background
for _ in 1 2; do version cds > /dev/null; serve cds > /dev/null; done
# (the launcher dumps at low priority: on a busy machine that takes minutes)
for _ in $(seq 1 900); do
  [[ -n "$(find "$cache" -name serve.jsa)" && -n "$(find "$cache" -name other.jsa)" ]] && break
  sleep 1
done
if [[ -z "$(find "$cache" -name serve.jsa)" || -z "$(find "$cache" -name other.jsa)" ]]; then
  echo "startup-cds: the launcher made no archive in 15 minutes: $(ls "$cache"/*/*)" >&2
  exit 1
fi
find "$cache" -name '*.jsa' -printf 'archive %p %s bytes\n'

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -a vc vn sc sn
for i in $(seq 1 "$pairs"); do
  if (( i % 2 )); then vc+=("$(version cds)"); vn+=("$(version off)"); else vn+=("$(version off)"); vc+=("$(version cds)"); fi
  if (( i % 2 )); then sc+=("$(serve cds)"); sn+=("$(serve off)"); else sn+=("$(serve off)"); sc+=("$(serve cds)"); fi
  echo "pair $i: --version ${vc[-1]} ms with the archive, ${vn[-1]} without; serve to /api/runs ${sc[-1]} ms with, ${sn[-1]} without"
done
echo "--version median: $(printf '%s\n' "${vc[@]}" | median) ms with the archive, $(printf '%s\n' "${vn[@]}" | median) ms without"
echo "serve to the first /api/runs median: $(printf '%s\n' "${sc[@]}" | median) ms with, $(printf '%s\n' "${sn[@]}" | median) ms without"
