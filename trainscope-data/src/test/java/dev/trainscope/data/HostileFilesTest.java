package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.Problem;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and folders that change or fail under a running store: a corrupt file searched in chunks
 * while queries go on, a folder that cannot be listed, a file that cannot be read and then can, a
 * record half written and then completed, a file rewritten in place. Unreadable files come from
 * {@link MemoryStorage}, whose open fails as a file without permission does (chmod does not stop
 * root, who runs the tests in CI); the unlistable folder is a real one, {@code /proc/1/map_files},
 * which even root cannot list.
 */
class HostileFilesTest {

  private static RunStore store(Storage storage, long chunkBytes) {
    return RunStore.builder().source("", storage).reloadInterval(Duration.ZERO).chunkBytes(chunkBytes).build();
  }

  private static RunStore store(Path dir) {
    return RunStore.builder().logdir(dir).reloadInterval(Duration.ZERO).build();
  }

  private static byte[] scalarRecords(String tag, long from, long to, float value) {
    return TestEvents.frame(TestEvents.scalars(tag, from, to, s -> value));
  }

  private static List<Problem.Kind> kinds(List<Problem> problems) {
    return problems.stream().map(Problem::kind).toList();
  }

  private static List<Double> values(RunStore store, String run, String tag) {
    List<Double> out = new ArrayList<>();
    for (double v : store.scalars(run, tag, Long.MIN_VALUE, Long.MAX_VALUE, 100_000).values()) {
      out.add(v);
    }
    return out;
  }

  // ---- 3: a corrupt file is searched in chunks, and queries answer meanwhile ----

