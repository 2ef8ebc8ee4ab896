package dev.trainscope.data;

/**
 * Compresses a block of scalar points (step, wall time, value) into a bit stream. The scheme
 * starts from Facebook's Gorilla (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time
 * Series Database", VLDB 2015), delta-of-delta timestamps, with three changes measured on training
 * curves: the integer code adapts to each block (a Rice-like code whose width is chosen to minimise
 * the block's size, instead of Gorilla's fixed classes); wall times that a writer recorded in whole
 * milliseconds or microseconds (Trainscope's writer, TensorFlow's C++ writer) are coded as those
 * integers; and values are coded as differences of their bit patterns instead of Gorilla's XOR.
 * Lossless: every step, wall time and value comes back bit for bit, NaN payloads included.
 *
 * <pre>
 * block    := valueMode:1 clocked:1 wallMode:2 stepK:6 wallK:6 valueK:6 [limit:64] point0 point*
 * valueMode:= 1 when every value is a float32 widened to double (values as 32-bit patterns)
 * clocked  := 1 when wall times are coded against the run's clock (RunClock), which then held the
 *             steps up to limit: a wall's integer is its own minus the clock's at the same step
 *             (the clock's taken as 0 where it has no such step)
 * wallMode := 0 raw IEEE bits | 1 whole milliseconds | 2 whole microseconds
 * point0   := step:64 wall:64 value:(32|64)        (wall as bits, or as the integer count)
 * point    := code(stepK, dod) code(wallK, dod) code(valueK, delta)
 * code(k,x):= '0' z:k | '1' n:6 z:(n+1)            z = zigzag(x); the first form when z < 2^k
 * </pre>
 *
 * The clock matters because a run's tags are logged at nearly the same instant of each step: a
 * tag's wall time minus the run's clock is a small constant, where its own deltas of deltas carry
 * the jitter of the step times (13 bits for 2 ms of jitter in microseconds). A block is coded
 * against the clock only when that is smaller.
 *
 * Steps and wall-time counts are coded as deltas of deltas: training steps grow by a constant, so
 * a step costs one bit. Values are coded as the difference of their IEEE bit patterns taken as
 * integers: for a float of one sign the pattern grows with the value, so a smooth curve's small
 * relative changes are small integers (fewer bits than Gorilla's XOR, whose window of meaningful
 * bits moves with every carry), and a constant (a learning rate) costs one bit.
 */
final class ScalarCodec {
  private ScalarCodec() {}

  static final int WALL_RAW = 0;
  static final int WALL_MILLIS = 1;
  static final int WALL_MICROS = 2;

  /**
   * Puts each value's code in {@code out}, its float32 pattern, and returns true, when every one of
   * {@code values[0, n)} is a float32 widened to double (nearly always: TensorBoard's summaries hold
   * float32); otherwise leaves {@code out} part-written and returns false. The values' summary is
   * gathered in the same pass.
   */
  private static boolean floatCodes(double[] values, int n, long[] out, ScalarSeries.Summary summary) {
    // the summary in locals: as fields of the summary, each point's sum, count and extremes went
    // through memory, a store-to-load chain of several cycles per point
    double min = summary.min;
    double max = summary.max;
    double sum = summary.sum;
    int finite = summary.finite;
    int nonFinite = 0;
    boolean floats = true;
    for (int i = 0; i < n; i++) {
      double v = values[i];
      if (v - v == 0) { // finite: for NaN and the infinities v - v is NaN
        finite++;
        sum += v;
        if (v < min) {
          min = v;
        }
        if (v > max) {
          max = v;
        }
      } else {
        nonFinite++;
      }
      float f = (float) v;
      if (floats && Double.doubleToRawLongBits(f) == Double.doubleToRawLongBits(v)) {
        out[i] = Float.floatToRawIntBits(f) & 0xFFFFFFFFL;
      } else {
        floats = false;
      }
    }
    summary.min = min;
    summary.max = max;
    summary.sum = sum;
    summary.finite = finite;
    if (nonFinite > 0) {
      for (int i = 0; i < n; i++) {
        double v = values[i];
        if (v != v) {
          summary.nan++;
        } else if (v == Double.POSITIVE_INFINITY) {
          summary.posInf++;
        } else if (v == Double.NEGATIVE_INFINITY) {
          summary.negInf++;
        }
      }
    }
    return floats;
  }

  private static void doubleCodes(double[] values, int n, long[] out) {
    for (int i = 0; i < n; i++) {
      out[i] = Double.doubleToRawLongBits(values[i]);
    }
  }

