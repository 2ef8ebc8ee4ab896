package dev.trainscope.data;

/**
 * Compresses a block of scalar points (step, wall time, value) into a bit stream, after Facebook's
 * Gorilla (Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB
 * 2015): integers as delta-of-delta with a prefix code, values as the XOR with the previous value
 * storing only its meaningful bits. Lossless: every step, wall time and value comes back bit for
 * bit, NaN payloads included.
 *
 * <pre>
 * block    := flags:1 point0 point*
 * flags    := 1 when every value is a float32 widened to double (values then XOR as 32-bit words)
 * point0   := step:64 wallBits:64 value:(32|64)
 * point    := stepDod wallDod valueXor
 * stepDod  := '0' (0) | '10' s7 | '110' s12 | '1110' s20 | '1111' s64      (s = signed)
 * wallDod  := '0' (0) | '10' s8 | '110' s16 | '1110' s24 | '11110' s32 | '11111' s64
 *              (over the raw IEEE bits of the wall time taken as a long)
 * valueXor := '0' (same as previous)
 *           | '10' bits                  (fits the previous window of leading/trailing zeros)
 *           | '11' lead:L len:L bits     (a new window; L = 5 for floats, 6 for doubles;
 *                                          len is stored minus one)
 * </pre>
 *
 * Training steps grow by a constant, so a step costs one bit; smooth curves of float32 values
 * share their sign, exponent and leading mantissa bits with the previous value.
 */
final class ScalarCodec {
  private ScalarCodec() {}

  private static final int[] STEP_WIDTHS = {0, 7, 12, 20, 64};
  private static final int[] WALL_WIDTHS = {0, 8, 16, 24, 32, 64};

  /** True when each of {@code values[0, n)} is a float32 widened to double. */
  static boolean allFloats(double[] values, int n) {
    for (int i = 0; i < n; i++) {
      double v = values[i];
      if (Double.doubleToRawLongBits((double) (float) v) != Double.doubleToRawLongBits(v)) {
        return false;
      }
    }
    return true;
  }

  static long[] encode(long[] steps, double[] walls, double[] values, int n) {
    Bits.Writer w = new Bits.Writer();
    boolean floats = allFloats(values, n);
    w.writeBit(floats);
    w.write(steps[0], 64);
    w.write(Double.doubleToRawLongBits(walls[0]), 64);
    long prevValue = valueBits(values[0], floats);
    w.write(prevValue, floats ? 32 : 64);
    long prevStep = steps[0];
    long prevStepDelta = 0;
    long prevWall = Double.doubleToRawLongBits(walls[0]);
    long prevWallDelta = 0;
    int window = floats ? 32 : 64;
    int lenBits = floats ? 5 : 6;
    int prevLead = -1;
    int prevTrail = 0;
    for (int i = 1; i < n; i++) {
      long delta = steps[i] - prevStep;
      writeDod(w, delta - prevStepDelta, STEP_WIDTHS);
      prevStep = steps[i];
      prevStepDelta = delta;

      long wall = Double.doubleToRawLongBits(walls[i]);
      long wallDelta = wall - prevWall;
      writeDod(w, wallDelta - prevWallDelta, WALL_WIDTHS);
      prevWall = wall;
      prevWallDelta = wallDelta;

      long v = valueBits(values[i], floats);
      long xor = v ^ prevValue;
      prevValue = v;
      if (xor == 0) {
        w.writeBit(false);
        continue;
      }
      int lead = Long.numberOfLeadingZeros(xor) - (64 - window);
      int trail = Long.numberOfTrailingZeros(xor);
      int maxLead = (1 << lenBits) - 1;
      if (lead > maxLead) {
        lead = maxLead;
      }
      if (prevLead >= 0 && lead >= prevLead && trail >= prevTrail) {
        w.write(0b10, 2);
        w.write(xor >>> prevTrail, window - prevLead - prevTrail);
      } else {
        int len = window - lead - trail;
        w.write(0b11, 2);
        w.write(lead, lenBits);
        w.write(len - 1, lenBits);
        w.write(xor >>> trail, len);
        prevLead = lead;
        prevTrail = trail;
      }
    }
    return w.toArray();
  }

  private static long valueBits(double v, boolean floats) {
    return floats ? Float.floatToRawIntBits((float) v) & 0xFFFFFFFFL : Double.doubleToRawLongBits(v);
  }

  /** Writes a delta-of-delta with the prefix code whose classes have the given widths. */
  private static void writeDod(Bits.Writer w, long dod, int[] widths) {
    if (dod == 0) {
      w.writeBit(false);
      return;
    }
    int last = widths.length - 1;
    for (int c = 1; c < last; c++) {
      if (Bits.fitsSigned(dod, widths[c])) {
        w.write((1L << (c + 1)) - 2, c + 1); // c ones, then a zero
        w.write(dod, widths[c]);
        return;
      }
    }
    w.write((1L << last) - 1, last); // all ones, no terminator
    w.write(dod, 64);
  }

  private static long readDod(Bits.Reader r, int[] widths) {
    int c = r.readUnary(widths.length - 1);
    if (c == 0) {
      return 0;
    }
    return Bits.signExtend(r.read(widths[c]), widths[c]);
  }

  /** Decodes the first {@code n} points of a block into the arrays, from index {@code at}. */
  static void decode(long[] block, int n, long[] steps, double[] walls, double[] values, int at) {
    Bits.Reader r = new Bits.Reader(block);
    boolean floats = r.readBit();
    int window = floats ? 32 : 64;
    int lenBits = floats ? 5 : 6;
    long step = r.read(64);
    long wall = r.read(64);
    long value = r.read(window);
    long stepDelta = 0;
    long wallDelta = 0;
    int lead = 0;
    int trail = 0;
    for (int i = 0; ; i++) {
      if (steps != null) {
        steps[at + i] = step;
      }
      if (walls != null) {
        walls[at + i] = Double.longBitsToDouble(wall);
      }
      values[at + i] = floats ? Float.intBitsToFloat((int) value) : Double.longBitsToDouble(value);
      if (i + 1 == n) {
        return;
      }
      stepDelta += readDod(r, STEP_WIDTHS);
      step += stepDelta;
      wallDelta += readDod(r, WALL_WIDTHS);
      wall += wallDelta;
      if (r.readBit()) {
        if (r.readBit()) {
          lead = (int) r.read(lenBits);
          int len = (int) r.read(lenBits) + 1;
          trail = window - lead - len;
        }
        value ^= r.read(window - lead - trail) << trail;
      }
    }
  }
}
