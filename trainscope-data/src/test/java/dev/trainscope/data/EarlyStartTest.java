package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new run starts loading as soon as the walk has left its folder, while the rest of the log
 * directory is listed (issue 22: 10,000 small runs took a third of a second to list before the
 * first one was read), and the store ends as it would have without the early start.
 */
class EarlyStartTest {

  /** Local files; after telling of the first folder, the walk waits until a run has values. */
  static final class WaitingStorage implements Storage {
    final Storage local;
    final CountDownLatch loaded = new CountDownLatch(1);
    final List<Boolean> waitedInVain = new ArrayList<>();

    WaitingStorage(Path root) {
      this.local = Storage.local(root);
    }

    @Override
    public String location() {
      return local.location();
    }

    @Override
    public Listing listEventFiles() throws IOException {
      return local.listEventFiles();
    }

    @Override
    public Listing listEventFiles(Consumer<List<FileStat>> folderRead) throws IOException {
      return local.listEventFiles(folder -> {
        folderRead.accept(folder);
        if (waitedInVain.isEmpty()) {
          try {
            waitedInVain.add(!loaded.await(20, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waitedInVain.add(true);
          }
        }
      });
    }

    @Override
    public FileStat stat(String path) throws IOException {
      return local.stat(path);
    }

    @Override
    public List<FileStat> listFiles(String dir, String suffix) throws IOException {
      return local.listFiles(dir, suffix);
    }

    @Override
    public SeekableByteChannel open(String path) throws IOException {
      return local.open(path);
    }
  }

  @Test
  void aRunLoads_whileTheWalkGoesOn_andTheStoreEndsTheSame(@TempDir Path root) throws Exception {
    byte[] one = TestEvents.frame(TestEvents.fileVersion(), TestEvents.scalar("loss", 0, 1f),
        TestEvents.scalar("loss", 1, 0.5f));
    for (int r = 0; r < 20; r++) {
      Path dir = Files.createDirectories(root.resolve(String.format("run_%02d", r)));
      Files.write(dir.resolve("events.out.tfevents.1700000000.host." + r), one);
    }
    WaitingStorage storage = new WaitingStorage(root);
    try (RunStore store = RunStore.builder().source("", storage).reloadInterval(Duration.ZERO).build()) {
      store.addListener(new StoreListener() {
        @Override
        public void stepsAdded(String run, String tag, long lastStep) {
          storage.loaded.countDown();
        }
      });
      store.reload();
      assertEquals(List.of(false), storage.waitedInVain, "a run was read before the walk ended");
      assertEquals(20, store.runs().size());
      for (RunInfo r : store.runs()) {
        assertEquals(3, r.events(), r.name());
        assertEquals(1, store.tags(r.name()).size(), r.name());
      }
      LoadProgress p = store.progress();
      assertTrue(p.done());
      assertEquals(20, p.runsLoaded());
      assertEquals(20L * one.length, p.bytesRead());

      // the next poll finds the same runs and reads nothing again
      store.reload();
      assertEquals(20, store.runs().size());
      assertEquals(20L * one.length, store.progress().bytesRead());
    }
  }
}
