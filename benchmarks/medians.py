#!/usr/bin/env python3
"""Prints the median (and min..max) of each JMH benchmark's per-iteration scores from a -rf json file.

JMH's own summary is a mean with an error bar; on a shared, noisy 2-core machine the median of all
measured iterations over all forks is the steadier figure, so BENCHMARKS.md quotes it.
"""
import json
import statistics
import sys

for path in sys.argv[1:]:
    for b in json.load(open(path)):
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        params = ",".join(f"{k}={v}" for k, v in (b.get("params") or {}).items())
        name = b["benchmark"].rsplit(".", 2)[-2] + "." + b["benchmark"].rsplit(".", 1)[-1]
        unit = b["primaryMetric"]["scoreUnit"]
        print(f"{name:45s} {params:28s} median {statistics.median(raw):14,.1f} {unit:8s}"
              f" (min {min(raw):,.1f}, max {max(raw):,.1f}, n={len(raw)})")
