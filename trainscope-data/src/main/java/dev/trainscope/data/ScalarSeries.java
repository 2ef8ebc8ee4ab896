package dev.trainscope.data;

import java.util.Arrays;

/**
 * Every point of one scalar tag of one run, kept whole and compressed: points arrive in a small
 * uncompressed tail; every {@link #BLOCK} points the tail is sealed into a {@link ScalarCodec}
 * block with a summary (first and last step and wall time, count, min, max, first, last, sum of
 * the finite values, and counts of NaN, +Inf and -Inf). Steps are strictly increasing: {@link
 * #append} first drops the points at steps >= the new one, as TensorBoard's loader does when a
 * training restarts from a checkpoint.
 *
 * <p>A downsampling query is answered from block summaries for every block that falls inside one
 * bucket, and decodes only the blocks that straddle a bucket edge or the ends of the range; spikes
 * survive because min and max are exact per bucket.
 *
 * <p>Not thread-safe: the run that owns it guards it.
 */
final class ScalarSeries {
  static final int BLOCK = 1024;

  /** The run's clock that wall times are coded against (null: each block on its own). */
  private final RunClock clock;

  // shared by every series while it has nothing there: never written, as a write needs room first
  private static final long[][] NO_BLOCKS = new long[0][];
  private static final long[] NO_LONGS = new long[0];
  private static final double[] NO_DOUBLES = new double[0];
  private static final int[] NO_INTS = new int[0];

  ScalarSeries() {
    this(null);
  }

  ScalarSeries(RunClock clock) {
    this.clock = clock;
  }

  // sealed blocks, struct of arrays; empty until the first seal, then grown 1, 2, 4...: most of a
  // log directory of many small runs holds one block a series, and an empty series none
  private int blocks;
  private long[][] data = NO_BLOCKS;
  private long[] firstStep = NO_LONGS;
  private long[] lastStep = NO_LONGS;
  private double[] firstWall = NO_DOUBLES;
  private double[] lastWall = NO_DOUBLES;
  private double[] min = NO_DOUBLES;
  private double[] max = NO_DOUBLES;
  private double[] first = NO_DOUBLES;
  private double[] last = NO_DOUBLES;
  private double[] sum = NO_DOUBLES;
  private int[] finite = NO_INTS;
  private int[] nan = NO_INTS;
  private int[] posInf = NO_INTS;
  private int[] negInf = NO_INTS;

  // the tail, uncompressed; empty until the first point, and again once compacted
  private long[] tailSteps = NO_LONGS;
  private double[] tailWalls = NO_DOUBLES;
  private double[] tailValues = NO_DOUBLES;
  private int tail;

  private long size;
  /** {@link #lastStep()} kept at hand for the append path; Long.MIN_VALUE while empty. */
  private long lastAppended = Long.MIN_VALUE;
  /** Points replaced by a point logged again at the same, last step. */
  long rewrites;

  long size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long firstStep() {
    return blocks > 0 ? firstStep[0] : tail > 0 ? tailSteps[0] : Long.MIN_VALUE;
  }

  long lastStep() {
    return tail > 0 ? tailSteps[tail - 1] : blocks > 0 ? lastStep[blocks - 1] : Long.MIN_VALUE;
  }

  double lastValue() {
    return tail > 0 ? tailValues[tail - 1] : blocks > 0 ? last[blocks - 1] : Double.NaN;
  }

  double lastWall() {
    return tail > 0 ? tailWalls[tail - 1] : blocks > 0 ? lastWall[blocks - 1] : Double.NaN;
  }