  /**
   * The wall-time mode of a block (whole milliseconds or microseconds when every time is one),
   * with each wall time's integer (the count of those units, or the raw IEEE bits) put in {@code
   * codes}: found in the same pass.
   */
  static int wallCodes(double[] walls, int n, long[] codes) {
    if (quantized(walls, n, 1e3, codes)) {
      return WALL_MILLIS;
    }
    if (quantized(walls, n, 1e6, codes)) {
      return WALL_MICROS;
    }
    for (int i = 0; i < n; i++) {
      codes[i] = Double.doubleToRawLongBits(walls[i]);
    }
    return WALL_RAW;
  }

  private static boolean quantized(double[] walls, int n, double scale, long[] codes) {
    for (int i = 0; i < n; i++) {
      double w = walls[i];
      double k = Math.rint(w * scale);
      if (!Double.isFinite(w) || Math.abs(k) >= 0x1p53
          || Double.doubleToRawLongBits(k / scale) != Double.doubleToRawLongBits(w)) {
        return false;
      }
      codes[i] = (long) k;
    }
    return true;
  }

  private static double wall(long code, int mode) {
    switch (mode) {
      case WALL_MILLIS: return code / 1e3;
      case WALL_MICROS: return code / 1e6;
      default: return Double.longBitsToDouble(code);
    }
  }

  /**
   * Encodes {@code n} points; with a clock, against it when that is smaller; the values' summary
   * goes to {@code summary}. The working arrays are the thread's ({@link Scratch}): a big log
   * directory seals a block every 1,024 points.
   *
   * <p>Each pass over the points is a method of its own. As one method with its loops inline, the
   * JIT compiled it four times over in a fresh process loading 100 M points (on-stack replacement
   * at three of the loops, then the whole: 1.3 s of C2 time); so, once (0.35 s). The passes are
   * few: the values' codes with their summary, the walls' codes, the clock's codes (when there is
   * a clock), the code lengths of all four streams together, and the writing.
   */
  static long[] encode(long[] steps, double[] walls, double[] values, int n, RunClock clock,
      ScalarSeries.Summary summary) {
    Scratch scratch = SCRATCH.get();
    long[] valueCodes = scratch.valueCodes(n);
    boolean floats = floatCodes(values, n, valueCodes, summary);
    if (!floats) {
      doubleCodes(values, n, valueCodes);
    }
    long[] wallCodes = scratch.wallCodes(n);
    int mode = wallCodes(walls, n, wallCodes);
    long limit = 0;
    long[] clockCodes = scratch.clockCodes(n);
    boolean hasClock = clock != null && n > 1;
    if (hasClock) {
      limit = clock.lastStep();
      clock.codes(steps, n, limit, mode, clockCodes);
    }
    long[] counts = scratch.counts();
    int counted = countLengths(steps, wallCodes, valueCodes, clockCodes, n, n >= SAMPLED_FROM ? SAMPLE : 1, counts);
    // one call site for the streams' choices, and one for the header's writes below: each is
    // compiled into encode once rather than four or five times over (the JIT's time is part of a
    // cold load)
    long[] choice = scratch.choice;
    for (int h = 0, streams = hasClock ? 4 : 3; h < streams; h++) {
      choice[h] = choose(counts, h * 65);
    }
    int stepK = (int) (choice[0] & 63);
    int wallK = (int) (choice[1] & 63);
    int valueK = (int) (choice[2] & 63);
    boolean clocked = false;
    // the clocked header carries the clock's last step: 64 bits more
    // (the counts are of a sample: the costs of the counted points, scaled to the block's)
    if (hasClock && (choice[3] >>> 6) * (n - 1) + 64L * counted < (choice[1] >>> 6) * (n - 1)) {
      clocked = true;
      // the wall's integer against the clock's at its step (the clock's taken as 0 where absent)
      for (int i = 0; i < n; i++) {
        clockCodes[i] = wallCodes[i] - clockCodes[i];
      }
      wallCodes = clockCodes;
      wallK = (int) (choice[3] & 63);
    }

    // at most 22 + 64 + 3 * 64 bits for the header and first point, 3 * (7 + 64) for each other point
    Sink w = new Sink(scratch.words(22 + 64 + 192 + (n - 1) * 213L));
    long[] head = scratch.head;
    int[] headBits = scratch.headBits;
    int h = 0;
    head[h] = ((floats ? 1L : 0L) << 21) | ((clocked ? 1L : 0L) << 20) | ((long) mode << 18) | ((long) stepK << 12)
        | ((long) wallK << 6) | valueK;
    headBits[h++] = 22;
    if (clocked) {
      head[h] = limit;
      headBits[h++] = 64;
    }
    head[h] = steps[0];
    headBits[h++] = 64;
    head[h] = wallCodes[0];
    headBits[h++] = 64;
    head[h] = valueCodes[0];
    headBits[h++] = floats ? 32 : 64;
    for (int i = 0; i < h; i++) {
      w.put(head[i], headBits[i]);
    }
    writePoints(w, steps, wallCodes, valueCodes, n, stepK, wallK, valueK);
    return w.finish();
  }

