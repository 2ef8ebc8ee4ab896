package dev.trainscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class TablesTest {

  /** Tables.grouped writes what String.format(Locale.ROOT, "%,d", n) writes, for every length and sign. */
  @Test
  void grouped_asFormatWritesIt() {
    long[] samples = {0, 1, -1, 12, 999, -999, 1_000, -1_000, 12_345, 999_999, 1_000_000, -1_234_567,
        7_240_000, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE};
    for (long n : samples) {
      assertEquals(String.format(Locale.ROOT, "%,d", n), Tables.grouped(n), Long.toString(n));
    }
    for (long n = 1; n > 0 && n < Long.MAX_VALUE / 7; n = n * 7 + 3) {
      assertEquals(String.format(Locale.ROOT, "%,d", n), Tables.grouped(n));
      assertEquals(String.format(Locale.ROOT, "%,d", -n), Tables.grouped(-n));
    }
  }
}