  /**
   * Adds a point; points at steps >= {@code step} are dropped first. Returns how many were dropped
   * by a step going back (a point at the last step again replaces it and counts 0).
   */
  long append(long step, double wall, double value) {
    if (clock != null) {
      clock.offer(step, wall);
    }
    long dropped = 0;
    if (step <= lastAppended) {
      boolean rewrite = step == lastAppended;
      long replaced = truncateFrom(step);
      // a value logged again at the last step (Lightning logs its epoch counter twice at an epoch's
      // end) replaces the held one: a rewrite, not a restart, and not counted as one
      if (rewrite) {
        rewrites += replaced;
      } else {
        dropped = replaced;
      }
    }
    if (tail == tailSteps.length) {
      makeRoom();
    }
    tailSteps[tail] = step;
    tailWalls[tail] = wall;
    tailValues[tail] = value;
    tail++;
    size++;
    lastAppended = step;
    return dropped;
  }

  /**
   * Grows the tail, or seals it when it holds a block. A full tail is sealed when the next point
   * comes rather than at once, so that growing and sealing are one rare branch on the append path:
   * the JIT sees it taken early (while the tail grows), instead of compiling the path without it
   * and throwing the compiled code away at the first seal.
   */
  private void makeRoom() {
    if (tail == BLOCK) {
      seal();
    } else {
      int cap = Math.min(BLOCK, Math.max(8, tail * 2));
      tailSteps = Arrays.copyOf(tailSteps, cap);
      tailWalls = Arrays.copyOf(tailWalls, cap);
      tailValues = Arrays.copyOf(tailValues, cap);
    }
  }

  /**
   * Compresses the tail when the data stop arriving for now (a run's files are read to their end):
   * a series shorter than a block, or the rest after its last full block, would otherwise stay
   * uncompressed (24 bytes a point) with a tail buffer sized for a block. A partial block sealed
   * here is merged with the next tail when that comes, so a run being written keeps at most one
   * partial block. The tail buffer shrinks back to a few points.
   */
  void compact() {
    if (tail == 0) {
      return;
    }
    if (blocks > 0 && count(blocks - 1) < BLOCK && count(blocks - 1) + tail <= BLOCK) {
      // take the partial block back: its points, then the tail's, as one tail
      int b = blocks - 1;
      int c = count(b);
      long[] ss = new long[c + tail];
      double[] ww = new double[c + tail];
      double[] vv = new double[c + tail];
      ScalarCodec.decode(data[b], c, ss, ww, vv, clock);
      System.arraycopy(tailSteps, 0, ss, c, tail);
      System.arraycopy(tailWalls, 0, ww, c, tail);
      System.arraycopy(tailValues, 0, vv, c, tail);
      data[b] = null;
      blocks--;
      tailSteps = ss;
      tailWalls = ww;
      tailValues = vv;
      tail = ss.length;
    }
    seal();
    tailSteps = NO_LONGS;
    tailWalls = NO_DOUBLES;
    tailValues = NO_DOUBLES;
  }

  private void seal() {
    if (blocks == data.length) {
      growBlocks();
    }
    int b = blocks++;
    Summary s = new Summary();
    data[b] = ScalarCodec.encode(tailSteps, tailWalls, tailValues, tail, clock, s);
    firstStep[b] = tailSteps[0];
    lastStep[b] = tailSteps[tail - 1];
    firstWall[b] = tailWalls[0];
    lastWall[b] = tailWalls[tail - 1];
    first[b] = tailValues[0];
    last[b] = tailValues[tail - 1];
    min[b] = s.min;
    max[b] = s.max;
    sum[b] = s.sum;
    finite[b] = s.finite;
    nan[b] = s.nan;
    posInf[b] = s.posInf;
    negInf[b] = s.negInf;
    tail = 0;
  }

  /** Room for more blocks; a method of its own, so that the JIT compiles {@link #seal} small. */
  private void growBlocks() {
    int cap = Math.max(1, blocks * 2);
    data = Arrays.copyOf(data, cap);
    firstStep = Arrays.copyOf(firstStep, cap);
    lastStep = Arrays.copyOf(lastStep, cap);
    firstWall = Arrays.copyOf(firstWall, cap);
    lastWall = Arrays.copyOf(lastWall, cap);
    min = Arrays.copyOf(min, cap);
    max = Arrays.copyOf(max, cap);
    first = Arrays.copyOf(first, cap);
    last = Arrays.copyOf(last, cap);
    sum = Arrays.copyOf(sum, cap);
    finite = Arrays.copyOf(finite, cap);
    nan = Arrays.copyOf(nan, cap);
    posInf = Arrays.copyOf(posInf, cap);
    negInf = Arrays.copyOf(negInf, cap);
  }