  /**
   * Every how many points the code lengths are counted in a block of at least {@link
   * #SAMPLED_FROM} points. The widths chosen from every fourth point are those chosen from all
   * (nearly always; a block may come out a few bits larger) at a quarter of the counting, which
   * was a fifth of encoding.
   */
  static final int SAMPLE = 4;
  static final int SAMPLED_FROM = 256;

  /**
   * The code lengths of the four streams (steps, walls, and walls against the clock, {@code
   * walls[i] - clock[i]}, as deltas of deltas; values as deltas) at point 1 and then at every
   * {@code stride}-th point, counted into {@code c}, 65 counts a stream. The fourth is looked at
   * only when the block has a clock. Returns how many points were counted.
   */
  private static int countLengths(long[] steps, long[] walls, long[] values, long[] clock, int n, int stride, long[] c) {
    if (n < 2) {
      return 0;
    }
    // point 1: its deltas of deltas are its deltas (the deltas before it count as 0)
    c[bitLength(zigzag(steps[1] - steps[0]))]++;
    c[65 + bitLength(zigzag(walls[1] - walls[0]))]++;
    c[130 + bitLength(zigzag(values[1] - values[0]))]++;
    c[195 + bitLength(zigzag((walls[1] - clock[1]) - (walls[0] - clock[0])))]++;
    int counted = 1;
    for (int i = 1 + stride; i < n; i += stride) {
      c[bitLength(zigzag(steps[i] - 2 * steps[i - 1] + steps[i - 2]))]++;
      c[65 + bitLength(zigzag(walls[i] - 2 * walls[i - 1] + walls[i - 2]))]++;
      c[130 + bitLength(zigzag(values[i] - values[i - 1]))]++;
      long d0 = walls[i] - clock[i];
      long d1 = walls[i - 1] - clock[i - 1];
      long d2 = walls[i - 2] - clock[i - 2];
      c[195 + bitLength(zigzag(d0 - 2 * d1 + d2))]++;
      counted++;
    }
    return counted;
  }

  /**
   * Points 1 to n - 1: each step and wall as a delta of deltas, each value as a delta. A point's
   * three codes go out as one write when they fit in 64 bits together (nearly always): the short
   * forms directly, and a point with a long code (an outlier) assembled in place, without calls.
   */
  private static void writePoints(Sink w, long[] steps, long[] wallCodes, long[] valueCodes, int n, int stepK,
      int wallK, int valueK) {
    long prevStepDelta = 0;
    long prevWallDelta = 0;
    int shortJoint = stepK + wallK + valueK + 3;
    // the sink's state in locals for the loop (as fields, every write went through memory)
    long[] out = w.out;
    int word = w.word;
    long acc = w.acc;
    int accBits = w.accBits;
    for (int i = 1; i < n; i++) {
      long stepDelta = steps[i] - steps[i - 1];
      long zs = zigzag(stepDelta - prevStepDelta);
      prevStepDelta = stepDelta;
      long wallDelta = wallCodes[i] - wallCodes[i - 1];
      long zw = zigzag(wallDelta - prevWallDelta);
      prevWallDelta = wallDelta;
      long zv = zigzag(valueCodes[i] - valueCodes[i - 1]);
      long v;
      int joint;
      if (((zs >>> stepK) | (zw >>> wallK) | (zv >>> valueK)) == 0 && shortJoint <= 64) {
        // '0' zs:stepK '0' zw:wallK '0' zv:valueK
        v = (((zs << (wallK + 1)) | zw) << (valueK + 1)) | zv;
        joint = shortJoint;
      } else {
        // each code '0' z:k, or '1' (len - 1):6 z:len
        int ls = (zs >>> stepK) == 0 ? stepK + 1 : 7 + bitLength(zs);
        long cs = (zs >>> stepK) == 0 ? zs : (1L << 6 | bitLength(zs) - 1) << bitLength(zs) | zs;
        int lw = (zw >>> wallK) == 0 ? wallK + 1 : 7 + bitLength(zw);
        long cw = (zw >>> wallK) == 0 ? zw : (1L << 6 | bitLength(zw) - 1) << bitLength(zw) | zw;
        int lv = (zv >>> valueK) == 0 ? valueK + 1 : 7 + bitLength(zv);
        long cv = (zv >>> valueK) == 0 ? zv : (1L << 6 | bitLength(zv) - 1) << bitLength(zv) | zv;
        joint = ls + lw + lv;
        if (joint > 64) {
          w.word = word;
          w.acc = acc;
          w.accBits = accBits;
          w.codes(zs, stepK, zw, wallK, zv, valueK);
          word = w.word;
          acc = w.acc;
          accBits = w.accBits;
          continue;
        }
        v = (((cs << lw) | cw) << lv) | cv;
      }
      // joint bits of v, as Sink.put writes them
      int room = 64 - accBits;
      if (joint < room) {
        acc = (acc << joint) | v;
        accBits += joint;
      } else {
        int rest = joint - room;
        out[word++] = room == 64 ? v : (acc << room) | (v >>> rest);
        acc = rest == 0 ? 0 : v & ((1L << rest) - 1);
        accBits = rest;
      }
    }
    w.word = word;
    w.acc = acc;
    w.accBits = accBits;
  }

