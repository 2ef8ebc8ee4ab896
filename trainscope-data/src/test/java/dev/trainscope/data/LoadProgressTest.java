package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link LoadProgress} over the repository's fixtures: bytes, runs, and the listener's calls. */
class LoadProgressTest {

  static long eventFileBytes(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().contains("tfevents"))
          .mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void progress_afterReload_hasReadEveryByteOfEveryRunIncludingCutFiles() throws Exception {
    Path root = RunViewTest.repoTfevents();
    long bytes = eventFileBytes(root);
    List<LoadProgress> calls = new CopyOnWriteArrayList<>();
    try (RunStore store = RunStore.builder().logdir(root).reloadInterval(Duration.ZERO).chunkBytes(64 * 1024).build()) {
      store.addListener(new StoreListener() {
        @Override
        public void progress(LoadProgress p) {
          calls.add(p);
        }
      });
      LoadProgress before = store.progress();
      assertFalse(before.firstPollDone());
      assertFalse(before.done());
      assertEquals(0.0, before.fraction());

      store.reload();

      LoadProgress p = store.progress();
      assertEquals(bytes, p.bytesKnown());
      assertEquals(p.bytesKnown(), p.bytesRead(), "files cut inside a record count as read to their end");
      assertEquals(store.runs().size(), p.runsKnown());
      assertEquals(p.runsKnown(), p.runsLoaded());
      assertTrue(p.done());
      assertEquals(1.0, p.fraction());
      long runBytes = store.runs().stream().mapToLong(RunInfo::bytesRead).sum();
      assertEquals(bytes, runBytes);
      assertTrue(store.runs().stream().allMatch(RunInfo::loaded));

      // one call per run loaded, and one per poll; all made by the time reload() returns
      assertEquals(store.runs().size() + 1, calls.size(), "progress calls");
      assertTrue(calls.stream().anyMatch(LoadProgress::done));
      assertTrue(calls.stream().anyMatch(c -> !c.done()), "calls while loading, before the end");
      assertTrue(calls.stream().allMatch(c -> c.bytesRead() <= c.bytesKnown()));
    }
  }

  @Test
  void progress_liveStore_listenerHearsDoneWithoutReloadCalls() throws Exception {
    Path root = RunViewTest.repoTfevents().resolve("gen-tensorboardX");
    long bytes = eventFileBytes(root);
    CountDownLatch done = new CountDownLatch(1);
    try (RunStore store = RunStore.builder().logdir(root).reloadInterval(Duration.ofMillis(20)).build()) {
      store.addListener(new StoreListener() {
        @Override
        public void progress(LoadProgress p) {
          if (p.done() && p.bytesRead() == bytes) {
            done.countDown();
          }
        }
      });
      store.start();
      assertTrue(done.await(20, TimeUnit.SECONDS), "progress reached every byte: " + store.progress());
    }
  }
}
