package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.CorruptRecordException;
import dev.trainscope.events.proto.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Past its memory budget the store drops the oldest histogram steps of the least recently queried
 * runs, and reads them again from the files, identical, when asked for.
 */
class MemoryBudgetTest {
  private static final int BUCKETS = 300;

  /** Histograms of steps [from, to): legacy protos for run a, tensors for run b. */
  static List<Event> histograms(boolean legacy, String tag, int from, int to) {
    List<Event> out = new ArrayList<>();
    for (int s = from; s < to; s++) {
      double[] limits = new double[BUCKETS];
      double[] left = new double[BUCKETS];
      double[] right = new double[BUCKETS];
      double[] counts = new double[BUCKETS];
      for (int i = 0; i < BUCKETS; i++) {
        left[i] = -3 + i * 0.02 + s * 1e-3;
        right[i] = left[i] + 0.02;
        limits[i] = right[i];
        counts[i] = (i * 7 + s * 13) % 50;
      }
      out.add(legacy ? TestEvents.legacyHistogram(tag, s, left[0], right[BUCKETS - 1], limits, counts)
          : TestEvents.histogram(tag, s, left, right, counts));
    }
    return out;
  }

  static void writeInitial(Path dir) throws IOException {
    TestEvents.write(dir.resolve("a").resolve(TestEvents.fileName(0)), histograms(true, "h", 0, 40));
    TestEvents.write(dir.resolve("b").resolve(TestEvents.fileName(0)), histograms(false, "h", 0, 40));
  }

  static void appendToB(Path dir) throws IOException {
    TestEvents.append(dir.resolve("b").resolve(TestEvents.fileName(0)), TestEvents.frame(histograms(false, "h", 40, 60)));
  }

  static RunStore store(Path dir, long budget) {
    return RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).memoryBudget(budget).build();
  }

  static void assertSameBuckets(List<HistogramStep> expected, List<HistogramStep> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      HistogramStep e = expected.get(i);
      HistogramStep a = actual.get(i);
      assertEquals(e.step(), a.step());
      assertEquals(e.wallTime(), a.wallTime());
      assertArrayEquals(e.left(), a.left(), "step " + e.step());
      assertArrayEquals(e.right(), a.right(), "step " + e.step());
      assertArrayEquals(e.count(), a.count(), "step " + e.step());
    }
  }

  @Test
  void budget_exceeded_evictsOldestHistogramsOfLeastRecentlyQueriedRunAndRereadsThemIdentically(
      @TempDir Path calibrationDir, @TempDir Path dir) throws Exception {
    long initial;
    long full;
    List<HistogramStep> fullA;
    List<HistogramStep> fullB;
    writeInitial(calibrationDir);
    try (RunStore calibration = store(calibrationDir, Long.MAX_VALUE)) {
      calibration.reload();
      initial = calibration.memoryBytes();
      appendToB(calibrationDir);
      calibration.reload();
      full = calibration.memoryBytes();
      fullA = calibration.histograms("a", "h");
      fullB = calibration.histograms("b", "h");
    }
    assertTrue(fullA.stream().noneMatch(HistogramStep::reread));
    long budget = initial + (full - initial) / 2; // room for half of what b gets next

    writeInitial(dir);
    try (RunStore store = store(dir, budget)) {
      store.reload();
      assertEquals(initial, store.memoryBytes(), "under budget: nothing evicted");
      store.histograms("b", "h"); // b is queried, a is not
      appendToB(dir);
      store.reload();

      assertTrue(store.memoryBytes() <= budget, store.memoryBytes() + " > budget " + budget);
      assertTrue(store.memoryBytes() < full, "memory dropped below what the data take whole");
      List<HistogramStep> a = store.histograms("a", "h");
      List<HistogramStep> b = store.histograms("b", "h");
      assertTrue(b.stream().noneMatch(HistogramStep::reread), "the recently queried run keeps its histograms");
      int evicted = (int) a.stream().filter(HistogramStep::reread).count();
      assertTrue(evicted > 0 && evicted < a.size(), "some of a's histograms evicted: " + evicted);
      for (int i = 0; i < a.size(); i++) {
        assertEquals(i < evicted, a.get(i).reread(), "the oldest steps go first; step " + a.get(i).step());
      }
      assertSameBuckets(fullA, a);
      assertSameBuckets(fullB, b);
      assertSameBuckets(fullA.subList(5, 20), store.histograms("a", "h", 5, 19));
      // distributions of evicted steps come from the buckets read again
      assertEquals(store.distributions("a", "h").size(), fullA.size());
    }
  }

  @Test
  void budget_tiny_evictsEveryHistogramAndStillAnswersExactly(@TempDir Path dir) throws Exception {
    writeInitial(dir);
    List<HistogramStep> expectedA;
    List<HistogramStep> expectedB;
    long whole;
    try (RunStore ample = store(dir, Long.MAX_VALUE)) {
      ample.reload();
      expectedA = ample.histograms("a", "h");
      expectedB = ample.histograms("b", "h");
      whole = ample.memoryBytes();
    }
    try (RunStore store = store(dir, 1)) {
      store.reload();
      assertTrue(store.memoryBytes() < whole / 10, store.memoryBytes() + " of " + whole);
      List<HistogramStep> a = store.histograms("a", "h");
      List<HistogramStep> b = store.histograms("b", "h");
      assertTrue(a.stream().allMatch(HistogramStep::reread));
      assertTrue(b.stream().allMatch(HistogramStep::reread));
      assertSameBuckets(expectedA, a);
      assertSameBuckets(expectedB, b);
    }
  }

  @Test
  void budget_evictedHistogramWhoseRecordChanged_failsWithCorruptRecordNotWrongBuckets(@TempDir Path dir) throws Exception {
    writeInitial(dir);
    try (RunStore store = store(dir, 1)) {
      store.reload();
      Path f = dir.resolve("a").resolve(TestEvents.fileName(0));
      long at = Files.size(f) / 2;
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, at);
        one.put(0, (byte) ~one.get(0)).rewind();
        ch.write(one, at);
      }
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.histograms("a", "h"));
      assertInstanceOf(CorruptRecordException.class, e.getCause());
      assertTrue(e.getMessage().contains("h"), e.getMessage());
      assertFalse(store.histograms("b", "h").isEmpty(), "another run is not affected");
    }
  }
}
