package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimeBudgetTest {
  static final long S = 1_000_000_000L;

  @Test
  void theFirstRunIsAlwaysDue_laterOnesWhenTheirExpectedCostFitsTheShare() {
    TimeBudget b = new TimeBudget(0.05);
    b.start(0);
    assertTrue(b.due(1 * S), "the first run, whatever it costs");
    b.spent(S / 2);
    b.spent(S / 2); // one second in all, in two parts
    // spent 1 s + as much again = 2 s, within 5 % from 40 s on
    assertFalse(b.due(10 * S));
    assertFalse(b.due(39 * S));
    assertTrue(b.due(40 * S));
    b.spent(S / 4); // the second run was cheaper: 1.25 s spent, 0.25 s last
    assertFalse(b.due(29 * S)); // 1.5 s > 0.05 * 29 s
    assertTrue(b.due(30 * S)); // 1.5 s <= 1.5 s
    assertEquals(3, b.runs());
  }

  @Test
  void aShareOfOne_runsEveryTime_andTheStartCountsOnce() {
    TimeBudget every = new TimeBudget(1);
    for (int i = 0; i < 5; i++) {
      assertTrue(every.due(i));
      every.spent(S);
    }
    TimeBudget b = new TimeBudget(0.5);
    b.start(0);
    b.start(100 * S); // ignored
    assertTrue(b.due(S));
    b.spent(S);
    assertTrue(b.due(4 * S), "2 s <= 0.5 * 4 s since the first start");
  }

  @Test
  void rejectsAShareThatIsNotPositive() {
    assertEquals("share must be > 0, was 0.0", assertThrows(IllegalArgumentException.class,
        () -> new TimeBudget(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TimeBudget(Double.NaN));
  }
}