  /**
   * The writing half of {@link Bits}, specialised for encoding a block: sized once for the worst
   * case, bits gathered in a register-sized accumulator and stored a word at a time.
   */
  private static final class Sink {
    private final long[] out;
    private int word;
    private long acc;
    private int accBits;
    private final long[] z = new long[3];
    private final int[] k = new int[3];

    /** Writes into {@code out}, which must hold the block's worst case; its old content is not read. */
    Sink(long[] out) {
      this.out = out;
    }

    /** Appends {@code v}, which must be below 2^len, as {@code len} bits (1 <= len <= 64). */
    void put(long v, int len) {
      int room = 64 - accBits;
      if (len < room) {
        acc = (acc << len) | v;
        accBits += len;
      } else {
        int rest = len - room; // bits of v that do not fit this word
        out[word++] = room == 64 ? v : (acc << room) | (v >>> rest);
        acc = rest == 0 ? 0 : v & ((1L << rest) - 1);
        accBits = rest;
      }
    }

    /**
     * The code(k, x) of the format for a zigzagged z: '0' and k bits when z < 2^k, else '1', its
     * length, itself.
     */
    void code(long z, int k) {
      if ((z >>> k) == 0) {
        put(z, k + 1);
      } else {
        int len = 64 - Long.numberOfLeadingZeros(z);
        put((1L << 6) | (len - 1), 7);
        put(z, len);
      }
    }

    /** The three codes of a point that do not go out as one write. */
    void codes(long zs, int stepK, long zw, int wallK, long zv, int valueK) {
      long[] z = this.z;
      int[] k = this.k;
      z[0] = zs;
      z[1] = zw;
      z[2] = zv;
      k[0] = stepK;
      k[1] = wallK;
      k[2] = valueK;
      for (int j = 0; j < 3; j++) { // one call site: code and put are compiled in once
        code(z[j], k[j]);
      }
    }

    long[] finish() {
      int words = word + (accBits > 0 ? 1 : 0);
      long[] block = java.util.Arrays.copyOf(out, words);
      if (accBits > 0) {
        block[word] = acc << (64 - accBits);
      }
      return block;
    }
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static int bitLength(long z) {
    return 64 - Long.numberOfLeadingZeros(z);
  }

  /**
   * The width k whose codes take the fewest bits, given how many values of each bit length
   * ({@code counts[at + len]}, len 0 to 64) are to be coded: {@code bits << 6 | k}.
   */
  private static long choose(long[] counts, int at) {
    // cost(k) = (1 + k) for each code of at most k bits, (7 + its length) for each longer one;
    // past the longest length counted, every code is short and the cost grows with k
    int top = 64;
    while (top > 0 && counts[at + top] == 0) {
      top--;
    }
    long below = counts[at];
    long aboveCost = 0;
    for (int len = 1; len <= top; len++) {
      aboveCost += counts[at + len] * (7L + len);
    }
    long best = below + aboveCost; // k = 0
    int bestK = 0;
    for (int k = 1, last = Math.min(top, 63); k <= last; k++) {
      below += counts[at + k];
      aboveCost -= counts[at + k] * (7L + k);
      long cost = below * (1L + k) + aboveCost;
      if (cost < best) {
        best = cost;
        bestK = k;
      }
    }
    return best << 6 | bestK;
  }

