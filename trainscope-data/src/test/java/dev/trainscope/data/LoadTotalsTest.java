package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LoadTotals}: each run counts once, as it is now; a removed run counts as nothing. */
class LoadTotalsTest {

  @Test
  void account_addsTheDifference_removedRunsCountNothing() {
    LoadTotals totals = new LoadTotals();
    Run a = new Run("a", null);
    Run b = new Run("b", null);
    Run.RunFile fa = new Run.RunFile("a/events.out.tfevents.1", "id-a", 100, "t");
    Run.RunFile fb = new Run.RunFile("b/events.out.tfevents.1", "id-b", 50, "t");
    a.files = List.of(fa);
    b.files = List.of(fb);
    totals.account(a);
    totals.account(b);
    assertEquals(new LoadProgress(0, 150, 0, 2, true), totals.progress(2, true));

    fa.seenSize = 100; // a read to its end
    a.memoryBytes = 1_000;
    totals.account(a);
    totals.account(a); // twice: no change the second time
    assertEquals(new LoadProgress(100, 150, 1, 2, true), totals.progress(2, true));
    assertEquals(1_000, totals.memoryBytes());

    a.resetRequested = true; // to be read again: not loaded, though its bytes still count as read
    totals.account(a);
    assertEquals(new LoadProgress(100, 150, 0, 2, false), totals.progress(2, false));
    a.resetRequested = false;

    fb.knownSize = 80; // b grew
    b.memoryBytes = 500;
    totals.account(b);
    totals.account(a);
    assertEquals(new LoadProgress(100, 180, 1, 2, true), totals.progress(2, true));
    assertEquals(1_500, totals.memoryBytes());

    a.removed = true;
    totals.account(a);
    assertEquals(new LoadProgress(0, 80, 0, 1, true), totals.progress(1, true));
    assertEquals(500, totals.memoryBytes());
    totals.account(a); // a loader that finishes after the removal adds nothing back
    assertEquals(500, totals.memoryBytes());
  }
}
