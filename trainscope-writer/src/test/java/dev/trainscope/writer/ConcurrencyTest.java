package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
  static final int THREADS = 6;
  static final int PER_THREAD = 20_000;

  @TempDir
  Path dir;

  /**
   * Threads log scalars to their own tags and to one shared tag, plus histograms, text, scalar
   * groups and flushes, through a queue small enough to wrap around and fill thousands of times.
   * Every value comes back, each thread's own tag in its order, and the file scans clean.
   */
  @Test
  void manyThreads_everythingReadBack_noCorruption() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CyclicBarrier start = new CyclicBarrier(THREADS);
    try (SummaryWriter w = SummaryWriter.builder(dir).queueCapacity(64).build()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < PER_THREAD; i++) {
            w.scalar("own/" + thread, thread * 1_000_000 + i, i);
            w.scalar("shared", thread * 1_000_000 + i, i);
            if (i % 1000 == 0) {
              w.histogram("hist/" + thread, new double[] {thread, i}, i);
              w.text("text/" + thread, "thread " + thread + " at " + i, i);
              w.scalars("group", Map.of("t" + thread, i), i);
            }
            if (i % 5000 == 0) {
              w.flush();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    Map<String, List<Read.Value>> tags = Read.byTag(Read.onlyEventFile(dir));
    double[] shared = new double[THREADS * PER_THREAD];
    int k = 0;
    for (Read.Value v : tags.get("shared")) {
      shared[k++] = ((TensorProto) v.value().value()).floatVal()[0];
    }
    assertEquals(THREADS * PER_THREAD, k);
    Arrays.sort(shared);
    int idx = 0;
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < PER_THREAD; i++) {
        assertEquals(t * 1_000_000 + i, shared[idx++], "shared value");
      }
      List<Read.Value> own = tags.get("own/" + t);
      assertEquals(PER_THREAD, own.size());
      for (int i = 0; i < PER_THREAD; i++) {
        assertEquals(i, own.get(i).step(), "thread " + t + " in order");
        assertEquals((float) (t * 1_000_000 + i), ((TensorProto) own.get(i).value().value()).floatVal()[0]);
      }
      List<Read.Value> hist = tags.get("hist/" + t);
      assertEquals(PER_THREAD / 1000, hist.size());
      assertEquals(2.0, PluginTensors.histogram((TensorProto) hist.get(3).value().value()).total());
      List<Read.Value> text = tags.get("text/" + t);
      assertEquals(List.of("thread " + t + " at 3000"), PluginTensors.text((TensorProto) text.get(3).value().value()));
      assertEquals(PER_THREAD / 1000, Read.values(Read.onlyEventFile(dir.resolve("group_t" + t)), "group").size());
    }
  }

  /** Two writers on one directory in one process: two files, each whole. */
  @Test
  void twoWritersOneDirectory_twoIntactFiles() throws Exception {
    try (SummaryWriter a = SummaryWriter.create(dir); SummaryWriter b = SummaryWriter.create(dir)) {
      Thread ta = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          a.scalar("x", i, i);
        }
      });
      ta.start();
      for (int i = 0; i < 10_000; i++) {
        b.scalar("x", -i, i);
      }
      ta.join();
    }
    List<Path> files = Read.eventFiles(dir);
    assertEquals(2, files.size());
    for (Path f : files) {
      assertEquals(10_000, Read.values(f, "x").size());
    }
  }
}
