package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to runs when their files change on disk between polls: files truncated and
 * rewritten, replaced, added, emptied; run directories created and deleted.
 */
class FileLifecycleTest {

  /** Every listener call, as text, in order. */
  static final class Calls implements StoreListener {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void runAdded(String run) {
      calls.add("added " + run);
    }

    @Override
    public void runRemoved(String run) {
      calls.add("removed " + run);
    }

    @Override
    public void runReset(String run) {
      calls.add("reset " + run);
    }

    @Override
    public void tagAdded(String run, TagInfo tag) {
      calls.add("tag " + run + " " + tag.tag());
    }

    List<String> matching(String prefix) {
      return calls.stream().filter(c -> c.startsWith(prefix)).collect(Collectors.toList());
    }
  }

  static RunStore store(Path dir) {
    return RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build();
  }

  static List<Long> steps(RunStore store, String run, String tag) {
    ScalarPoints p = store.scalars(run, tag, Long.MIN_VALUE, Long.MAX_VALUE, 100_000);
    List<Long> out = new ArrayList<>();
    for (long s : p.steps()) {
      out.add(s);
    }
    return out;
  }

  static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(s);
    }
    return out;
  }

  @Test
  void lifecycle_fileTruncatedAndRewrittenShorter_runIsReadAgainWithOnlyTheNewValues(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run").resolve(TestEvents.fileName(0));
    TestEvents.write(f, TestEvents.scalars("loss", 0, 99, s -> 1f));
    Object inode = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
    try (RunStore store = store(dir)) {
      Calls calls = new Calls();
      store.addListener(calls);
      store.reload();
      assertEquals(100, store.tag("run", "loss").count());

      List<Event> rewritten = new ArrayList<>(TestEvents.scalars("loss", 0, 39, s -> 2f));
      rewritten.add(TestEvents.scalar("acc", 5, 0.5f));
      TestEvents.write(f, rewritten); // truncates in place: same file, same inode
      assertEquals(inode, Files.readAttributes(f, BasicFileAttributes.class).fileKey());
      store.reload();

      RunInfo info = store.run("run");
      assertEquals(1, info.restarts());
      assertEquals(List.of("reset run"), calls.matching("reset"));
      assertEquals(range(0, 39), steps(store, "run", "loss"), "the old steps 40..99 are gone");
      for (double v : store.scalars("run", "loss", 0, 99, 1000).values()) {
        assertEquals(2.0, v, "only the new values");
      }
      assertEquals(1, store.tag("run", "acc").count());
      assertEquals(Files.size(f), info.bytesRead());
      assertEquals(42, info.events(), "events of the new content only (file version, 40 + 1 scalars)");
    }
  }

  @Test
  void lifecycle_fileReplacedByAnotherWithTheSameName_runIsReadAgain(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run").resolve(TestEvents.fileName(0));
    TestEvents.write(f, TestEvents.scalars("loss", 0, 49, s -> 1f));
    try (RunStore store = store(dir)) {
      store.reload();
      // a longer file, so that only its identity tells it is another one
      Path tmp = TestEvents.write(dir.resolve("elsewhere").resolve("tmp"), TestEvents.scalars("loss", 10, 109, s -> 3f));
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      store.reload();
      assertEquals(1, store.run("run").restarts());
      assertEquals(range(10, 109), steps(store, "run", "loss"), "steps 0..9 were only in the old file");
      assertEquals(3.0, store.scalars("run", "loss", 10, 10, 1).values()[0]);
    }
  }

  @Test
  void lifecycle_runDirectoryDeleted_runDisappearsAndRunRemovedFires(@TempDir Path dir) throws Exception {
    TestEvents.write(dir.resolve("a").resolve(TestEvents.fileName(0)), TestEvents.scalar("loss", 1, 1f));
    Path b = TestEvents.write(dir.resolve("b").resolve(TestEvents.fileName(0)), TestEvents.scalar("loss", 1, 1f));
    try (RunStore store = store(dir)) {
      Calls calls = new Calls();
      store.addListener(calls);
      store.reload();
      assertEquals(List.of("a", "b"), store.runs().stream().map(RunInfo::name).toList());
      Files.delete(b);
      Files.delete(b.getParent());
      store.reload();
      assertEquals(List.of("a"), store.runs().stream().map(RunInfo::name).toList());
      assertEquals(List.of("removed b"), calls.matching("removed"));
      NoSuchRunException e = assertThrows(NoSuchRunException.class, () -> store.scalars("b", "loss", 0, 9, 10));
      assertEquals("b", e.run());
      assertThrows(NoSuchRunException.class, () -> store.problems("b"));
    }
  }

  @Test
  void lifecycle_emptyFileThenData_runIsThereEmptyThenGetsTheTags(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("run").resolve(TestEvents.fileName(0));
    Files.createDirectories(f.getParent());
    Files.createFile(f);
    try (RunStore store = store(dir)) {
      store.reload();
      RunInfo empty = store.run("run");
      assertEquals(0, empty.tags());
      assertEquals(0, empty.events());
      assertTrue(empty.loaded());
      assertTrue(store.problems("run").isEmpty(), store.problems("run").toString());
      assertTrue(store.progress().done());

      TestEvents.append(f, TestEvents.frame(TestEvents.fileVersion(), TestEvents.scalar("loss", 3, 0.25f)));
      store.reload();
      assertEquals(List.of(3L), steps(store, "run", "loss"));
      assertEquals(0, store.run("run").restarts(), "growing from empty is no restart");
    }
  }

  @Test
  void lifecycle_newFileSortingAfterTheReadOnes_isReadOnWithoutRestart(@TempDir Path dir) throws Exception {
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(1)), TestEvents.scalars("loss", 0, 9, s -> 1f));
    try (RunStore store = store(dir)) {
      store.reload();
      TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(2)), TestEvents.scalars("loss", 10, 19, s -> 2f));
      store.reload();
      RunInfo info = store.run("run");
      assertEquals(List.of(TestEvents.fileName(1), TestEvents.fileName(2)), info.files());
      assertEquals(0, info.restarts());
      assertEquals(range(0, 19), steps(store, "run", "loss"));
    }
  }

  @Test
  void lifecycle_newFileSortingBeforeAReadOne_runIsReadAgainInNameOrder(@TempDir Path dir) throws Exception {
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(2)), TestEvents.scalars("loss", 100, 199, s -> 2f));
    try (RunStore store = store(dir)) {
      store.reload();
      TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(1)), TestEvents.scalars("loss", 0, 99, s -> 1f));
      store.reload();
      RunInfo info = store.run("run");
      assertEquals(List.of(TestEvents.fileName(1), TestEvents.fileName(2)), info.files());
      assertEquals(1, info.restarts());
      // in name order, the older file's steps 0..99 come first and the newer ones follow; read in
      // arrival order instead, step 0 would have replaced steps 100..199
      assertEquals(range(0, 199), steps(store, "run", "loss"));
      assertEquals(0, store.tag("run", "loss").droppedByRestart());
    }
  }

  @Test
  void lifecycle_oneFileOfARunDeleted_itsValuesGoAndTheOtherFilesBlobsStillRead(@TempDir Path dir) throws Exception {
    byte[] red = TestEvents.png(4, 3, 0xFF0000);
    byte[] blue = TestEvents.png(4, 3, 0x0000FF);
    Path first = TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(1)),
        TestEvents.image("img", 0, red, 4, 3), TestEvents.scalar("loss", 0, 1f));
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(2)),
        TestEvents.image("img", 1, blue, 4, 3), TestEvents.scalar("loss", 1, 2f));
    try (RunStore store = store(dir)) {
      store.reload();
      assertEquals(2, store.blobs("run", "img").size());
      Files.delete(first);
      store.reload();
      assertEquals(List.of(TestEvents.fileName(2)), store.run("run").files());
      assertEquals(List.of(1L), steps(store, "run", "loss"), "the deleted file's values are gone, as after a restart of the server");
      assertEquals(1, store.blobs("run", "img").size());
      assertArrayEquals(blue, store.blob("run", "img", 1, 0), "the remaining file's image, read from the right file");
    }
  }

  @Test
  void lifecycle_earlierFileWithoutACompleteRecordDeleted_laterFilesBlobsStillRead(@TempDir Path dir) throws Exception {
    byte[] blue = TestEvents.png(4, 3, 0x0000FF);
    Path first = dir.resolve("run").resolve(TestEvents.fileName(1));
    Files.createDirectories(first.getParent());
    Files.write(first, java.util.Arrays.copyOf(TestEvents.frame(TestEvents.scalar("loss", 0, 1f)), 7)); // a header begun
    TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(2)), TestEvents.image("img", 1, blue, 4, 3));
    try (RunStore store = store(dir)) {
      store.reload();
      assertArrayEquals(blue, store.blob("run", "img", 1, 0));
      Files.delete(first);
      store.reload();
      assertEquals(List.of(TestEvents.fileName(2)), store.run("run").files());
      assertArrayEquals(blue, store.blob("run", "img", 1, 0), "the image is read from its own file, now the first");
    }
  }

  @Test
  void lifecycle_newRunDirectory_appearsAndRunAddedFires(@TempDir Path dir) throws Exception {
    TestEvents.write(dir.resolve("a").resolve(TestEvents.fileName(0)), TestEvents.scalar("loss", 1, 1f));
    try (RunStore store = store(dir)) {
      Calls calls = new Calls();
      store.addListener(calls);
      store.reload();
      TestEvents.write(dir.resolve("b/c").resolve(TestEvents.fileName(0)), TestEvents.scalar("acc", 1, 1f));
      store.reload();
      assertEquals(List.of("a", "b/c"), store.runs().stream().map(RunInfo::name).toList());
      assertEquals(List.of("added a", "added b/c"), calls.matching("added"));
      assertTrue(calls.calls.contains("tag b/c acc"), calls.calls.toString());
    }
  }

  @Test
  void lifecycle_liveStore_runsComeAndGoWithoutReloadCalls(@TempDir Path dir) throws Exception {
    CountDownLatch added = new CountDownLatch(1);
    CountDownLatch removed = new CountDownLatch(1);
    CountDownLatch tag = new CountDownLatch(1);
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ofMillis(20)).build()) {
      store.addListener(new StoreListener() {
        @Override
        public void runAdded(String run) {
          added.countDown();
        }

        @Override
        public void runRemoved(String run) {
          removed.countDown();
        }

        @Override
        public void stepsAdded(String run, String t, long lastStep) {
          if (lastStep == 7) {
            tag.countDown();
          }
        }
      });
      store.start();
      Path f = TestEvents.write(dir.resolve("live").resolve(TestEvents.fileName(0)), TestEvents.scalar("loss", 7, 1f));
      assertTrue(added.await(10, TimeUnit.SECONDS), "runAdded");
      assertTrue(tag.await(10, TimeUnit.SECONDS), "stepsAdded up to step 7");
      assertEquals(List.of(7L), steps(store, "live", "loss"));
      Files.delete(f);
      Files.delete(f.getParent());
      assertTrue(removed.await(10, TimeUnit.SECONDS), "runRemoved");
      assertTrue(store.runs().isEmpty());
    }
  }

  @Test
  void lifecycle_logdirMissingAtFirst_hasNoRunsThenRunsOnceCreated(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("not-yet");
    try (RunStore store = store(dir)) {
      store.reload();
      assertTrue(store.runs().isEmpty());
      assertTrue(store.progress().done(), "nothing to read is done reading");
      TestEvents.write(dir.resolve(TestEvents.fileName(0)), TestEvents.scalar("loss", 1, 1f));
      store.reload();
      assertEquals(List.of("."), store.runs().stream().map(RunInfo::name).toList(), "the root is run '.'");
      Files.delete(dir.resolve(TestEvents.fileName(0)));
      Files.delete(dir);
      store.reload();
      assertTrue(store.runs().isEmpty(), "the log directory is gone: so are its runs");
    }
  }

  @Test
  void lifecycle_fileGrowsAcrossReloads_appendedValuesArriveAndProgressFollows(@TempDir Path dir) throws Exception {
    Path f = TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), TestEvents.scalars("loss", 0, 9, s -> 1f));
    try (RunStore store = store(dir)) {
      assertFalse(store.progress().firstPollDone());
      store.reload();
      for (int round = 1; round <= 5; round++) {
        TestEvents.append(f, TestEvents.frame(TestEvents.scalars("loss", round * 10, round * 10 + 9, s -> 1f)));
        store.reload();
        assertEquals(range(0, round * 10 + 9), steps(store, "run", "loss"));
        LoadProgress p = store.progress();
        assertEquals(Files.size(f), p.bytesKnown());
        assertEquals(Files.size(f), p.bytesRead());
        assertTrue(p.done());
      }
      assertEquals(0, store.run("run").restarts());
      assertNotEquals(0, store.memoryBytes());
    }
  }
}
