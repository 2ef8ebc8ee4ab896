#!/usr/bin/env bash
# Loading a log directory from object storage against loading it from disk.
#
#   benchmarks/s3-load.sh [LOGDIR] [ROUNDS]
#
# Makes LOGDIR if absent (GenerateLogdir: 100 runs x 20 scalar tags x 5,000 steps, 0.6 GB), starts
# S3Proxy 2.6.0 (the filesystem back end, AWS v4 signatures) as a process of its own on loopback,
# puts LOGDIR into a bucket through the S3 API, then alternates ROUNDS loads of each
# (LoadLogdir DIR, LoadLogdir s3://bench/logdir), each a fresh JVM started as ./trainscope starts it
# (parallel collector), and prints what each load says (first run queryable, everything loaded,
# requests, bytes) and the medians. Both read through the page cache: the disk read is the first
# round's only cold one, S3Proxy reads the same bytes from its own files.
set -euo pipefail
cd "$(dirname "$0")/.."
LOGDIR=${1:-/tmp/logdir-100x5000}
ROUNDS=${2:-5}
JAR=benchmarks/target/benchmarks.jar
CP_FILE=$PWD/benchmarks/target/s3proxy.classpath

[[ -f $JAR ]] || mvn -o -q package -pl benchmarks -am -DskipTests
[[ -d $LOGDIR ]] || java -cp "$JAR" dev.trainscope.benchmarks.GenerateLogdir "$LOGDIR" 100 20 5000 smooth us
# S3Proxy and its dependencies are trainscope-data's test dependencies
[[ -f $CP_FILE ]] || mvn -o -q dependency:build-classpath -pl trainscope-data -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE"

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$WORK/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/blobs
PROPS
mkdir -p "$WORK/blobs"
# S3Proxy logs through Logback at DEBUG unless told: that alone would take a core
cat > "$WORK/logback.xml" <<'XML'
<configuration>
  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%d %-5level %logger - %msg%n</pattern></encoder></appender>
  <root level="WARN"><appender-ref ref="E"/></root>
</configuration>
XML
java -Xmx1g -Dlogback.configurationFile="$WORK/logback.xml" -cp "$(cat "$CP_FILE")" org.gaul.s3proxy.Main --properties "$WORK/s3proxy.properties" \
  > "$WORK/s3proxy.log" 2>&1 &
S3PID=$!
trap 'kill $S3PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.2
done

export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret \
  AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION
java -cp "$JAR" dev.trainscope.benchmarks.PutLogdir "$LOGDIR" bench logdir

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$ROUNDS"); do
  for src in disk s3; do
    where=$LOGDIR
    [[ $src == s3 ]] && where=s3://bench/logdir
    before=$(awk '{print $14 + $15}' "/proc/$S3PID/stat")
    java -Xmx8g -XX:+UseParallelGC -cp "$JAR" dev.trainscope.benchmarks.LoadLogdir "$where" > "$WORK/$src-$i.txt"
    after=$(awk '{print $14 + $15}' "/proc/$S3PID/stat")
    first=$(awk '/first run queryable/ {print $4}' "$WORK/$src-$i.txt")
    total=$(awk '/loaded everything/ {print $3}' "$WORK/$src-$i.txt")
    cpu=$(awk '/^cpu time/ {print $3}' "$WORK/$src-$i.txt")
    traffic=$(grep 'storage traffic' "$WORK/$src-$i.txt" | sed 's/ *storage traffic *//')
    echo "round $i $src: first run queryable $first s, everything $total s; $traffic; CPU: loader $cpu s," \
      "S3Proxy $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}') s"
    echo "$src $first $total" >> "$WORK/figures"
  done
done
python3 - "$WORK/figures" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for src in ("disk", "s3"):
    first = [float(r[1]) for r in rows if r[0] == src]
    total = [float(r[2]) for r in rows if r[0] == src]
    print(f"median {src:4s}: first run queryable {statistics.median(first):.3f} s ({min(first):.3f}-{max(first):.3f}),"
          f" everything {statistics.median(total):.2f} s ({min(total):.2f}-{max(total):.2f}), n={len(first)}")
disk = statistics.median(float(r[2]) for r in rows if r[0] == "disk")
s3 = statistics.median(float(r[2]) for r in rows if r[0] == "s3")
print(f"s3 / disk, everything: {s3 / disk:.2f}x")
PY
