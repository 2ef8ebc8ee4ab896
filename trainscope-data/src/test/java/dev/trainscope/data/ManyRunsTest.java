package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log directory of 10,000 small runs (issue 22): discovery finds every run, and the store's
 * running totals ({@link LoadTotals}) agree with the sums over its runs, after
 * the first load and after runs are removed, files grow, and a file is replaced by a shorter one.
 */
class ManyRunsTest {
  static final int RUNS = 10_000;

  @Test
  void tenThousandRuns_allFound_totalsAgreeWithTheRuns(@TempDir Path root) throws Exception {
    byte[] one = TestEvents.frame(TestEvents.fileVersion(), TestEvents.scalar("loss", 0, 1f),
        TestEvents.scalar("loss", 1, 0.5f), TestEvents.scalar("acc", 1, 0.25f));
    for (int r = 0; r < RUNS; r++) {
      Path dir = Files.createDirectories(root.resolve(run(r)));
      Files.write(dir.resolve("events.out.tfevents.1700000000.host." + r), one);
    }
    try (RunStore store = RunStore.builder().logdir(root).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      List<RunInfo> runs = store.runs();
      assertEquals(RUNS, runs.size());
      for (int r = 0; r < RUNS; r++) {
        RunInfo info = runs.get(r);
        assertEquals(run(r), info.name());
        assertEquals(4, info.events(), info.name());
        assertEquals(2, info.tags(), info.name());
      }
      TagInfo loss = store.tags(run(RUNS - 1)).stream().filter(t -> t.tag().equals("loss")).findFirst().orElseThrow();
      assertEquals(List.of(0L, 1L, 2L), List.of(loss.firstStep(), loss.lastStep(), loss.count()), "the last run's loss");
      LoadProgress p = store.progress();
      assertEquals((long) RUNS * one.length, p.bytesKnown());
      assertEquals(p.bytesKnown(), p.bytesRead());
      assertEquals(RUNS, p.runsLoaded());
      assertTrue(p.done());
      assertTotals(store);

      // 100 runs gone, 100 files longer, one replaced by a shorter file, one new run
      for (int r = 0; r < 100; r++) {
        try (Stream<Path> s = Files.walk(root.resolve(run(r)))) {
          for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
        TestEvents.append(eventFile(root, 100 + r), TestEvents.frame(TestEvents.scalar("loss", 2, 0.1f)));
      }
      Path replaced = eventFile(root, 500);
      Files.delete(replaced);
      Files.write(replaced, TestEvents.frame(TestEvents.fileVersion()));
      TestEvents.write(root.resolve("new_run").resolve("events.out.tfevents.1.host"), TestEvents.scalar("x", 0, 1f));
      store.reload();
      assertEquals(RUNS - 100 + 1, store.runs().size());
      assertEquals(5, store.run(run(100)).events());
      assertEquals(1, store.run(run(500)).events());
      assertTrue(store.progress().done());
      assertTotals(store);
    }
  }

  /** The store's totals are the sums over its runs. */
  private static void assertTotals(RunStore store) {
    List<RunInfo> runs = store.runs();
    LoadProgress p = store.progress();
    assertEquals(runs.stream().mapToLong(RunInfo::bytesRead).sum(), p.bytesRead());
    assertEquals(runs.stream().mapToLong(RunInfo::bytesKnown).sum(), p.bytesKnown());
    assertEquals(runs.stream().filter(RunInfo::loaded).count(), p.runsLoaded());
    assertEquals(runs.size(), p.runsKnown());
    assertTrue(store.memoryBytes() > 0);
  }

  private static String run(int r) {
    return String.format(Locale.ROOT, "run_%05d", r);
  }

  private static Path eventFile(Path root, int r) {
    return root.resolve(run(r)).resolve("events.out.tfevents.1700000000.host." + r);
  }
}
