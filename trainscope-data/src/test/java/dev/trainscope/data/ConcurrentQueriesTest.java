package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries from several threads while runs are being written and loaded in small chunks: nothing
 * throws, and every answer is a prefix of the final series, so no query sees a chunk half applied
 * or a value in the wrong place.
 */
class ConcurrentQueriesTest {
  private static final int STEPS = 60_000;
  private static final String[] RUNS = {"r0", "r1"};

  static float value(int run, long step) {
    return step * 0.5f + run;
  }

  static double[] counts(long step) {
    return new double[] {step, 1};
  }

  static byte[] png(long step) {
    return TestEvents.png(2, 2, (int) step);
  }

  /** The events of one step: a scalar always, a histogram every 10th, an image every 1000th. */
  static byte[] events(int run, long step) {
    List<Event> e = new ArrayList<>(3);
    e.add(TestEvents.scalar("x", step, value(run, step)));
    if (step % 10 == 0) {
      e.add(TestEvents.histogram("h", step, new double[] {0, 1}, new double[] {1, 2}, counts(step)));
    }
    if (step % 1000 == 0) {
      e.add(TestEvents.image("img", step, png(step), 2, 2));
    }
    return TestEvents.frame(e);
  }

  /** Checks that an answer is a prefix of what the writer writes; returns the points it held. */
  static int checkPrefix(RunStore store, int run) throws IOException {
    String name = RUNS[run];
    ScalarPoints p = store.scalars(name, "x", Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
    for (int i = 0; i < p.size(); i++) {
      if (p.steps()[i] != i || p.values()[i] != value(run, i)) {
        throw new AssertionError(name + ": point " + i + " is (" + p.steps()[i] + ", " + p.values()[i] + ")");
      }
    }
    ScalarBuckets b = store.scalarBuckets(name, "x", Long.MIN_VALUE, Long.MAX_VALUE, 37);
    long total = 0;
    for (int i = 0; i < b.size(); i++) {
      total += b.count()[i];
      if (b.max()[i] != value(run, b.lastStep()[i]) || b.min()[i] != value(run, b.firstStep()[i])) {
        throw new AssertionError(name + ": bucket " + i + " min/max do not match its steps");
      }
    }
    if (b.size() > 0 && total != b.lastStep()[b.size() - 1] + 1) {
      throw new AssertionError(name + ": buckets hold " + total + " points up to step " + b.lastStep()[b.size() - 1]);
    }
    List<HistogramStep> hs = store.histograms(name, "h");
    for (int i = 0; i < hs.size(); i++) {
      HistogramStep h = hs.get(i);
      if (h.step() != i * 10L || h.count()[0] != i * 10.0 || h.count()[1] != 1) {
        throw new AssertionError(name + ": histogram " + i + " is at step " + h.step());
      }
    }
    List<BlobInfo> blobs = store.blobs(name, "img");
    if (!blobs.isEmpty()) {
      long last = blobs.get(blobs.size() - 1).step();
      assertArrayEquals(png(last), store.blob(name, "img", last, 0), name + " image at " + last);
    }
    TagInfo t = store.tag(name, "x");
    if (t.count() > 0 && t.lastStep() != t.count() - 1) {
      throw new AssertionError(name + ": " + t);
    }
    return p.size();
  }

  @Test
  @Timeout(120)
  void queries_fromSeveralThreadsWhileLoading_neverThrowAndSeePrefixes(@TempDir Path dir) throws Exception {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong partialAnswers = new AtomicLong();
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ofMillis(20)).threads(2)
        .chunkBytes(4096).build()) {
      store.start();
      List<Thread> readers = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        int seed = k;
        Thread t = new Thread(() -> {
          Random random = new Random(seed);
          while (writing.get()) {
            int run = random.nextInt(RUNS.length);
            try {
              int n = checkPrefix(store, run);
              if (n > 0 && n < STEPS) {
                partialAnswers.incrementAndGet();
              }
              store.runs();
              store.tags(RUNS[run]);
              store.progress();
              store.hparams();
            } catch (NoSuchRunException | NoSuchTagException e) {
              // not written yet
            } catch (Throwable e) {
              failures.add(e);
              return;
            }
          }
        }, "test-reader-" + k);
        t.start();
        readers.add(t);
      }

      List<FileChannel> files = new ArrayList<>();
      for (String r : RUNS) {
        Files.createDirectories(dir.resolve(r));
        files.add(FileChannel.open(dir.resolve(r).resolve(TestEvents.fileName(0)), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND));
      }
      Random random = new Random(99);
      for (long step = 0; step < STEPS; step += 500) {
        for (int run = 0; run < RUNS.length; run++) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          for (long s = step; s < step + 500; s++) {
            out.writeBytes(events(run, s));
          }
          byte[] bytes = out.toByteArray();
          for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(3000));
            files.get(run).write(ByteBuffer.wrap(bytes, at, n));
            at += n;
          }
        }
        Thread.sleep(2);
      }
      for (FileChannel f : files) {
        f.close();
      }
      store.reload();
      writing.set(false);
      for (Thread t : readers) {
        t.join();
      }
      if (!failures.isEmpty()) {
        AssertionError e = new AssertionError("a query failed while loading");
        failures.forEach(e::addSuppressed);
        throw e;
      }
      assertTrue(partialAnswers.get() > 10, "queries ran while the runs were partly loaded: " + partialAnswers);
      for (int run = 0; run < RUNS.length; run++) {
        assertEquals(STEPS, checkPrefix(store, run), "all points at the end");
        assertEquals(STEPS / 10, store.histograms(RUNS[run], "h").size());
        assertEquals(0, store.run(RUNS[run]).problems());
      }
    }
  }
}
