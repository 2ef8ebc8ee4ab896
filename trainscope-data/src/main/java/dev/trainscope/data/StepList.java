package dev.trainscope.data;

import java.util.Arrays;

/**
 * Values of one non-scalar tag in step order (histograms, blobs, text, PR curves), with the same
 * restart rule as {@link ScalarSeries}: a value at step s first drops the values held at steps >= s,
 * so steps stay strictly increasing. Not thread-safe: the owning run guards it.
 */
final class StepList<E> {
  private long[] steps = new long[4];
  private double[] walls = new double[4];
  private Object[] items = new Object[4];
  private int size;
  /** Values replaced by a value logged again at the same, last step. */
  long rewrites;

  int size() {
    return size;
  }

  long step(int i) {
    return steps[i];
  }

  double wall(int i) {
    return walls[i];
  }

  @SuppressWarnings("unchecked")
  E get(int i) {
    return (E) items[i];
  }

  void set(int i, E item) {
    items[i] = item;
  }

  /**
   * Adds a value after dropping those at steps >= step; returns how many were dropped by a step going
   * back (a value at the last step again replaces it and counts 0).
   */
  int append(long step, double wall, E item) {
    boolean rewrite = size > 0 && steps[size - 1] == step;
    int replaced = truncateFrom(step);
    // a value logged again at the last step replaces the held one: a rewrite, not a restart
    int dropped = rewrite ? 0 : replaced;
    rewrites += rewrite ? replaced : 0;
    if (size == steps.length) {
      int cap = size * 2;
      steps = Arrays.copyOf(steps, cap);
      walls = Arrays.copyOf(walls, cap);
      items = Arrays.copyOf(items, cap);
    }
    steps[size] = step;
    walls[size] = wall;
    items[size] = item;
    size++;
    return dropped;
  }

  /** Drops the values at steps >= step; returns how many. */
  int truncateFrom(long step) {
    if (size == 0 || steps[size - 1] < step) {
      return 0;
    }
    int keep = lowerBound(step);
    Arrays.fill(items, keep, size, null);
    int dropped = size - keep;
    size = keep;
    return dropped;
  }

  /** The first index whose step is >= step. */
  int lowerBound(long step) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (steps[mid] < step) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Index of the value at exactly this step, or -1. */
  int indexOf(long step) {
    int i = lowerBound(step);
    return i < size && steps[i] == step ? i : -1;
  }

  long memoryBytes() {
    return 48 + (long) steps.length * 20;
  }
}
