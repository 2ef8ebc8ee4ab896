package dev.trainscope.data;

import java.util.Arrays;

/**
 * One wall clock per run: for each step, the wall time of the first scalar the run logged at it.
 * The tags of a run are logged at nearly the same instant of each step, so a tag's wall times are
 * coded against this clock (ScalarCodec's clocked mode) as small, nearly constant differences,
 * instead of each tag paying for the jitter between steps (about 13 bits a point for microsecond
 * times with 2 ms of jitter). The clock is shared by every series of the run and held once,
 * compressed like a series.
 *
 * <p>Append-only and immutable where it has spoken: a step is added only when it is beyond every
 * step held, and never changed or removed, so a block coded against the clock decodes the same
 * forever. A block records the clock's last step when it was coded ({@link #lastStep()}); steps
 * beyond that count as absent, even once the clock has reached them. A restart that rewrites steps
 * leaves the clock alone: the rewritten times are coded against the first ones.
 *
 * <p>Guarded by the lock of the run that owns it, like its series.
 */
final class RunClock {
  private static final int BLOCK = ScalarSeries.BLOCK;

  private int blocks;
  private long[][] data = new long[2][];
  private long[] firstStep = new long[2];
  private long[] lastStepOf = new long[2];
  private int[] count = new int[2];

  private long[] tailSteps = new long[8];
  private double[] tailWalls = new double[8];
  private int tail;
  private long last = Long.MIN_VALUE;

  /** Takes {@code wall} as the clock of {@code step} when the step is beyond every one held. */
  void offer(long step, double wall) {
    if (step <= last) {
      return;
    }
    last = step;
    if (tail == tailSteps.length) {
      int cap = Math.min(BLOCK, tail * 2);
      tailSteps = Arrays.copyOf(tailSteps, cap);
      tailWalls = Arrays.copyOf(tailWalls, cap);
    }
    tailSteps[tail] = step;
    tailWalls[tail] = wall;
    tail++;
    if (tail == BLOCK) {
      seal();
    }
  }

  /** The last step held ({@link Long#MIN_VALUE} when none). */
  long lastStep() {
    return last;
  }

  /**
   * Compresses the tail once the run's files are read to their end (as ScalarSeries.compact does),
   * merging it with a partial last block when they fit in one.
   */
  void compact() {
    if (tail == 0) {
      return;
    }
    if (blocks > 0 && count[blocks - 1] < BLOCK && count[blocks - 1] + tail <= BLOCK) {
      int b = blocks - 1;
      int c = count[b];
      long[] ss = new long[c + tail];
      double[] ww = new double[c + tail];
      ScalarCodec.decode(data[b], c, ss, ww, new double[c + tail], 0, null);
      System.arraycopy(tailSteps, 0, ss, c, tail);
      System.arraycopy(tailWalls, 0, ww, c, tail);
      data[b] = null;
      blocks--;
      cachedBlock = -1;
      tailSteps = ss;
      tailWalls = ww;
      tail = ss.length;
    }
    seal();
    tailSteps = new long[8];
    tailWalls = new double[8];
  }

  private void seal() {
    if (blocks == data.length) {
      int cap = blocks * 2;
      data = Arrays.copyOf(data, cap);
      firstStep = Arrays.copyOf(firstStep, cap);
      lastStepOf = Arrays.copyOf(lastStepOf, cap);
      count = Arrays.copyOf(count, cap);
    }
    data[blocks] = ScalarCodec.encode(tailSteps, tailWalls, new double[tail], tail, null);
    firstStep[blocks] = tailSteps[0];
    lastStepOf[blocks] = tailSteps[tail - 1];
    count[blocks] = tail;
    blocks++;
    tail = 0;
  }

  /**
   * For each of {@code steps[0, n)}, in increasing order, the clock's wall time at that step into
   * {@code walls}, and whether it has one (at a step no later than {@code limit}) into {@code has}.
   */
  void lookup(long[] steps, int n, long limit, double[] walls, boolean[] has) {
    lookup(steps, n, limit, walls, has, false);
  }

  // The last block decoded for the writer (sealing a series' block looks up the same recent clock
  // block for each of the run's tags). Used only under the run's write lock: readers, who share
  // the read lock, decode into their own arrays.
  private int cachedBlock = -1;
  private long[] cachedSteps;
  private double[] cachedWalls;

  /** As {@link #lookup(long[], int, long, double[], boolean[])}; {@code writer} when the caller holds the run's write lock. */
  void lookup(long[] steps, int n, long limit, double[] walls, boolean[] has, boolean writer) {
    Arrays.fill(has, 0, n, false);
    if (n == 0) {
      return;
    }
    // sealed blocks from the one that may hold the first step, then the tail
    int b = blocks == 0 ? 0 : Math.max(0, upperBound(firstStep, blocks, steps[0]) - 1);
    long[] bs = null;
    double[] bw = null;
    int i = 0;
    for (; b < blocks && i < n; b++) {
      if (lastStepOf[b] < steps[i]) {
        continue;
      }
      if (writer) {
        if (cachedBlock != b) {
          if (cachedSteps == null) {
            cachedSteps = new long[BLOCK];
            cachedWalls = new double[BLOCK];
          }
          ScalarCodec.decode(data[b], count[b], cachedSteps, cachedWalls, null, 0, null);
          cachedBlock = b;
        }
        i = match(cachedSteps, cachedWalls, count[b], steps, n, i, limit, walls, has);
        continue;
      }
      if (bs == null) {
        Scratch sc = SCRATCH.get();
        bs = sc.steps;
        bw = sc.walls;
      }
      ScalarCodec.decode(data[b], count[b], bs, bw, null, 0, null);
      i = match(bs, bw, count[b], steps, n, i, limit, walls, has);
    }
    if (i < n) {
      match(tailSteps, tailWalls, tail, steps, n, i, limit, walls, has);
    }
  }

  /** Merges clock points (cs, cw)[0, cn) into the lookups from index i; returns the first index past them. */
  private static int match(long[] cs, double[] cw, int cn, long[] steps, int n, int i, long limit, double[] walls,
      boolean[] has) {
    int j = 0;
    while (i < n && j < cn) {
      long s = steps[i];
      if (cs[j] < s) {
        j++;
      } else {
        if (cs[j] == s && s <= limit) {
          walls[i] = cw[j];
          has[i] = true;
        }
        i++;
      }
    }
    // steps beyond this part of the clock are looked up in the next part
    return i;
  }

  /** The number of entries of a[0, n) that are <= key. */
  private static int upperBound(long[] a, int n, long key) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  long memoryBytes() {
    long bytes = 64 + (long) data.length * (8 + 8 + 8 + 4);
    for (int b = 0; b < blocks; b++) {
      bytes += 16 + (long) data[b].length * 8;
    }
    bytes += 2 * (16 + (long) tailSteps.length * 8);
    return bytes;
  }

  /** Per-thread arrays for the clock blocks a reader decodes. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final long[] steps = new long[BLOCK];
    final double[] walls = new double[BLOCK];
  }
}
