package dev.trainscope.djl;

/**
 * When an optional, costly piece of work may run so that it takes at most a share of the time
 * since a start: the first time always (its cost is not known before), a later time when the time
 * spent so far, plus as much again as the last run took, stays within {@code share} of the time
 * since the start. A share of 1 or more lets it run every time.
 *
 * <p>Times are {@link System#nanoTime} readings; not thread-safe.
 */
final class TimeBudget {
  private final double share;
  private long start = Long.MIN_VALUE;
  private long spent;
  private long last;
  private int runs;

  TimeBudget(double share) {
    if (!(share > 0)) {
      throw new IllegalArgumentException("share must be > 0, was " + share);
    }
    this.share = share;
  }

  /** Marks the start the share is taken of; only the first call counts. */
  void start(long now) {
    if (start == Long.MIN_VALUE) {
      start = now;
    }
  }

  /** Whether the work may run at {@code now}; a run then begins, whose time {@link #spent} adds up. */
  boolean due(long now) {
    long since = start == Long.MIN_VALUE ? 0 : now - start;
    boolean due = runs == 0 || share >= 1 || spent + last <= share * since;
    if (due) {
      runs++;
      last = 0;
    }
    return due;
  }

  /** Adds {@code nanos} to the time of the run under way. */
  void spent(long nanos) {
    spent += nanos;
    last += nanos;
  }

  /** How many runs {@link #due} allowed. */
  int runs() {
    return runs;
  }
}