  /** Drops the points at steps >= {@code step}; returns how many. */
  long truncateFrom(long step) {
    long before = size;
    // in the tail?
    if (tail > 0 && step > tailSteps[0]) {
      int keep = lowerBound(tailSteps, 0, tail, step);
      size -= tail - keep;
      tail = keep;
      lastAppended = lastStep();
      return before - size;
    }
    // drop the tail, then whole blocks at or after the step, then split the block holding it
    size -= tail;
    tail = 0;
    while (blocks > 0 && firstStep[blocks - 1] >= step) {
      blocks--;
      size -= count(blocks);
      data[blocks] = null;
    }
    if (blocks > 0 && lastStep[blocks - 1] >= step) {
      int b = blocks - 1;
      int n = count(b);
      long[] steps = new long[n];
      double[] walls = new double[n];
      double[] values = new double[n];
      ScalarCodec.decode(data[b], n, steps, walls, values, clock);
      int keep = lowerBound(steps, 0, n, step);
      blocks--;
      data[b] = null;
      size -= n;
      ensureTail(keep);
      System.arraycopy(steps, 0, tailSteps, 0, keep);
      System.arraycopy(walls, 0, tailWalls, 0, keep);
      System.arraycopy(values, 0, tailValues, 0, keep);
      tail = keep;
      size += keep;
    }
    lastAppended = lastStep();
    return before - size;
  }

  private void ensureTail(int n) {
    if (tailSteps.length < n) {
      tailSteps = Arrays.copyOf(tailSteps, BLOCK);
      tailWalls = Arrays.copyOf(tailWalls, BLOCK);
      tailValues = Arrays.copyOf(tailValues, BLOCK);
    }
  }

  private int count(int b) {
    return finite[b] + nan[b] + posInf[b] + negInf[b];
  }

  /** First index in {@code a[from, to)} whose value is >= key. */
  static int lowerBound(long[] a, int from, int to, long key) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The index of the last sealed block whose first step is at or before {@code step} (-1 if none). */
  private int lastBlockStartingAtOrBefore(long step) {
    int a = 0;
    int b = blocks - 1;
    int found = -1;
    while (a <= b) {
      int m = (a + b) >>> 1;
      if (firstStep[m] <= step) {
        found = m;
        a = m + 1;
      } else {
        b = m - 1;
      }
    }
    return found;
  }

