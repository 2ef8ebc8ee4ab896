package dev.trainscope.data;

import java.util.Arrays;

/**
 * One wall clock per run: for each step, the wall time of the first scalar the run logged at it.
 * The tags of a run are logged at nearly the same instant of each step, so a tag's wall times are
 * coded against this clock (ScalarCodec's clocked mode) as small, nearly constant differences,
 * instead of each tag paying for the jitter between steps (about 13 bits a point for microsecond
 * times with 2 ms of jitter). The clock is shared by every series of the run.
 *
 * <p>The clock is only a predictor: a block stores its wall times exactly, as differences from
 * the clock's. So the clock keeps its times approximately, in a form that is read without
 * decoding: segments of up to {@value #SEGMENT} steps, each a first step and wall time and, per
 * step, the step's offset and the wall's offset in whole microseconds (two ints): 8 bytes a step,
 * shared by all the run's tags, and a lookup is a binary search.
 *
 * <p>Append-only and immutable where it has spoken: a step is added only when it is beyond every
 * step held, and what the clock says for a step never changes, so a block coded against the clock
 * decodes the same forever. A block records the clock's last step when it was coded ({@link
 * #lastStep()}); steps beyond that count as absent, even once the clock has reached them. A restart
 * that rewrites steps leaves the clock alone: the rewritten times are coded against the first ones.
 *
 * <p>Guarded by the lock of the run that owns it, like its series; lookups only read.
 */
final class RunClock {
  static final int SEGMENT = 1024;

  // segment 0 starts empty, so that the append path never meets a clock without a segment
  private int segments = 1;
  /** Each segment's first step, then Long.MAX_VALUE: the start of the segment after the last. */
  private long[] firstStep = {0, Long.MAX_VALUE};
  private double[] firstWall = new double[2];
  private int[] size = new int[2];
  private int[][] stepOffsets = {new int[0], null};
  private int[][] wallOffsets = {new int[0], null};
  private long last = Long.MIN_VALUE;

  /** Takes {@code wall} as the clock of {@code step} when the step is beyond every one held. */
  void offer(long step, double wall) {
    if (step > last) {
      add(step, wall);
    }
  }

  private void add(long step, double wall) {
    last = step;
    int s = segments - 1;
    int n = size[s];
    // one test for all that is rare: a full array (it grows, or the segment is full), or a step
    // or wall time the segment cannot hold
    if (n == stepOffsets[s].length || !fits(s, step, wall)) {
      s = makeRoom(s, step, wall);
      n = size[s];
    }
    stepOffsets[s][n] = (int) (step - firstStep[s]);
    wallOffsets[s][n] = (int) Math.rint((wall - firstWall[s]) * 1e6); // whole microseconds
    size[s] = n + 1;
  }

  /** The segment that takes {@code step}: this one, grown, or a new one starting at the step. */
  private int makeRoom(int s, long step, double wall) {
    int n = size[s];
    if (n == 0 || n == SEGMENT || !fits(s, step, wall)) {
      if (n > 0) {
        s = newSegment();
      }
      firstStep[s] = step;
      firstWall[s] = Double.isFinite(wall) ? wall : 0;
      stepOffsets[s] = new int[8];
      wallOffsets[s] = new int[8];
      return s;
    }
    int cap = Math.min(SEGMENT, n * 2);
    stepOffsets[s] = Arrays.copyOf(stepOffsets[s], cap);
    wallOffsets[s] = Arrays.copyOf(wallOffsets[s], cap);
    return s;
  }

  /**
   * Whether segment {@code s} can hold the step and wall time as offsets from its start: the step
   * within an int, the wall time finite and within 2,000 s.
   */
  private boolean fits(int s, long step, double wall) {
    return step - firstStep[s] <= Integer.MAX_VALUE && Math.abs(wall - firstWall[s]) <= 2000;
  }

