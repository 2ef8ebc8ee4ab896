package dev.trainscope.data;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's running totals over its runs: bytes read and known, runs read to their end, and
 * bytes held, so that {@link RunStore#progress()} and the memory budget's check cost the same for
 * ten thousand runs as for one. Before, each summed over every run, and each run's load asked for
 * both: a log directory of 10,000 small runs spent most of its load in those sums (BENCHMARKS.md,
 * "Issue 22").
 *
 * <p>Each run keeps what it last added to the totals; {@link #account} adds the difference to what
 * it holds now, and is called wherever a run's files, read positions, reset flag or memory change
 * (a removed run counts as nothing).
 */
final class LoadTotals {
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong bytesKnown = new AtomicLong();
  private final AtomicInteger runsLoaded = new AtomicInteger();
  private final AtomicLong memoryBytes = new AtomicLong();

  /** Brings the totals up to date with the run as it is now. */
  void account(Run run) {
    synchronized (run.accounted) {
      long read = 0;
      long known = 0;
      int loaded = 0;
      long memory = 0;
      if (!run.removed) {
        read = run.bytesRead();
        known = run.bytesKnown();
        loaded = read >= known && !run.resetRequested ? 1 : 0;
        memory = run.memoryBytes;
      }
      Run.Accounted a = run.accounted;
      bytesRead.addAndGet(read - a.bytesRead);
      bytesKnown.addAndGet(known - a.bytesKnown);
      runsLoaded.addAndGet(loaded - a.loaded);
      memoryBytes.addAndGet(memory - a.memoryBytes);
      a.bytesRead = read;
      a.bytesKnown = known;
      a.loaded = loaded;
      a.memoryBytes = memory;
    }
  }

  LoadProgress progress(int runsKnown, boolean firstPollDone) {
    return new LoadProgress(bytesRead.get(), bytesKnown.get(), runsLoaded.get(), runsKnown, firstPollDone);
  }

  long memoryBytes() {
    return memoryBytes.get();
  }
}
