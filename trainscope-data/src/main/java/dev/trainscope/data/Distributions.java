package dev.trainscope.data;

/**
 * Compresses histogram buckets to values at fixed basis points, as TensorBoard's distribution
 * plugin does ({@code tensorboard/plugins/distribution/compressor.py}): the buckets' counts are
 * turned into a cumulative weight in basis points; for each basis point, the first bucket whose
 * cumulative weight passes it is found, and the value is interpolated linearly between that
 * bucket's edges (the first bucket starting at the histogram's minimum). Basis points past the
 * last weight take the maximum.
 */
public final class Distributions {
  private Distributions() {}

  /** The normal distribution's CDF at -inf, -1.5, -1, -0.5, 0, 0.5, 1, 1.5 and +inf sigma, in basis points. */
  public static final int[] BASIS_POINTS = {0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000};

  /** The values at {@link #BASIS_POINTS} of buckets given as parallel arrays. */
  public static double[] compress(double[] left, double[] right, double[] count) {
    int k = count.length;
    double[] out = new double[BASIS_POINTS.length];
    if (k == 0) {
      return out;
    }
    double minmin = left[0];
    double maxmax = right[k - 1];
    double total = 0;
    for (double c : count) {
      total += c;
    }
    double divisor = total == 0 ? 1.0 : total;
    double[] weights = new double[k];
    double running = 0;
    for (int i = 0; i < k; i++) {
      // count * 10000 / total, in this order, as numpy evaluates TensorBoard's expression; a
      // precomputed 10000 / total rounds differently and the values come out a few ulps apart
      running += count[i] * BASIS_POINTS[BASIS_POINTS.length - 1] / divisor;
      weights[i] = running;
    }
    int j = 0;
    outer:
    while (j < BASIS_POINTS.length) {
      int bp = BASIS_POINTS[j];
      int i = upperBound(weights, bp);
      while (i < k) {
        double cum = weights[i];
        double prev = i > 0 ? weights[i - 1] : 0.0;
        if (cum == prev) {
          i++;
          continue;
        }
        double lhs = (i == 0 || prev == 0) ? minmin : Math.max(right[i - 1], minmin);
        double rhs = Math.min(right[i], maxmax);
        out[j] = lhs + (bp - prev) * (rhs - lhs) / (cum - prev);
        j++;
        continue outer;
      }
      break;
    }
    for (; j < BASIS_POINTS.length; j++) {
      out[j] = maxmax;
    }
    return out;
  }

  /** The first index whose weight is greater than {@code x} (numpy's searchsorted, side right). */
  private static int upperBound(double[] a, double x) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
