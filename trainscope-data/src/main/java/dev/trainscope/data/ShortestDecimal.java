package dev.trainscope.data;

import java.math.BigInteger;

/**
 * The shortest decimal that reads back as a given float or double: Raffaello Giulietti's
 * Schubfach algorithm ("The Schubfach way to render doubles", 2020), the one Java's {@code
 * Double.toString} and {@code Float.toString} use from JDK 19 on. Java 17's, which this project
 * runs on, sometimes give a digit more than needed ({@code 2.0E-3} as {@code 0.0020}, {@code
 * 1.0E23} as {@code 1.0000000000000001E23}), and they allocate a String a number; this writes
 * digits into the caller's fields and allocates nothing.
 *
 * <p>After {@link #ofDouble} or {@link #ofFloat} of a finite, non-zero, positive number, the number
 * is {@link #digits} x 10^{@link #exponent}, with {@code digits} free of trailing zeros. For a
 * float the digits are the float's own shortest ones ({@code 0.1f} gives 1 x 10^-1, not the 17
 * digits of its double), so the text parses back to the same float.
 *
 * <p>Not thread-safe: one per writer.
 */
final class ShortestDecimal {
  /** The decimal's digits, with no trailing zero. */
  long digits;
  /** The power of ten the digits are multiplied by. */
  int exponent;

  // doubles
  private static final int D_P = 53;
  private static final int D_Q_MIN = -1074;
  private static final long D_C_MIN = 1L << (D_P - 1);
  private static final int D_C_TINY = 3;
  private static final long D_T_MASK = (1L << (D_P - 1)) - 1;
  private static final int D_BQ_MASK = 0x7FF;
  // floats
  private static final int F_P = 24;
  private static final int F_Q_MIN = -149;
  private static final int F_C_MIN = 1 << (F_P - 1);
  private static final int F_C_TINY = 8;
  private static final int F_T_MASK = (1 << (F_P - 1)) - 1;
  private static final int F_BQ_MASK = 0xFF;

  private static final long MASK_63 = (1L << 63) - 1;
  private static final long MASK_32 = (1L << 32) - 1;

  /** The exponents k of 10^-k the table holds. */
  private static final int K_MIN = -324;
  private static final int K_MAX = 292;
  /**
   * For each k: 10^-k = b 2^r with 2^125 <= b < 2^126; g = floor(b) + 1, split into its upper 63
   * bits (G[2(k - K_MIN)]) and lower 63 bits (G[2(k - K_MIN) + 1]). Computed once, exactly.
   */
  private static final long[] G = table();

  private static long[] table() {
    long[] g = new long[2 * (K_MAX - K_MIN + 1)];
    BigInteger ten = BigInteger.TEN;
    for (int k = K_MIN; k <= K_MAX; k++) {
      int r = flog2pow10(-k) - 125;
      BigInteger floor;
      if (k <= 0) {
        BigInteger n = ten.pow(-k);
        floor = r >= 0 ? n.shiftRight(r) : n.shiftLeft(-r);
      } else {
        floor = BigInteger.ONE.shiftLeft(-r).divide(ten.pow(k));
      }
      if (floor.bitLength() != 126) {
        throw new AssertionError("10^" + (-k) + " scaled to " + floor.bitLength() + " bits, not 126");
      }
      BigInteger v = floor.add(BigInteger.ONE);
      g[2 * (k - K_MIN)] = v.shiftRight(63).longValueExact();
      g[2 * (k - K_MIN) + 1] = v.longValue() & MASK_63;
    }
    return g;
  }

  /** floor(q log10 2), for |q| <= 5456721. */
  private static int flog10pow2(int q) {
    return (int) (q * 661_971_961_083L >> 41);
  }

  /** floor(log10(3/4 2^q)), for |q| <= 5456721. */
  private static int flog10threeQuartersPow2(int q) {
    return (int) (q * 661_971_961_083L + -274_743_187_321L >> 41);
  }

  /** floor(e log2 10), for |e| <= 1838394. */
  private static int flog2pow10(int e) {
    return (int) (e * 913_124_641_741L >> 38);
  }

  /** Sets {@link #digits} and {@link #exponent} for a finite {@code v > 0}. */
  void ofDouble(double v) {
    long bits = Double.doubleToRawLongBits(v);
    long t = bits & D_T_MASK;
    int bq = (int) (bits >>> (D_P - 1)) & D_BQ_MASK;
    if (bq != 0) {
      int mq = -D_Q_MIN + 1 - bq;
      long c = D_C_MIN | t;
      if (0 < mq && mq < D_P) {
        long f = c >> mq;
        if (f << mq == c) { // an integer below 2^53
          set(f, 0);
          return;
        }
      }
      doubleDecimal(-mq, c, 0);
    } else if (t < D_C_TINY) {
      doubleDecimal(D_Q_MIN, 10 * t, -1);
    } else {
      doubleDecimal(D_Q_MIN, t, 0);
    }
  }

