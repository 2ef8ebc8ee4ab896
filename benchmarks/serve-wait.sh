# Sourced by the benchmark scripts that start `trainscope serve`: wait_loaded BASE waits until the
# first load is done (every byte known has been read) and leaves its progress in $p; wait_idle PID
# waits until the server is idle (the background diagnosis passes over everything after the load,
# competing for the CPU; idle = under a tenth of a core over two seconds), at most 20 minutes.
wait_loaded() {
  for _ in $(seq 1 2400); do
    p="$(curl -sf "$1/api/progress" || true)"
    if [[ -n $p ]] && python3 -c 'import json,sys; p=json.loads(sys.argv[1]); sys.exit(0 if p["firstPollDone"] and p["bytesRead"] >= p["bytesKnown"] > 0 else 1)' "$p"; then
      return
    fi
    sleep 0.5
  done
}

wait_idle() {
  local a b
  for _ in $(seq 1 600); do
    a="$(awk '{print $14 + $15}' "/proc/$1/stat")"; sleep 2; b="$(awk '{print $14 + $15}' "/proc/$1/stat")"
    (( b - a < 20 )) && return
  done
}