  @Test
  void load_megabytesOfGarbage_searchedChunkByChunkWithQueriesAnsweredWhileTheFileIsRead() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] before = scalarRecords("loss", 0, 99, 1f);
    byte[] garbage = new byte[3 << 20];
    new Random(5).nextBytes(garbage);
    f.append(TestEvents.frame(TestEvents.fileVersion()));
    f.append(before);
    long garbageAt = f.size();
    f.append(garbage);
    f.append(scalarRecords("loss", 100, 199, 2f));
    AtomicReference<String> seen = new AtomicReference<>();
    try (RunStore store = store(storage, 64 * 1024)) {
      // While the store reads the file far into the garbage, another thread queries the run.
      f.beforeRead = at -> {
        if (at >= garbageAt + (2 << 20) && seen.get() == null) {
          CompletableFuture<RunInfo> query = CompletableFuture.supplyAsync(() -> {
            store.tag("run", "loss"); // under the run's read lock
            return store.run("run");
          });
          try {
            RunInfo r = query.get(5, TimeUnit.SECONDS);
            seen.set("answered: " + r.events() + " events, " + r.bytesRead() + " bytes read");
            assertTrue(r.bytesRead() >= garbageAt + (1 << 20), "the search's progress is published chunk by chunk: " + r);
          } catch (TimeoutException e) {
            seen.set("no answer in 5 s: a read of the file waits under the run's lock");
          } catch (Exception e) {
            seen.set("failed: " + e);
          }
        }
      };
      store.reload();
      assertTrue(seen.get() != null && seen.get().startsWith("answered: 101 events"), String.valueOf(seen.get()));
      assertEquals(200, store.tag("run", "loss").count(), "the records after the garbage are found");
      assertEquals(List.of(Problem.Kind.LENGTH_CRC_MISMATCH, Problem.Kind.RESYNCHRONIZED), kinds(store.problems("run")));
      assertEquals("found a valid record after skipping " + garbage.length + " bytes from offset " + garbageAt,
          store.problems("run").get(1).message());
    }
  }

  @Test
  void runs_whileALoaderHoldsTheRunsLock_answerAtOnceFromTheLastChunk() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    f.append(scalarRecords("loss", 0, 199, 1f)); // several chunks of 4 KB
    long bigAt = f.size();
    // a record longer than what the store reads ahead of a chunk: the rest is read under the lock
    f.append(TestEvents.frame(TestEvents.text("notes", 10, "x".repeat(2 << 20))));
    AtomicReference<String> seen = new AtomicReference<>();
    try (RunStore store = store(storage, 4096)) {
      f.beforeRead = at -> {
        if (at > bigAt + 100_000 && at < bigAt + (2 << 20) && seen.get() == null) { // inside the long record
          try {
            List<RunInfo> runs = CompletableFuture.supplyAsync(store::runs).get(5, TimeUnit.SECONDS);
            long events = runs.get(0).events();
            seen.set(events > 0 && events < 200 ? "answered with the chunks before" : "answered with " + events + " events");
          } catch (Exception e) {
            seen.set("no answer: " + e);
          }
        }
      };
      store.reload();
      assertEquals("answered with the chunks before", seen.get(), "the run list as of the last chunk, without waiting");
      assertEquals(1, store.text("run", "notes").size());
      assertEquals(201, store.run("run").events());
    }
  }

  // ---- 6: a folder that cannot be listed is left out and said; discovery goes on ----

  @Test
  void discovery_linkToAFolderNobodyCanList_isReportedAndTheRestOfTheLogdirStillFound(@TempDir Path dir) throws Exception {
    Path unlistable = Path.of("/proc/1/map_files");
    try (DirectoryStream<Path> s = Files.newDirectoryStream(unlistable)) {
      assertThrows(DirectoryIteratorException.class, () -> s.iterator().hasNext(),
          "this test needs a folder that cannot be listed, even by root; " + unlistable + " can be listed here");
    } catch (AccessDeniedException e) {
      // cannot even be opened: as good
    }
    TestEvents.write(dir.resolve("a").resolve(TestEvents.fileName(0)), TestEvents.scalars("loss", 0, 9, s -> 1f));
    Files.createSymbolicLink(dir.resolve("b-link"), unlistable);
    try (RunStore store = store(dir)) {
      store.reload();
      assertEquals(List.of("a"), store.runs().stream().map(RunInfo::name).toList());
      assertEquals(10, store.tag("a", "loss").count());
      List<Problem> problems = store.logdirProblems();
      assertEquals(1, problems.size(), problems.toString());
      assertEquals(dir.toAbsolutePath().normalize().resolve("b-link").toString(), problems.get(0).file());
      assertEquals(Problem.Kind.IO_ERROR, problems.get(0).kind());
      assertTrue(problems.get(0).message().startsWith("cannot list this folder (AccessDeniedException"), problems.get(0).message());

      TestEvents.write(dir.resolve("c").resolve(TestEvents.fileName(0)), TestEvents.scalars("loss", 0, 4, s -> 1f));
      TestEvents.append(dir.resolve("a").resolve(TestEvents.fileName(0)), scalarRecords("loss", 10, 19, 1f));
      store.reload();
      assertEquals(List.of("a", "c"), store.runs().stream().map(RunInfo::name).toList(), "new runs are still found");
      assertEquals(20, store.tag("a", "loss").count(), "new data are still read");

      Files.delete(dir.resolve("b-link"));
      store.reload();
      assertEquals(List.of(), store.logdirProblems(), "the problem is gone with the folder");
    }
  }

  @Test
  void discovery_folderUnlistedThenListable_problemComesAndGoes() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    storage.create("a/" + TestEvents.fileName(0)).append(scalarRecords("loss", 0, 4, 1f));
    storage.unlisted.put("b", "AccessDeniedException: b");
    try (RunStore store = store(storage, 4096)) {
      store.reload();
      assertEquals(List.of("memory:/b"), store.logdirProblems().stream().map(Problem::file).toList());
      assertEquals(5, store.tag("a", "loss").count());
      storage.unlisted.clear();
      store.reload();
      assertEquals(List.of(), store.logdirProblems());
    }
  }

  // ---- 7: failures are retried, problems that no longer hold are cleared, rewrites reloaded ----

  @Test
  void load_fileUnreadableThenReadable_isNotCountedAsReadAndIsReadOnTheNextPoll() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    f.append(scalarRecords("loss", 0, 49, 1f));
    f.openFails = new AccessDeniedException("run/" + TestEvents.fileName(0));
    try (RunStore store = store(storage, 4096)) {
      store.reload();
      RunInfo r = store.run("run");
      assertEquals(0, r.events());
      assertEquals(0, r.bytesRead(), "nothing was read");
      assertFalse(r.loaded(), "the run list does not claim the file was read");
      assertEquals(1, r.problems(), "the unreadable file is a problem of the run");
      List<Problem> problems = store.problems("run");
      assertEquals(List.of(Problem.Kind.IO_ERROR), kinds(problems));
      assertEquals("run/" + TestEvents.fileName(0), problems.get(0).file());
      assertTrue(problems.get(0).message().startsWith("cannot read (java.nio.file.AccessDeniedException"), problems.get(0).message());

      store.reload();
      assertEquals(1, store.problems("run").size(), "tried again and failed again: still one problem");

      f.openFails = null;
      store.reload();
      assertEquals(50, store.tag("run", "loss").count());
      assertTrue(store.run("run").loaded());
      assertEquals(0, store.run("run").problems());
      assertEquals(List.of(), store.problems("run"), "the read works: the problem is gone");
    }
  }

  @Test
  void load_readFailsPartWayThenWorks_resumesWhereItStoppedWithoutLosingOrRepeating() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] records = scalarRecords("loss", 0, 999, 1f);
    f.append(records);
    f.failReadsFrom = records.length / 2;
    try (RunStore store = store(storage, 4096)) {
      store.reload();
      long partly = store.tag("run", "loss").count();
      assertTrue(partly > 0 && partly < 1000, "read up to the bad block: " + partly);
      assertFalse(store.run("run").loaded());
      assertEquals(List.of(Problem.Kind.IO_ERROR), kinds(store.problems("run")));

      f.failReadsFrom = Long.MAX_VALUE;
      store.reload();
      assertEquals(1000, store.tag("run", "loss").count());
      assertEquals(1000, store.scalars("run", "loss", 0, 999, 2000).size(), "each step once");
      assertTrue(store.run("run").loaded());
      assertEquals(List.of(), store.problems("run"));
    }
  }

  @Test
  void load_halfWrittenRecordCompleted_truncationIsNoLongerAProblem() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] next = scalarRecords("loss", 10, 10, 1f);
    f.append(scalarRecords("loss", 0, 9, 1f));
    f.append(java.util.Arrays.copyOf(next, 20));
    try (RunStore store = store(storage, 4096)) {
      store.reload();
      assertEquals(List.of(Problem.Kind.TRUNCATED_RECORD), kinds(store.problems("run")));
      f.append(java.util.Arrays.copyOfRange(next, 20, next.length));
      store.reload();
      assertEquals(11, store.tag("run", "loss").count());
      assertEquals(List.of(), store.problems("run"), "the record is whole now");
    }
  }

  @Test
  void load_searchThatMetTheEndFindsARecordLater_corruptTailIsNoLongerAProblem() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] garbage = new byte[300];
    new Random(6).nextBytes(garbage);
    f.append(scalarRecords("loss", 0, 9, 1f));
    f.append(garbage);
    try (RunStore store = store(storage, 4096)) {
      store.reload();
      assertEquals(List.of(Problem.Kind.LENGTH_CRC_MISMATCH, Problem.Kind.CORRUPT_TAIL), kinds(store.problems("run")));
      f.append(scalarRecords("loss", 10, 19, 1f));
      store.reload();
      assertEquals(20, store.tag("run", "loss").count());
      assertEquals(List.of(Problem.Kind.LENGTH_CRC_MISMATCH, Problem.Kind.RESYNCHRONIZED), kinds(store.problems("run")),
          "the damage stays; 'no valid record (yet)' no longer holds");
    }
  }

  @Test
  void load_fileRewrittenInPlaceToTheSameSize_isReadAgain(@TempDir Path dir) throws Exception {
    Path file = TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), TestEvents.scalars("loss", 0, 49, s -> 1f));
    Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    try (RunStore store = store(dir)) {
      store.reload();
      FileTime before = Files.getLastModifiedTime(file);
      do { // rewritten within the clock tick of the last write, a file looks untouched: wait for the next
        TestEvents.write(file, TestEvents.scalars("loss", 0, 49, s -> 2f));
      } while (Files.getLastModifiedTime(file).equals(before) && sleep(5));
      assertEquals(inode, Files.readAttributes(file, BasicFileAttributes.class).fileKey(), "the same file");
      store.reload();
      assertEquals(1, store.run("run").restarts());
      assertEquals(java.util.Collections.nCopies(50, 2.0), values(store, "run", "loss"), "only the new values");
    }
  }

  @Test
  void load_fileRewrittenInPlaceLonger_isReadAgainNotReadOnFromTheOldEnd(@TempDir Path dir) throws Exception {
    Path file = TestEvents.write(dir.resolve("run").resolve(TestEvents.fileName(0)), TestEvents.scalars("loss", 0, 49, s -> 1f));
    try (RunStore store = store(dir)) {
      store.reload();
      TestEvents.write(file, TestEvents.scalars("loss", 0, 79, s -> 2f)); // in place: the same inode
      store.reload();
      assertEquals(1, store.run("run").restarts());
      assertEquals(java.util.Collections.nCopies(80, 2.0), values(store, "run", "loss"), "the new values, no old ones");
      assertEquals(Files.size(file), store.run("run").bytesRead());
    }
  }

  /**
   * The last bytes read, rewritten in place while the file also grew: the size says "appended", so
   * only the checksum of the last {@link Run#PRINT_BYTES} read tells (it read zeros instead of the
   * file until 2026-12-07, and such a rewrite went unseen).
   */
  @Test
  void load_fileRewrittenInPlaceNearTheEndReadAndGrown_isReadAgain() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    f.append(scalarRecords("loss", 0, 399, 1f)); // more than two prints of 4 KB
    int read = f.size();
    byte[] last = scalarRecords("loss", 399, 399, 5f); // the last record again: another value, the same length
    assertEquals(scalarRecords("loss", 399, 399, 1f).length, last.length);
    try (RunStore store = store(storage, 1 << 20)) {
      store.reload();
      f.overwrite(read - last.length, last);
      f.append(scalarRecords("loss", 400, 409, 5f));
      store.reload();
      assertEquals(1, store.run("run").restarts(), "the checksum of the last bytes read changed: read again");
      List<Double> v = values(store, "run", "loss");
      assertEquals(410, v.size());
      assertEquals(1.0, v.get(398));
      assertEquals(5.0, v.get(399), "the rewritten value, not the one read before");
    }
  }

  @Test
  void load_fileRewrittenInPlaceBehindTheStoresBack_changeTagAloneTriggersTheReload() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    f.append(scalarRecords("loss", 0, 49, 1f));
    try (RunStore store = store(storage, 4096)) {
      store.reload();
      f.overwrite(0, scalarRecords("loss", 0, 49, 3f)); // the same length, other values
      store.reload();
      assertEquals(1, store.run("run").restarts());
      assertEquals(java.util.Collections.nCopies(50, 3.0), values(store, "run", "loss"));
      store.reload();
      assertEquals(1, store.run("run").restarts(), "unchanged since: not read again");
      f.append(scalarRecords("loss", 50, 59, 3f));
      store.reload();
      assertEquals(1, store.run("run").restarts(), "appended to: read on, not again");
      assertEquals(60, store.tag("run", "loss").count());
    }
  }

  private static boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }
}