  private void doubleDecimal(int q, long c, int dk) {
    int out = (int) c & 1;
    long cb = c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != D_C_MIN || q == D_Q_MIN) {
      cbl = cb - 2;
      k = flog10pow2(q);
    } else {
      cbl = cb - 1;
      k = flog10threeQuartersPow2(q);
    }
    int h = q + flog2pow10(-k) + 2;
    long g1 = G[2 * (k - K_MIN)];
    long g0 = G[2 * (k - K_MIN) + 1];
    long vb = rop(g1, g0, cb << h);
    long vbl = rop(g1, g0, cbl << h);
    long vbr = rop(g1, g0, cbr << h);
    long s = vb >> 2;
    if (s >= 100) {
      long sp10 = 10 * (s / 10);
      long tp10 = sp10 + 10;
      boolean upin = vbl + out <= sp10 << 2;
      boolean wpin = (tp10 << 2) + out <= vbr;
      if (upin != wpin) {
        set(upin ? sp10 : tp10, k);
        return;
      }
    }
    long t = s + 1;
    boolean uin = vbl + out <= s << 2;
    boolean win = (t << 2) + out <= vbr;
    if (uin != win) {
      set(uin ? s : t, k + dk);
      return;
    }
    long cmp = vb - (s + t << 1);
    set(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t, k + dk);
  }

  /** g cp 2^-127 rounded to odd, g = g1 2^63 + g0. */
  private static long rop(long g1, long g0, long cp) {
    long x1 = Math.multiplyHigh(g0, cp);
    long y0 = g1 * cp;
    long y1 = Math.multiplyHigh(g1, cp);
    long z = (y0 >>> 1) + x1;
    long vbp = y1 + (z >>> 63);
    return vbp | (z & MASK_63) + MASK_63 >>> 63;
  }

  /** Sets {@link #digits} and {@link #exponent} for a finite {@code v > 0}: the float's own shortest digits. */
  void ofFloat(float v) {
    int bits = Float.floatToRawIntBits(v);
    int t = bits & F_T_MASK;
    int bq = (bits >>> (F_P - 1)) & F_BQ_MASK;
    if (bq != 0) {
      int mq = -F_Q_MIN + 1 - bq;
      int c = F_C_MIN | t;
      if (0 < mq && mq < F_P) {
        int f = c >> mq;
        if (f << mq == c) {
          set(f, 0);
          return;
        }
      }
      floatDecimal(-mq, c, 0);
    } else if (t < F_C_TINY) {
      floatDecimal(F_Q_MIN, 10 * t, -1);
    } else {
      floatDecimal(F_Q_MIN, t, 0);
    }
  }

  private void floatDecimal(int q, int c, int dk) {
    int out = c & 1;
    long cb = (long) c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != F_C_MIN || q == F_Q_MIN) {
      cbl = cb - 2;
      k = flog10pow2(q);
    } else {
      cbl = cb - 1;
      k = flog10threeQuartersPow2(q);
    }
    int h = q + flog2pow10(-k) + 33;
    long g = G[2 * (k - K_MIN)] + 1;
    int vb = rop(g, cb << h);
    int vbl = rop(g, cbl << h);
    int vbr = rop(g, cbr << h);
    int s = vb >> 2;
    if (s >= 100) {
      int sp10 = 10 * (s / 10);
      int tp10 = sp10 + 10;
      boolean upin = vbl + out <= sp10 << 2;
      boolean wpin = (tp10 << 2) + out <= vbr;
      if (upin != wpin) {
        set(upin ? sp10 : tp10, k);
        return;
      }
    }
    int t = s + 1;
    boolean uin = vbl + out <= s << 2;
    boolean win = (t << 2) + out <= vbr;
    if (uin != win) {
      set(uin ? s : t, k + dk);
      return;
    }
    int cmp = vb - (s + t << 1);
    set(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t, k + dk);
  }

  /** g cp 2^-95 rounded to odd. */
  private static int rop(long g, long cp) {
    long x1 = Math.multiplyHigh(g, cp);
    long vbp = x1 >>> 31;
    return (int) (vbp | (x1 & MASK_32) + MASK_32 >>> 32);
  }

  private void set(long f, int e) {
    while (true) {
      long q = f / 10;
      if (q * 10 != f) {
        break;
      }
      f = q;
      e++;
    }
    digits = f;
    exponent = e;
  }
}
