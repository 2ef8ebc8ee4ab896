package dev.trainscope.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;

/**
 * The memory a store's runs hold, and keeping it under a budget: past it, the oldest histogram
 * steps of the least recently queried runs are dropped from memory (their references stay, and
 * {@link BlobReads#reread} reads them again when asked for).
 */
final class MemoryBudget {
  private final Map<String, Run> runs;
  private final long memoryBudget;
  private final LoadTotals totals;

  MemoryBudget(Map<String, Run> runs, long memoryBudget, LoadTotals totals) {
    this.totals = totals;
    this.runs = runs;
    this.memoryBudget = memoryBudget;
  }

  /** The run's files are read to their end: the scalar tails are compressed (ScalarSeries.compact). */
  static void compact(Run run) {
    Lock w = run.lock.writeLock();
    w.lock();
    try {
      for (TagData t : run.data.tags.values()) {
        if (t.scalars != null) {
          t.scalars.compact();
        }
      }
      run.data.clock.compact();
    } finally {
      w.unlock();
    }
  }

  static long memoryOf(Run run) {
    Lock r = run.lock.readLock();
    r.lock();
    try {
      return run.data.memoryBytes();
    } finally {
      r.unlock();
    }
  }

  /** Bytes the store holds, as of the last load of each run. */
  long memoryBytes() {
    return totals.memoryBytes();
  }

  /** Evicts the oldest histogram steps of the least recently queried runs until under budget. */
  synchronized void enforceBudget() {
    long total = memoryBytes();
    if (total <= memoryBudget) {
      return;
    }
    List<Run> byAge = new ArrayList<>(runs.values());
    byAge.sort(Comparator.comparingLong(r -> r.lastQueried));
    for (Run run : byAge) {
      if (total <= memoryBudget) {
        return;
      }
      Lock w = run.lock.writeLock();
      w.lock();
      try {
        long before = run.data.memoryBytes();
        evictOldestHistograms(run.data, total - memoryBudget);
        long after = run.data.memoryBytes();
        run.memoryBytes = after;
        totals.account(run);
        total -= before - after;
      } finally {
        w.unlock();
      }
    }
  }

  private static void evictOldestHistograms(RunData d, long needed) {
    List<TagData> hist = new ArrayList<>();
    int longest = 0;
    for (TagData t : d.tags.values()) {
      if (t.histograms != null) {
        hist.add(t);
        longest = Math.max(longest, t.histograms.size());
      }
    }
    long freed = 0;
    for (int i = 0; i < longest && freed < needed; i++) {
      for (TagData t : hist) {
        if (i < t.histograms.size()) {
          TagData.HistEntry h = t.histograms.get(i);
          if (h.data != null) {
            freed += h.data.memoryBytes();
            h.data = null;
          }
        }
      }
    }
  }
}