  private static long readCode(Bits.Reader r, int k) {
    long z;
    if (!r.readBit()) {
      z = r.read(k);
    } else {
      int len = (int) r.read(6) + 1;
      z = r.read(len);
    }
    return (z >>> 1) ^ -(z & 1);
  }

  /**
   * Decodes the first {@code n} points of a block into the arrays, from index 0
   * ({@code steps}, {@code walls} and {@code values} may be null when not wanted); {@code clock} is the run's clock
   * the block was coded with (null for a series without one).
   */
  static void decode(long[] block, int n, long[] steps, double[] walls, double[] values, RunClock clock) {
    Bits.Reader r = new Bits.Reader(block);
    int header = (int) r.read(22);
    boolean floats = (header >>> 21) != 0;
    boolean clocked = ((header >>> 20) & 1) != 0;
    int mode = (header >>> 18) & 3;
    int stepK = (header >>> 12) & 63;
    int wallK = (header >>> 6) & 63;
    int valueK = header & 63;
    long limit = clocked ? r.read(64) : 0;
    long step = r.read(64);
    long wall = r.read(64);
    long value = r.read(floats ? 32 : 64);
    long stepDelta = 0;
    long wallDelta = 0;
    // against the clock: the steps and the wall integers first, the clock's part added after
    boolean clockWalls = clocked && walls != null;
    Scratch scratch = clockWalls ? SCRATCH.get() : null;
    long[] ss = clockWalls && steps == null ? scratch.steps(n) : steps;
    long[] codes = clockWalls ? scratch.codes(n) : null;
    for (int i = 0; ; i++) {
      if (ss != null) {
        ss[i] = step;
      }
      if (clockWalls) {
        codes[i] = wall;
      } else if (walls != null) {
        walls[i] = wall(wall, mode);
      }
      if (values != null) {
        values[i] = floats ? Float.intBitsToFloat((int) value) : Double.longBitsToDouble(value);
      }
      if (i + 1 == n) {
        break;
      }
      stepDelta += readCode(r, stepK);
      step += stepDelta;
      wallDelta += readCode(r, wallK);
      wall += wallDelta;
      value += readCode(r, valueK);
    }
    if (clockWalls) {
      if (clock == null) {
        throw new IllegalStateException("a block coded against a run clock, decoded without one");
      }
      long[] ref = scratch.clockCodes(n);
      clock.codes(ss, n, limit, mode, ref);
      for (int i = 0; i < n; i++) {
        walls[i] = wall(codes[i] + ref[i], mode);
      }
    }
  }

  /**
   * Per-thread working arrays, each grown to a block at least: for encoding (a loader seals many
   * blocks), and for decoding against a clock (a query decodes many blocks).
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    private long[] steps = new long[0];
    private long[] codes = new long[0];
    private long[] wallCodes = new long[0];
    private long[] valueCodes = new long[0];
    private long[] clockCodes = new long[0];
    private long[] words = new long[0];
    private final long[] counts = new long[4 * 65];
    final long[] choice = new long[4];
    final long[] head = new long[5];
    final int[] headBits = new int[5];

    /** The four streams' counts of code lengths, 65 each, zeroed. */
    long[] counts() {
      java.util.Arrays.fill(counts, 0);
      return counts;
    }

    long[] wallCodes(int n) {
      if (wallCodes.length < n) {
        wallCodes = new long[Math.max(n, ScalarSeries.BLOCK)];
      }
      return wallCodes;
    }

    long[] valueCodes(int n) {
      if (valueCodes.length < n) {
        valueCodes = new long[Math.max(n, ScalarSeries.BLOCK)];
      }
      return valueCodes;
    }

    long[] clockCodes(int n) {
      if (clockCodes.length < n) {
        clockCodes = new long[Math.max(n, ScalarSeries.BLOCK)];
      }
      return clockCodes;
    }

    /** An array of at least {@code bits} bits. */
    long[] words(long bits) {
      int n = Math.toIntExact((bits + 63) >>> 6);
      if (words.length < n) {
        words = new long[n];
      }
      return words;
    }

    long[] steps(int n) {
      if (steps.length < n) {
        steps = new long[Math.max(n, ScalarSeries.BLOCK)];
      }
      return steps;
    }

    long[] codes(int n) {
      if (codes.length < n) {
        codes = new long[Math.max(n, ScalarSeries.BLOCK)];
      }
      return codes;
    }
  }
}
