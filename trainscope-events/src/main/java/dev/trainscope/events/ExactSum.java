package dev.trainscope.events;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The correctly rounded sum of finite doubles, as Python's {@code math.fsum} gives it: Shewchuk's
 * non-overlapping partials (the sum so far held exactly as a few doubles), rounded half-even at
 * the end as CPython rounds it. A few floating-point operations per value where adding each to a
 * {@link BigDecimal} allocated and multiplied big integers: that was most of {@code trainscope
 * inspect}'s time on a 2,000,001-event file (BENCHMARKS.md, "Issue 22").
 *
 * <p>Where a partial could overflow (a value or the sum near {@code 2^1000}), it goes on in
 * {@link BigDecimal}, whose {@code doubleValue} is correctly rounded too, so the answer is the same.
 */
final class ExactSum {
  /** Beyond this, adding two partials could overflow: the sum goes on exactly in BigDecimal. */
  private static final double LARGE = 0x1p1000;

  private double[] partials = new double[8];
  private int n;
  private BigDecimal big;

  /** Adds a finite value. */
  void add(double x) {
    if (big != null) {
      big = big.add(new BigDecimal(x));
      return;
    }
    if (Math.abs(x) >= LARGE || (n > 0 && Math.abs(partials[n - 1]) >= LARGE)) {
      big = new BigDecimal(x);
      for (int k = 0; k < n; k++) {
        big = big.add(new BigDecimal(partials[k]));
      }
      return;
    }
    int i = 0;
    for (int j = 0; j < n; j++) {
      double y = partials[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) {
        partials[i++] = lo;
      }
      x = hi;
    }
    n = i;
    if (x != 0.0) {
      if (n == partials.length) {
        partials = Arrays.copyOf(partials, n * 2);
      }
      partials[n++] = x;
    }
  }

  /** The sum, correctly rounded (half-even). */
  double value() {
    if (big != null) {
      return big.doubleValue();
    }
    int k = n;
    double hi = 0.0;
    double lo = 0.0;
    if (k > 0) {
      hi = partials[--k];
      // add the partials from the top down until the sum becomes inexact
      while (k > 0) {
        double x = hi;
        double y = partials[--k];
        hi = x + y;
        double yr = hi - x;
        lo = y - yr;
        if (lo != 0.0) {
          break;
        }
      }
      // half-even rounding across partials: when the rest pushes lo's way past a halfway case
      if (k > 0 && ((lo < 0.0 && partials[k - 1] < 0.0) || (lo > 0.0 && partials[k - 1] > 0.0))) {
        double y = lo * 2.0;
        double x = hi + y;
        double yr = x - hi;
        if (y == yr) {
          hi = x;
        }
      }
    }
    return hi;
  }
}
