package dev.trainscope.djl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** The numbers the listener computes from tensors it copied out of the engine, and the measuring tools use. */
final class Stats {
  private Stats() {}

  /** The L2 norm, summed in double. */
  static double l2(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  /** {@code ||a - b||}, summed in double. */
  static double l2Distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  /** The fraction of elements that are exactly 0 (either sign); 0 for no elements. */
  static double zeroFraction(float[] v) {
    if (v.length == 0) {
      return 0;
    }
    int zeros = 0;
    for (float x : v) {
      if (x == 0f) {
        zeros++;
      }
    }
    return (double) zeros / v.length;
  }

  /** Pearson's correlation of two arrays of one length; NaN when either is constant. */
  static double pearson(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
    }
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      double da = a[i] - ma;
      double db = b[i] - mb;
      sab += da * db;
      saa += da * da;
      sbb += db * db;
    }
    return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Double.NaN;
  }

  /** The median; NaN for none. */
  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Population mean and standard deviation, summed in double: {@code {mean, std}}. */
  static double[] meanStd(float[] v) {
    if (v.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double s = 0;
    for (float x : v) {
      s += x;
    }
    double mean = s / v.length;
    double ss = 0;
    for (float x : v) {
      double d = x - mean;
      ss += d * d;
    }
    return new double[] {mean, Math.sqrt(ss / v.length)};
  }

  /**
   * The fraction of units that never fire: with {@code shape} {@code [N, U, ...]} (samples, units,
   * then positions, as DJL lays out dense outputs {@code [N, F]} and convolutions {@code [N, C, H,
   * W]}), unit {@code u} is dead when its value is exactly 0 for every sample and position.
   */
  static double deadUnitFraction(float[] v, long[] shape) {
    if (shape.length < 2) {
      throw new IllegalArgumentException("dead units need a shape [N, units, ...], was rank " + shape.length);
    }
    int n = Math.toIntExact(shape[0]);
    int units = Math.toIntExact(shape[1]);
    int positions = 1;
    for (int d = 2; d < shape.length; d++) {
      positions = Math.multiplyExact(positions, Math.toIntExact(shape[d]));
    }
    if ((long) n * units * positions != v.length) {
      throw new IllegalArgumentException("shape and values disagree: " + n + " x " + units + " x " + positions
          + " != " + v.length);
    }
    if (units == 0) {
      return 0;
    }
    boolean[] alive = new boolean[units];
    for (int s = 0; s < n; s++) {
      for (int u = 0; u < units; u++) {
        if (alive[u]) {
          continue;
        }
        int base = (s * units + u) * positions;
        for (int p = 0; p < positions; p++) {
          if (v[base + p] != 0f) {
            alive[u] = true;
            break;
          }
        }
      }
    }
    int dead = 0;
    for (boolean a : alive) {
      if (!a) {
        dead++;
      }
    }
    return (double) dead / units;
  }

  /** The largest value that a float32 holds exactly with all smaller non-negative integers: 2^24. */
  static final int FINGERPRINT_RANGE = 1 << 24;

  /**
   * A 24-bit hash of the buffers' bytes from position to limit (each buffer's length is mixed in,
   * so splitting differently gives another hash). An integer in [0, 2^24), exact as a float32
   * scalar. The mixing is a multiply-xorshift over 8-byte words, finished with MurmurHash3's
   * {@code fmix64}.
   */
  static int fingerprint(ByteBuffer... buffers) {
    long h = 0x9E3779B97F4A7C15L;
    for (ByteBuffer b0 : buffers) {
      ByteBuffer b = b0.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      h = mix(h, b.remaining());
      while (b.remaining() >= 8) {
        h = mix(h, b.getLong());
      }
      long tail = 0;
      int shift = 0;
      while (b.hasRemaining()) {
        tail |= (b.get() & 0xFFL) << shift;
        shift += 8;
      }
      h = mix(h, tail);
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) ((h ^ (h >>> 24) ^ (h >>> 48)) & (FINGERPRINT_RANGE - 1));
  }

  private static long mix(long h, long word) {
    h ^= word * 0xC2B2AE3D27D4EB4FL;
    h = Long.rotateLeft(h, 31) * 0x9E3779B97F4A7C15L;
    return h;
  }

  /** Softmax of one row, in double. */
  static double[] softmax(float[] logits, int offset, int length) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double[] p = new double[length];
    double sum = 0;
    for (int i = 0; i < length; i++) {
      p[i] = Math.exp(logits[offset + i] - max);
      sum += p[i];
    }
    for (int i = 0; i < length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
