package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ExactSum} against the exact sum in BigDecimal, rounded by its (correctly rounding) doubleValue. */
class ExactSumTest {

  private static void check(double... values) {
    ExactSum s = new ExactSum();
    BigDecimal exact = BigDecimal.ZERO;
    for (double v : values) {
      s.add(v);
      exact = exact.add(new BigDecimal(v));
    }
    double want = exact.doubleValue();
    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(s.value()),
        () -> "sum of " + java.util.Arrays.toString(values) + ": want " + want + ", got " + s.value());
  }

  @Test
  void edgeCases() {
    check();
    check(0.0);
    check(-0.0, -0.0);
    check(1e100, 1.0, -1e100);
    check(1.0, 1e-16, 1e-16); // two halves of an ulp that only together round up
    check(1.0, 0x1p-53, 0x1p-106); // just past halfway: rounds up
    check(1.0, 0x1p-53); // exactly halfway: to even (down)
    check(1.0 + 0x1p-52, 0x1p-53); // exactly halfway: to even (up)
    check(1.0, -0x1p-54, 0x1p-53, 0x1p-105);
    check(Double.MIN_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE * 3);
    check(0.1, 0.2, 0.3, -0.6);
    check(Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE); // past 2^1000: exactly in BigDecimal
    check(0x1p999, 0x1p999, 0x1p999, 1.0, -0x1p1000);
    check(Double.MAX_VALUE, Double.MAX_VALUE); // overflows to infinity, as BigDecimal rounds it
  }

  @Test
  void randomSums_equalTheExactSumRounded() {
    Random r = new Random(22);
    for (int round = 0; round < 3_000; round++) {
      int len = 1 + r.nextInt(round % 10 == 0 ? 2_000 : 40);
      double[] v = new double[len];
      for (int i = 0; i < len; i++) {
        v[i] = switch (round % 5) {
          case 0 -> r.nextGaussian(); // a typical loss curve's values
          case 1 -> (float) (Math.exp(-i / 30.0) + r.nextGaussian() * 1e-3); // float32 values, as logged
          case 2 -> r.nextGaussian() * Math.pow(2, r.nextInt(200) - 100); // mixed magnitudes
          case 3 -> (r.nextBoolean() ? 1 : -1) * Math.pow(2, r.nextInt(120) - 60) * (1 + r.nextInt(4) * 0x1p-52); // cancellations, near ties
          default -> Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL) * (r.nextBoolean() ? 1 : -1) / 0x1p30;
        };
      }
      check(v);
    }
  }
}
