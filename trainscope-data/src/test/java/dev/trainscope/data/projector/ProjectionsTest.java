package dev.trainscope.data.projector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.data.RunStore;
import dev.trainscope.data.TestRuns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projections computed in the background with progress, shared, stopped when nobody asks, and never stale. */
class ProjectionsTest {
  @TempDir
  Path tmp;

  /** A run "r" with an embedding "points" of n x d float32 values around five centres, as TensorFlow's projector writes it. */
  private RunStore storeWith(int n, int d, long seed) throws Exception {
    Path run = tmp.resolve("logs/r");
    Files.createDirectories(run);
    TestRuns.create(run);
    writeTensor(run, n, d, seed);
    Files.writeString(run.resolve("projector_config.pbtxt"), "embeddings {\n  tensor_name: \"points\"\n"
        + "  tensor_path: \"tensors.bytes\"\n  tensor_shape: " + n + "\n  tensor_shape: " + d + "\n}\n");
    RunStore store = RunStore.builder().logdir(tmp.resolve("logs")).reloadInterval(Duration.ZERO).build();
    store.reload();
    return store;
  }

  private static void writeTensor(Path run, int n, int d, long seed) throws Exception {
    Random r = new Random(seed);
    float[][] centres = new float[5][d];
    for (float[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = (float) (r.nextGaussian() * 5);
      }
    }
    ByteBuffer b = ByteBuffer.allocate(4 * n * d).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        b.putFloat((float) (centres[i % 5][j] + r.nextGaussian()));
      }
    }
    Files.write(run.resolve("tensors.bytes"), b.array());
  }

  private static Projections.Params tsne(int iterations) {
    return new Projections.Params(Projections.Method.TSNE, 2, 30, iterations, 15, 0.1);
  }

  @Test
  void tsne_askedTwiceWhileRunning_sharesOneComputation_reportsProgress_andEndsAsABlockingRun() throws Exception {
    try (RunStore store = storeWith(1500, 20, 1); Projections projections = new Projections(store)) {
      Projections.Params params = tsne(400);
      Projections.Answer first = projections.request("r", "points", 0, params);
      Projections.Answer second = projections.request("r", "points", 0, params);
      assertInstanceOf(Projections.Progress.class, first, "a t-SNE answers at once with its progress");
      assertInstanceOf(Projections.Progress.class, second);
      assertEquals(400, ((Projections.Progress) first).iterations());
      List<Projections.Progress> seen = new ArrayList<>();
      Projections.Answer a = second;
      while (a instanceof Projections.Progress p) {
        seen.add(p);
        Thread.sleep(20);
        a = projections.request("r", "points", 0, params);
      }
      assertEquals(1, projections.started(), "every request shared one computation");
      int last = 0;
      for (Projections.Progress p : seen) {
        assertTrue(p.iteration() >= last, "iterations only increase: " + p.iteration() + " after " + last);
        last = p.iteration();
        if (p.coords() != null) {
          assertEquals(1500 * 2, p.coords().length);
          assertTrue(p.layoutIteration() >= 1 && p.layoutIteration() <= p.iteration());
        }
      }
      assertTrue(seen.stream().mapToInt(Projections.Progress::iteration).distinct().count() >= 3,
          "several iterations reported: " + seen.stream().map(Projections.Progress::iteration).toList());
      assertTrue(seen.stream().anyMatch(p -> p.coords() != null), "an intermediate layout was shown");
      Projections.Projection done = (Projections.Projection) a;
      assertSame(done, projections.request("r", "points", 0, params), "then cached");
      try (Projections blocking = new Projections(store)) {
        assertArrayEquals(blocking.project("r", "points", 0, params).coords(), done.coords(),
            "the same layout as a blocking run");
      }
      assertEquals(0, projections.underWay());
    }
  }

  private static void assertSame(Object expected, Object actual, String message) {
    org.junit.jupiter.api.Assertions.assertSame(expected, actual, message);
  }

  @Test
  void computation_nobodyAsksAbout_stops_butOnePolled_runsToTheEnd() throws Exception {
    try (RunStore store = storeWith(1500, 20, 2); Projections projections = new Projections(store, 300)) {
      Projections.Params params = tsne(5000);
      assertInstanceOf(Projections.Progress.class, projections.request("r", "points", 0, params));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (projections.underWay() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, projections.underWay(), "stopped within its lease after the last request");
      Projections.Answer again = projections.request("r", "points", 0, params);
      assertInstanceOf(Projections.Progress.class, again, "nothing of it was kept");
      assertEquals(2, projections.started());
      Projections.Params shorter = tsne(300);
      Projections.Answer a = projections.request("r", "points", 0, shorter);
      while (a instanceof Projections.Progress) {
        Thread.sleep(50); // polled well within the lease
        a = projections.request("r", "points", 0, shorter);
      }
      assertInstanceOf(Projections.Projection.class, a);
      assertEquals(3, projections.started(), "the polled one was never stopped and started again");
    }
  }

  @Test
  void blockingProject_isNotStoppedWhileItWaits() throws Exception {
    try (RunStore store = storeWith(600, 10, 3); Projections projections = new Projections(store, 200)) {
      Projections.Projection p = projections.project("r", "points", 0,
          new Projections.Params(Projections.Method.UMAP, 3, 30, 500, 15, 0.1));
      assertEquals(600 * 3, p.coords().length);
      assertNull(p.indices());
    }
  }

  @Test
  void blockingProject_whoseCallerHasGone_stopsWaiting_andTheComputationStops() throws Exception {
    try (RunStore store = storeWith(1500, 20, 6); Projections projections = new Projections(store, 300)) {
      assertThrows(CancellationException.class, () -> projections.project("r", "points", 0, tsne(5000), () -> true));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (projections.underWay() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, projections.underWay(), "nobody renews its lease");
    }
  }

  @Test
  void rewrittenTensor_sameShape_differentValues_isProjectedAnew() throws Exception {
    try (RunStore store = storeWith(60, 4, 4); Projections projections = new Projections(store)) {
      Projections.Params pca = Projections.Params.of(Projections.Method.PCA, 2);
      float[] before = projections.project("r", "points", 0, pca).coords();
      assertArrayEquals(before, projections.project("r", "points", 0, pca).coords());
      Path file = tmp.resolve("logs/r/tensors.bytes");
      long size = Files.size(file);
      writeTensor(file.getParent(), 60, 4, 5);
      assertEquals(size, Files.size(file), "the same shape");
      float[] after = projections.project("r", "points", 0, pca).coords();
      assertFalse(Arrays.equals(before, after), "the rewritten values are projected, not the cached projection");
      try (Projections fresh = new Projections(store)) {
        assertArrayEquals(fresh.project("r", "points", 0, pca).coords(), after);
      }
      List<Projections.Neighbour> near = projections.neighbours("r", "points", 0, 0, 3, "euclidean");
      try (Projections fresh = new Projections(store)) {
        assertEquals(fresh.neighbours("r", "points", 0, 0, 3, "euclidean"), near, "neighbours from the new values too");
      }
      assertNotNull(near);
    }
  }
}