  /** The first block whose last step is >= step. */
  private int firstBlockEndingAtOrAfter(long step) {
    int lo = 0;
    int hi = blocks;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (lastStep[mid] < step) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // ---- queries ----

  /** Points in a step range, in step order. */
  static final class Points {
    final long[] steps;
    final double[] walls;
    final double[] values;
    final int size;
    /** The step to continue from, or Long.MIN_VALUE when the range is exhausted. */
    final long nextStep;

    Points(long[] steps, double[] walls, double[] values, int size, long nextStep) {
      this.steps = steps;
      this.walls = walls;
      this.values = values;
      this.size = size;
      this.nextStep = nextStep;
    }
  }

  /** Up to {@code limit} points with {@code fromStep <= step <= toStep}. */
  Points points(long fromStep, long toStep, int limit) {
    int cap = (int) Math.min(limit, Math.min(size, Integer.MAX_VALUE - 8));
    long[] steps = new long[Math.max(cap, 0)];
    double[] walls = new double[steps.length];
    double[] values = new double[steps.length];
    int n = 0;
    long next = Long.MIN_VALUE;
    long[] bs = null;
    double[] bw = null;
    double[] bv = null;
    for (int b = firstBlockEndingAtOrAfter(fromStep); b < blocks && firstStep[b] <= toStep; b++) {
      int c = count(b);
      if (bs == null) {
        bs = new long[BLOCK];
        bw = new double[BLOCK];
        bv = new double[BLOCK];
      }
      ScalarCodec.decode(data[b], c, bs, bw, bv, clock);
      for (int i = lowerBound(bs, 0, c, fromStep); i < c && bs[i] <= toStep; i++) {
        if (n == cap) {
          return new Points(steps, walls, values, n, bs[i]);
        }
        steps[n] = bs[i];
        walls[n] = bw[i];
        values[n] = bv[i];
        n++;
      }
    }
    for (int i = lowerBound(tailSteps, 0, tail, fromStep); i < tail && tailSteps[i] <= toStep; i++) {
      if (n == cap) {
        return new Points(steps, walls, values, n, tailSteps[i]);
      }
      steps[n] = tailSteps[i];
      walls[n] = tailWalls[i];
      values[n] = tailValues[i];
      n++;
    }
    return new Points(steps, walls, values, n, next);
  }

  /** A block's aggregate of values, gathered by the encoder's values pass (ScalarCodec.floatCodes). */
  static final class Summary {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum;
    int finite;
    int nan;
    int posInf;
    int negInf;
  }

  /** Buckets of a downsampled range, as parallel arrays. */
  static final class Buckets {
    int size;
    long[] firstStep;
    long[] lastStep;
    double[] firstWall;
    double[] lastWall;
    double[] first;
    double[] last;
    double[] min;
    double[] max;
    double[] sum;
    long[] finite;
    long[] nan;
    long[] posInf;
    long[] negInf;

    Buckets(int cap) {
      firstStep = new long[cap];
      lastStep = new long[cap];
      firstWall = new double[cap];
      lastWall = new double[cap];
      first = new double[cap];
      last = new double[cap];
      min = new double[cap];
      max = new double[cap];
      sum = new double[cap];
      finite = new long[cap];
      nan = new long[cap];
      posInf = new long[cap];
      negInf = new long[cap];
    }

    long count(int i) {
      return finite[i] + nan[i] + posInf[i] + negInf[i];
    }

    /** Opens bucket {@code size} at the given first point. */
    private void open(long step, double wall, double value) {
      int i = size++;
      firstStep[i] = step;
      firstWall[i] = wall;
      first[i] = value;
      min[i] = Double.POSITIVE_INFINITY;
      max[i] = Double.NEGATIVE_INFINITY;
    }

    private void addPoint(long step, double wall, double v) {
      int i = size - 1;
      lastStep[i] = step;
      lastWall[i] = wall;
      last[i] = v;
      if (v != v) {
        nan[i]++;
      } else if (v == Double.POSITIVE_INFINITY) {
        posInf[i]++;
      } else if (v == Double.NEGATIVE_INFINITY) {
        negInf[i]++;
      } else {
        finite[i]++;
        sum[i] += v;
        if (v < min[i]) {
          min[i] = v;
        }
        if (v > max[i]) {
          max[i] = v;
        }
      }
    }
  }

  /**
   * Downsamples the points with {@code fromStep <= step <= toStep} into at most {@code n} buckets
   * of about equal step width; empty buckets are left out. A block that lies wholly in the range
   * goes into one bucket from its summary, without decoding, when it is narrower than two buckets,
   * or when the range spans at least {@code n / 4} blocks (then no bucket is wider than a block, and
   * there are at least n / 4 of them: at worst four pixels a bucket). Each bucket reports the steps
   * it really covers. So a query decodes at most the two blocks at the ends of the range plus, when
   * zoomed to fewer than n / 4 blocks, the blocks in view (for n = 1,000, at most 250 blocks), and
   * otherwise costs one step per block. Minima and maxima stay exact: a one-step spike shows at any
   * zoom.
   */
  Buckets downsample(long fromStep, long toStep, int n) {
    // no more buckets than points can be filled: a request for a million buckets over a few points
    // must not allocate for a million
    Buckets out = new Buckets((int) Math.max(0, Math.min(n, size)));
    if (size == 0 || fromStep > toStep || n <= 0) {
      return out;
    }
    long lo = Math.max(fromStep, firstStep());
    long hi = Math.min(toStep, lastStep());
    if (lo > hi) {
      return out;
    }
    double width = ((double) hi - (double) lo + 1) / n;
    BucketCursor cur = new BucketCursor(out, lo, width, n);
    long[] bs = null;
    double[] bw = null;
    double[] bv = null;
    int firstBlock = firstBlockEndingAtOrAfter(lo);
    int lastBlock = lastBlockStartingAtOrBefore(hi);
    boolean manyBlocks = 4L * (lastBlock - firstBlock + 1) >= n;
    for (int b = firstBlock; b < blocks && firstStep[b] <= hi; b++) {
      // A block goes whole into the bucket of its first step when it is narrower than two buckets, or
      // when decoding every block of a long range would cost more than the buckets are worth: bucket
      // edges snap to block edges, so only the blocks at the ends of the range (and, over a few blocks,
      // blocks much wider than a bucket) are decoded. Each bucket reports the steps it really covers.
      if (firstStep[b] >= lo && lastStep[b] <= hi
          && (manyBlocks || (double) lastStep[b] - (double) firstStep[b] < 2 * width)) {
        cur.addBlock(firstStep[b], lastStep[b], firstWall[b], lastWall[b], first[b], last[b], min[b], max[b],
            sum[b], finite[b], nan[b], posInf[b], negInf[b]);
        continue;
      }
      int c = count(b);
      if (bs == null) {
        bs = new long[BLOCK];
        bw = new double[BLOCK];
        bv = new double[BLOCK];
      }
      ScalarCodec.decode(data[b], c, bs, bw, bv, clock);
      for (int i = lowerBound(bs, 0, c, lo); i < c && bs[i] <= hi; i++) {
        cur.addPoint(bs[i], bw[i], bv[i]);
      }
    }
    for (int i = lowerBound(tailSteps, 0, tail, lo); i < tail && tailSteps[i] <= hi; i++) {
      cur.addPoint(tailSteps[i], tailWalls[i], tailValues[i]);
    }
    return out;
  }

  /** Routes points and block summaries to the bucket their step falls in. */
  private static final class BucketCursor {
    private final Buckets out;
    private final long lo;
    private final double width;
    private final int n;
    private int current = -1;

    BucketCursor(Buckets out, long lo, double width, int n) {
      this.out = out;
      this.lo = lo;
      this.width = width;
      this.n = n;
    }

    int index(long step) {
      int i = (int) (((double) step - (double) lo) / width);
      return Math.min(Math.max(i, 0), n - 1);
    }

    private void enter(long step, double wall, double value) {
      int i = index(step);
      if (i != current) {
        current = i;
        out.open(step, wall, value);
      }
    }

    void addPoint(long step, double wall, double v) {
      enter(step, wall, v);
      out.addPoint(step, wall, v);
    }

    void addBlock(long s0, long s1, double w0, double w1, double v0, double v1, double mn, double mx,
        double sm, int fin, int na, int pi, int ni) {
      enter(s0, w0, v0);
      int i = out.size - 1;
      out.lastStep[i] = s1;
      out.lastWall[i] = w1;
      out.last[i] = v1;
      out.finite[i] += fin;
      out.nan[i] += na;
      out.posInf[i] += pi;
      out.negInf[i] += ni;
      out.sum[i] += sm;
      if (mn < out.min[i]) {
        out.min[i] = mn;
      }
      if (mx > out.max[i]) {
        out.max[i] = mx;
      }
    }
  }

  /** Bytes held, approximately: compressed words, summaries and the tail. */
  long memoryBytes() {
    long bytes = 64 + (long) data.length * (8 + 13 * 8);
    for (int b = 0; b < blocks; b++) {
      bytes += 16 + (long) data[b].length * 8;
    }
    bytes += 3 * (16 + (long) tailSteps.length * 8);
    return bytes;
  }
}
