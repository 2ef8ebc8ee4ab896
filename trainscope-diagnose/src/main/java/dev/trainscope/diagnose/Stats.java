package dev.trainscope.diagnose;

import java.util.Arrays;

/** Small robust statistics over finite values, for the rules. */
final class Stats {
  private Stats() {}

  static double[] finite(double[] v, int from, int to) {
    double[] out = new double[Math.max(0, to - from)];
    int n = 0;
    for (int i = Math.max(0, from); i < Math.min(v.length, to); i++) {
      if (Double.isFinite(v[i])) {
        out[n++] = v[i];
      }
    }
    return Arrays.copyOf(out, n);
  }

  static double median(double[] v, int from, int to) {
    double[] f = finite(v, from, to);
    if (f.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(f);
    return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
  }

  /** Median absolute deviation from the median. */
  static double mad(double[] v, int from, int to) {
    double med = median(v, from, to);
    double[] f = finite(v, from, to);
    for (int i = 0; i < f.length; i++) {
      f[i] = Math.abs(f[i] - med);
    }
    if (f.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(f);
    return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
  }

  /**
   * The series as at most {@code blocks} means of consecutive points (all of it when shorter): the
   * trend without per-batch noise, whose spread a mean of k points divides by sqrt(k).
   */
  static double[] blockMeans(double[] v, int blocks) {
    if (v.length <= blocks) {
      return v.clone();
    }
    double[] out = new double[blocks];
    for (int b = 0; b < blocks; b++) {
      int from = (int) ((long) b * v.length / blocks);
      int to = (int) ((long) (b + 1) * v.length / blocks);
      out[b] = mean(v, from, to);
    }
    return out;
  }

  static double mean(double[] v, int from, int to) {
    double[] f = finite(v, from, to);
    if (f.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double x : f) {
      s += x;
    }
    return s / f.length;
  }

  static double min(double[] v) {
    double m = Double.NaN;
    for (double x : v) {
      if (Double.isFinite(x) && (Double.isNaN(m) || x < m)) {
        m = x;
      }
    }
    return m;
  }

  static double max(double[] v) {
    double m = Double.NaN;
    for (double x : v) {
      if (Double.isFinite(x) && (Double.isNaN(m) || x > m)) {
        m = x;
      }
    }
    return m;
  }

  /** Debiased exponential moving average (as TensorBoard smooths), skipping non-finite values. */
  static double[] ema(double[] v, double weight) {
    double[] out = new double[v.length];
    double last = 0;
    int n = 0;
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        out[i] = n == 0 ? Double.NaN : out[i - 1];
        continue;
      }
      last = last * weight + (1 - weight) * v[i];
      n++;
      out[i] = last / (1 - Math.pow(weight, n));
    }
    return out;
  }

  /** The index of the smallest finite value, or -1. */
  static int argMin(double[] v) {
    int best = -1;
    for (int i = 0; i < v.length; i++) {
      if (Double.isFinite(v[i]) && (best < 0 || v[i] < v[best])) {
        best = i;
      }
    }
    return best;
  }

  static int argMax(double[] v) {
    int best = -1;
    for (int i = 0; i < v.length; i++) {
      if (Double.isFinite(v[i]) && (best < 0 || v[i] > v[best])) {
        best = i;
      }
    }
    return best;
  }
}
