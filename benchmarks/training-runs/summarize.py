#!/usr/bin/python3
"""Summarises a generated set from its labels.json, without the run -> fault mapping unless asked.

    /usr/bin/python3 benchmarks/training-runs/summarize.py DIR            counts, size, time
    /usr/bin/python3 benchmarks/training-runs/summarize.py DIR --table    and one row per run
"""

import collections
import json
import os
import sys


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    out = argv[0]
    path = os.path.join(out, "labels.json")
    if not os.path.isfile(path):
        sys.exit(f"{path} not found")
    with open(path) as f:
        labels = json.load(f)
    styles = sorted({v["tag_style"] for v in labels.values()})
    counts = collections.Counter((v["fault"], v["tag_style"]) for v in labels.values())
    faults = sorted({v["fault"] for v in labels.values()}, key=lambda x: (x == "healthy", x))
    print("| fault | " + " | ".join(styles) + " | total |")
    print("|---|" + "---|" * (len(styles) + 1))
    for fault in faults:
        row = [counts[(fault, s)] for s in styles]
        print("| %s | %s | %d |" % (fault, " | ".join(map(str, row)), sum(row)))
    per_style = [sum(counts[(f, s)] for f in faults) for s in styles]
    print("| all | %s | %d |" % (" | ".join(map(str, per_style)), len(labels)))
    total_bytes = sum(e["bytes"] for v in labels.values() for e in v["event_files"])
    n_files = sum(len(v["event_files"]) for v in labels.values())
    secs = 0.0
    for v in labels.values():
        t = v["measured"]["train_seconds"]
        secs += sum(t) if isinstance(t, list) else t
    datasets = collections.Counter(v["dataset"] for v in labels.values())
    failed = sorted(k for k, v in labels.items() if not v["check"]["passed"])
    changed = sorted(k for k, v in labels.items() if v["attempts"])
    print()
    print("runs %d, event files %d, %.1f MB of event files; datasets %s" % (
        len(labels), n_files, total_bytes / 1e6, dict(sorted(datasets.items()))))
    print("worker wall time (data loading + training + measuring, all processes): %.0f s" % secs)
    print("runs failing their check: %s" % (", ".join(failed) or "none"))
    print("runs that needed a fallback setting: %d" % len(changed))
    if "--table" in argv:
        print()
        print("| run | fault | style | data | model | optimizer | val acc | evidence |")
        print("|---|---|---|---|---|---|---|---|")
        for k, v in sorted(labels.items()):
            f = v["fault"] + (" (%s)" % v["variant"] if v.get("variant") else "")
            ev = v["evidence"] or {}
            print("| %s | %s | %s | %s | %s | %s | %s | %s = %s |" % (
                k, f, v["tag_style"], v["dataset"], v["model"], v["optimizer"],
                v["final_val_acc"], ev.get("what"), ev.get("value")))
        for k, v in sorted(labels.items()):
            for a in v["attempts"]:
                what = json.dumps(a["overrides"]) if a["overrides"] else "first setting"
                print("%s (%s, %s): %s failed: %s" % (k, v["fault"], v["tag_style"], what,
                                                       "; ".join(a["failures"])))


if __name__ == "__main__":
    main(sys.argv[1:])