  private int newSegment() {
    if (segments + 1 == firstStep.length) {
      int cap = firstStep.length * 2;
      firstStep = Arrays.copyOf(firstStep, cap);
      firstWall = Arrays.copyOf(firstWall, cap);
      size = Arrays.copyOf(size, cap);
      stepOffsets = Arrays.copyOf(stepOffsets, cap);
      wallOffsets = Arrays.copyOf(wallOffsets, cap);
    }
    int s = segments++;
    size[s] = 0;
    firstStep[segments] = Long.MAX_VALUE;
    return s;
  }

  /** The last step held ({@link Long#MIN_VALUE} when none). */
  long lastStep() {
    return last;
  }

  /** Trims the last segment's arrays to what it holds (a run read to its end may get no more). */
  void compact() {
    int s = segments - 1;
    if (s >= 0 && size[s] < stepOffsets[s].length) {
      stepOffsets[s] = Arrays.copyOf(stepOffsets[s], size[s]);
      wallOffsets[s] = Arrays.copyOf(wallOffsets[s], size[s]);
    }
  }

  /**
   * For each of {@code steps[0, n)}, in increasing order, the clock's wall time at that step as an
   * integer of a block's wall mode, into {@code codes}; 0 where the clock has no such step, or only
   * one later than {@code limit}. The clock is a predictor, so these need only be the same at every
   * call: whole microseconds are the segment's start in microseconds plus the step's offset (no
   * floating point), whole milliseconds those rounded, raw IEEE bits those of the start plus the
   * offset.
   */
  void codes(long[] steps, int n, long limit, int mode, long[] codes) {
    Arrays.fill(codes, 0, n, 0L);
    if (n == 0) {
      return;
    }
    int s = Math.max(0, upperBound(firstStep, segments, steps[0]) - 1);
    int i = 0;
    while (i < n && s < segments) {
      int[] off = stepOffsets[s];
      int[] wallOff = wallOffsets[s];
      int len = size[s];
      long base = firstStep[s];
      double baseWall = firstWall[s];
      long baseMicros = (long) Math.rint(baseWall * 1e6);
      long end = len == 0 ? base - 1 : base + off[len - 1];
      // from the first entry at or after the step; then, nearly always, entry for step in lockstep
      int j = firstAtOrAfter(off, len, steps[i] - base);
      while (i < n && j < len) {
        long st = steps[i];
        long cs = base + off[j];
        if (cs == st) {
          if (st <= limit) {
            codes[i] = code(baseWall, baseMicros, wallOff[j], mode);
          }
          i++;
          j++;
        } else if (cs < st) {
          if (st > end) {
            break; // in a later segment, or absent
          }
          j++;
        } else {
          i++; // absent
        }
      }
      // steps before the next segment's start and past this one's end are absent
      // (a plain load: as a test of s + 1 < segments, the JIT compiled encode, which inlines this,
      // from a profile in which one way was never taken, and compiled it again when it was)
      long next = firstStep[s + 1];
      while (i < n && steps[i] < next && steps[i] > end) {
        i++;
      }
      s++;
    }
  }

  private static long code(double baseWall, long baseMicros, int offsetMicros, int mode) {
    switch (mode) {
      case ScalarCodec.WALL_MICROS: return baseMicros + offsetMicros;
      case ScalarCodec.WALL_MILLIS: return Math.floorDiv(baseMicros + offsetMicros + 500, 1000L);
      default: return Double.doubleToRawLongBits(baseWall + offsetMicros / 1e6);
    }
  }

  /** The first index of the sorted, distinct {@code a[0, n)} whose value is >= key (n when none). */
  private static int firstAtOrAfter(int[] a, int n, long key) {
    if (key > Integer.MAX_VALUE) {
      return n;
    }
    int i = Arrays.binarySearch(a, 0, n, (int) Math.max(key, Integer.MIN_VALUE));
    return i >= 0 ? i : -i - 1;
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
    long bytes = 64 + (long) firstStep.length * (8 + 8 + 4 + 8 + 8);
    for (int s = 0; s < segments; s++) {
      bytes += 2 * 16 + (long) stepOffsets[s].length * 8;
    }
    return bytes;
  }
}
