package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;

/**
 * Statistics of one histogram step, from its buckets (each bucket's values at its centre; a
 * bucket of zero width is exact). The outermost edges are the smallest and largest values, as
 * TensorBoard's writers record them.
 */
final class Hist {
  private Hist() {}

  static double total(HistogramStep h) {
    double n = 0;
    for (int i = 0; i < h.buckets(); i++) {
      n += h.count()[i];
    }
    return n;
  }

  static double mean(HistogramStep h) {
    double s = 0;
    double n = 0;
    for (int i = 0; i < h.buckets(); i++) {
      double c = (h.left()[i] + h.right()[i]) / 2;
      s += c * h.count()[i];
      n += h.count()[i];
    }
    return n == 0 ? Double.NaN : s / n;
  }

  static double std(HistogramStep h) {
    double m = mean(h);
    double s = 0;
    double n = 0;
    for (int i = 0; i < h.buckets(); i++) {
      double c = (h.left()[i] + h.right()[i]) / 2;
      s += (c - m) * (c - m) * h.count()[i];
      n += h.count()[i];
    }
    return n == 0 ? Double.NaN : Math.sqrt(s / n);
  }

  /**
   * The smallest value: the left edge of the first bucket holding any, but not below the first
   * bucket's left edge, which is the smallest value itself (a legacy histogram's buckets start at
   * its min, and its first filled bucket can reach back past it to the bucket limit before).
   */
  static double min(HistogramStep h) {
    for (int i = 0; i < h.buckets(); i++) {
      if (h.count()[i] > 0) {
        return Math.max(h.left()[i], h.left()[0]);
      }
    }
    return Double.NaN;
  }

  /** The largest value: the right edge of the last bucket holding any, not above the last bucket's right edge. */
  static double max(HistogramStep h) {
    int last = h.buckets() - 1;
    for (int i = last; i >= 0; i--) {
      if (h.count()[i] > 0) {
        return Math.min(h.right()[i], h.right()[last]);
      }
    }
    return Double.NaN;
  }

  /** The largest magnitude. */
  static double maxAbs(HistogramStep h) {
    double lo = min(h);
    double hi = max(h);
    return Double.isNaN(lo) ? 0 : Math.max(Math.abs(lo), Math.abs(hi));
  }

  /** The share of values beyond +-bound (buckets straddling it counted pro rata). */
  static double beyond(HistogramStep h, double bound) {
    return share(h, Double.NEGATIVE_INFINITY, -bound) + share(h, bound, Double.POSITIVE_INFINITY);
  }

  /** The share of values within [lo, hi] (buckets straddling an edge counted pro rata). */
  static double share(HistogramStep h, double lo, double hi) {
    double in = 0;
    double total = 0;
    for (int i = 0; i < h.buckets(); i++) {
      double l = h.left()[i];
      double r = h.right()[i];
      double c = h.count()[i];
      total += c;
      if (c == 0) {
        continue;
      }
      if (r <= l) {
        in += l >= lo && l <= hi ? c : 0;
        continue;
      }
      double overlap = Math.max(0, Math.min(r, hi) - Math.max(l, lo));
      in += c * Math.min(1, overlap / (r - l));
    }
    return total == 0 ? 0 : in / total;
  }

  /** The share of values that are exactly 0: held by a bucket that is 0 alone or whose edges are both 0. */
  static double zeros(HistogramStep h) {
    double z = 0;
    double total = 0;
    for (int i = 0; i < h.buckets(); i++) {
      total += h.count()[i];
      if (h.left()[i] == 0 && h.right()[i] == 0) {
        z += h.count()[i];
      }
    }
    return total == 0 ? 0 : z / total;
  }

  /**
   * The share of values at most {@code eps} from 0: the mass a ReLU layer holds at 0, read from
   * the buckets around it (TensorBoard's writers put zeros in a narrow bucket at 0).
   */
  static double nearZero(HistogramStep h, double eps) {
    return share(h, -eps, eps);
  }

  /** The spread of the values: largest minus smallest. */
  static double range(HistogramStep h) {
    double lo = min(h);
    return Double.isNaN(lo) ? 0 : max(h) - lo;
  }

  /** True when the two histograms hold the same buckets and counts: the values did not change. */
  static boolean same(HistogramStep a, HistogramStep b) {
    return java.util.Arrays.equals(a.count(), b.count()) && java.util.Arrays.equals(a.left(), b.left())
        && java.util.Arrays.equals(a.right(), b.right());
  }

  /**
   * How far the values moved from {@code a} to {@code b}, relative to their spread at {@code a}:
   * the largest change of their mean, spread, smallest and largest value over the spread (or over
   * the magnitude, for values that start equal).
   */
  static double movement(HistogramStep a, HistogramStep b) {
    double scale = std(a);
    if (!(scale > 0)) {
      scale = Math.max(maxAbs(a), 1e-12);
    }
    double d = Math.max(Math.abs(mean(b) - mean(a)), Math.abs(std(b) - std(a)));
    d = Math.max(d, Math.max(Math.abs(min(b) - min(a)), Math.abs(max(b) - max(a))));
    return d / scale;
  }
}
