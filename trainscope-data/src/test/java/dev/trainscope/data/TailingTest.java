package dev.trainscope.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.Problem;
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
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store tails files that are being written: a writer thread appends over a million events in
 * odd-sized pieces (records split across reads, often inside their 12-byte header) while a store
 * polling every 20 ms reads; at the end every point is there exactly once, in order, bit for bit.
 * Plus the races a live file system produces only by chance, made certain with {@link
 * MemoryStorage}.
 */
class TailingTest {
  private static final String[] TAGS = {"loss", "acc", "grad/norm", "lr"};
  private static final int RUNS = 3;
  private static final int STEPS_PER_RUN = 210_000;

  // ---- the writer's schedule: a pure function of (run, step index), so the check needs no copy ----

  private static long step(int i) {
    return -100 + i + 3L * (i / 1000); // a gap every 1000 steps
  }

  private static double wall(int run, int i, int event) {
    return TestEvents.WALL0 + run * 1e5 + i * 0.013 + event * 0.001;
  }

  private static boolean has(int tag, int i) {
    switch (tag) {
      case 0: return true;            // loss, event 0
      case 1: return i % 3 == 0;      // acc, event 0 beside loss
      case 2: return i % 2 == 0;      // grad/norm, event 1
      default: return i % 7 == 0;     // lr, event 2
    }
  }

  private static int eventOf(int tag) {
    return tag <= 1 ? 0 : tag - 1;
  }

  private static float value(int run, int tag, int i) {
    switch (tag) {
      case 0:
        return (float) (2.0 * Math.exp(-i / 50_000.0) + 0.01 * Math.sin(i * 0.37 + run));
      case 3:
        return 0.1f / (1 + i / 50_000);
      default: {
        long h = (run * 1_000_003L + tag) * 0x9E3779B97F4A7C15L + i * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        float f = Float.intBitsToFloat((int) h);
        return Float.isNaN(f) ? (float) (h & 0xFFFF) : f; // NaN payloads are not what this test is about
      }
    }
  }

  /** The events of step index i of a run. */
  private static List<Event> events(int run, int i) {
    List<Event> out = new ArrayList<>(3);
    long s = step(i);
    if (has(1, i)) {
      out.add(TestEvents.summary(s, wall(run, i, 0), TestEvents.simple(TAGS[0], value(run, 0, i)),
          TestEvents.simple(TAGS[1], value(run, 1, i))));
    } else {
      out.add(TestEvents.summary(s, wall(run, i, 0), TestEvents.simple(TAGS[0], value(run, 0, i))));
    }
    if (has(2, i)) {
      out.add(TestEvents.summary(s, wall(run, i, 1), TestEvents.simple(TAGS[2], value(run, 2, i))));
    }
    if (has(3, i)) {
      out.add(TestEvents.summary(s, wall(run, i, 2), TestEvents.simple(TAGS[3], value(run, 3, i))));
    }
    return out;
  }

  /** Appends one run's events to its file in pieces of random, odd sizes. */
  private static final class RunWriter implements AutoCloseable {
    final int run;
    final FileChannel ch;
    byte[] pending = new byte[1 << 16];
    int start;
    int end;
    int next; // step index of the next events to encode
    long events;
    long bytes;

    RunWriter(Path dir, int run) throws IOException {
      this.run = run;
      Path d = dir.resolve("run_" + run);
      Files.createDirectories(d);
      this.ch = FileChannel.open(d.resolve(TestEvents.fileName(run)), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      add(TestEvents.frame(TestEvents.fileVersion()));
      events++;
    }

    private void add(byte[] b) {
      if (end + b.length > pending.length) {
        System.arraycopy(pending, start, pending, 0, end - start);
        end -= start;
        start = 0;
        if (end + b.length > pending.length) {
          pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, end + b.length));
        }
      }
      System.arraycopy(b, 0, pending, end, b.length);
      end += b.length;
    }

    boolean done() {
      return next == STEPS_PER_RUN && start == end;
    }

    /** Writes one piece of about {@code n} bytes; returns the bytes written. */
    int writePiece(int n) throws IOException {
      while (end - start < n && next < STEPS_PER_RUN) {
        for (Event e : events(run, next)) {
          add(TestEvents.frame(e));
          events++;
        }
        next++;
      }
      int w = Math.min(n, end - start);
      ByteBuffer buf = ByteBuffer.wrap(pending, start, w);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      start += w;
      bytes += w;
      return w;
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  private static int pieceSize(Random r) {
    int k = r.nextInt(100);
    if (k < 30) {
      return 1 + r.nextInt(11); // ends inside the next record's header more often than not
    } else if (k < 60) {
      return 12 + r.nextInt(190);
    } else if (k < 95) {
      return 200 + r.nextInt(20_000);
    }
    return 20_000 + r.nextInt(180_000);
  }

  @Test
  @Timeout(120)
  void tail_writerAppendsMillionEventsInOddPiecesWhileStoreReads_losesNothing(@TempDir Path dir) throws Exception {
    Map<String, AtomicLong> lastStepSeen = new ConcurrentHashMap<>();
    Map<String, AtomicLong> stepsAddedCalls = new ConcurrentHashMap<>();
    AtomicReference<String> listenerViolation = new AtomicReference<>();
    AtomicLong progressCalls = new AtomicLong();
    AtomicLong progressOverrun = new AtomicLong();
    StoreListener listener = new StoreListener() {
      @Override
      public void stepsAdded(String run, String tag, long lastStep) {
        String key = run + " " + tag;
        stepsAddedCalls.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        long before = lastStepSeen.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE)).getAndSet(lastStep);
        if (lastStep < before) {
          listenerViolation.compareAndSet(null, key + ": lastStep went back from " + before + " to " + lastStep);
        }
      }

      @Override
      public void progress(LoadProgress p) {
        progressCalls.incrementAndGet();
        if (p.bytesRead() > p.bytesKnown()) {
          progressOverrun.incrementAndGet();
        }
      }
    };

    long totalEvents = 0;
    try (RunStore store = RunStore.builder().logdir(dir).reloadInterval(Duration.ofMillis(20)).threads(2)
        .chunkBytes(1 << 20).build()) {
      store.addListener(listener);
      store.start();
      Random random = new Random(20240611);
      List<RunWriter> writers = new ArrayList<>();
      Thread writer = new Thread(() -> {
        try {
          for (int r = 0; r < RUNS; r++) {
            writers.add(new RunWriter(dir, r));
          }
          long sinceSleep = 0;
          long written = 0;
          boolean any = true;
          while (any) {
            any = false;
            for (RunWriter w : writers) {
              if (!w.done()) {
                any = true;
                int n = w.writePiece(pieceSize(random));
                sinceSleep += n;
                written += n;
              }
            }
            if (sinceSleep > 150_000) { // let the store catch up now and then, so that it reads partial files
              Thread.sleep(1);
              sinceSleep = 0;
              // and on a busy machine, do not run away from it: stay within 4 MB of what it has read
              long deadline = System.nanoTime() + 2_000_000_000L;
              while (store.progress().bytesRead() < written - (4 << 20) && System.nanoTime() < deadline) {
                Thread.sleep(1);
              }
            }
          }
          for (RunWriter w : writers) {
            w.close();
          }
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }, "test-writer");
      AtomicReference<Throwable> writerFailure = new AtomicReference<>();
      writer.setUncaughtExceptionHandler((t, e) -> writerFailure.set(e));
      writer.start();
      writer.join();
      assertEquals(null, writerFailure.get(), "the writer failed");
      for (RunWriter w : writers) {
        totalEvents += w.events;
      }
      assertTrue(totalEvents > 1_000_000, "over a million events written: " + totalEvents);

      store.reload();

      assertEquals(RUNS, store.runs().size());
      for (int run = 0; run < RUNS; run++) {
        String name = "run_" + run;
        RunInfo info = store.run(name);
        assertEquals(writers.get(run).events, info.events(), name + " events");
        assertEquals(writers.get(run).bytes, info.bytesRead(), name + " bytes read");
        assertEquals(0, info.restarts(), name + " read again from the start");
        assertEquals(0, info.problems(), name + " problems: " + store.problems(name));
        assertEquals(0, info.droppedByRestart(), name + " dropped");
        for (int tag = 0; tag < TAGS.length; tag++) {
          checkSeries(store, run, tag);
          String key = name + " " + TAGS[tag];
          assertTrue(stepsAddedCalls.get(key).get() > 20,
              key + ": the store saw the file grow, in " + stepsAddedCalls.get(key) + " steps");
          assertEquals(lastStepOf(tag), lastStepSeen.get(key).get(), key + ": last stepsAdded");
        }
      }
      assertEquals(null, listenerViolation.get());
      assertTrue(progressCalls.get() > 0, "progress calls");
      assertEquals(0, progressOverrun.get(), "progress never reports more bytes read than known");
      assertTrue(store.progress().done(), store.progress().toString());
    }
  }

  private static long lastStepOf(int tag) {
    for (int i = STEPS_PER_RUN - 1; ; i--) {
      if (has(tag, i)) {
        return step(i);
      }
    }
  }

  /** Pages through a tag and compares every point with the writer's schedule, bit for bit. */
  private static void checkSeries(RunStore store, int run, int tag) {
    String name = "run_" + run;
    String where = name + " " + TAGS[tag];
    int i = 0;
    long from = Long.MIN_VALUE;
    long count = 0;
    while (true) {
      ScalarPoints p = store.scalars(name, TAGS[tag], from, Long.MAX_VALUE, 7_777);
      for (int k = 0; k < p.size(); k++) {
        while (!has(tag, i)) {
          i++;
        }
        if (p.steps()[k] != step(i)
            || Double.doubleToRawLongBits(p.values()[k]) != Double.doubleToRawLongBits(value(run, tag, i))
            || Double.doubleToRawLongBits(p.wallTimes()[k]) != Double.doubleToRawLongBits(wall(run, i, eventOf(tag)))) {
          throw new AssertionError(where + ": point " + count + " is (" + p.steps()[k] + ", " + p.values()[k] + ", "
              + p.wallTimes()[k] + "), expected (" + step(i) + ", " + value(run, tag, i) + ", "
              + wall(run, i, eventOf(tag)) + ")");
        }
        i++;
        count++;
      }
      if (!p.more()) {
        break;
      }
      from = p.nextStep();
    }
    while (i < STEPS_PER_RUN && !has(tag, i)) {
      i++;
    }
    assertEquals(STEPS_PER_RUN, i, where + ": points missing after point " + count);
    assertEquals(count, store.tag(name, TAGS[tag]).count(), where + " count");
  }

  // ---- races made certain ----

  private static byte[] scalarRecords(String tag, long from, long to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long s = from; s <= to; s++) {
      out.writeBytes(TestEvents.frame(TestEvents.scalar(tag, s, (float) s)));
    }
    return out.toByteArray();
  }

  @Test
  void tail_fileGrowsRightAfterScanHitsItsEnd_newRecordsAreReadOnNextPoll() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] first = scalarRecords("loss", 0, 9);
    byte[] rest = scalarRecords("loss", 10, 19);
    f.append(first);
    f.append(java.util.Arrays.copyOf(rest, 5)); // the next record begins: 5 bytes of its header
    // the writer finishes that record and two more just after the store's read met the end
    f.afterEof = () -> f.append(java.util.Arrays.copyOfRange(rest, 5, rest.length));
    try (RunStore store = RunStore.builder().source("", storage).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      store.reload(); // the listing now has the full size; nothing more will be written
      assertEquals(20, store.tag("run", "loss").count(), "records written after the scan ended are read");
      assertEquals(first.length + rest.length, store.run("run").bytesRead());
    }
  }

  @Test
  void tail_fileShrankBetweenListingAndRead_loadEndsAndNextPollReadsItAgain() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] records = scalarRecords("loss", 0, 99);
    f.append(records);
    f.listedSize = records.length + 500; // listed before a truncation the read then meets
    try (RunStore store = RunStore.builder().source("", storage).reloadInterval(Duration.ZERO).build()) {
      assertTimeoutPreemptively(Duration.ofSeconds(10), store::reload, "the load must not spin on the missing bytes");
      assertEquals(100, store.tag("run", "loss").count());
      f.listedSize = -1;
      store.reload();
      assertEquals(100, store.tag("run", "loss").count());
      assertTrue(store.run("run").loaded());
      assertTrue(store.progress().done(), store.progress().toString());
    }
  }

  @Test
  void tail_truncatedTailPolledManyTimes_earlierCorruptionStaysInProblems() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] good = scalarRecords("loss", 0, 4);
    byte[] bad = TestEvents.frame(TestEvents.scalar("loss", 5, 5f));
    bad[bad.length - 1] ^= 0x20; // its data checksum no longer matches
    f.append(good);
    f.append(bad);
    f.append(scalarRecords("loss", 6, 9));
    // the next record is a long one (a text summary), written one byte at a time: every poll ends inside it
    byte[] partial = TestEvents.frame(TestEvents.text("notes", 10, "x".repeat(150)));
    assertTrue(partial.length > 150);
    try (RunStore store = RunStore.builder().source("", storage).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      for (int i = 0; i < partial.length - 1; i++) {
        f.append(new byte[] {partial[i]});
        store.reload();
      }
      List<Problem> problems = store.problems("run");
      assertTrue(problems.stream().anyMatch(p -> p.kind() == Problem.Kind.DATA_CRC_MISMATCH),
          "the checksum error is still reported after many polls: " + problems);
      assertEquals(1, store.run("run").problems());
      f.append(new byte[] {partial[partial.length - 1]});
      store.reload();
      assertEquals(9, store.tag("run", "loss").count(), "steps 0-4 and 6-9; the damaged step 5 is skipped");
      assertEquals(1, store.text("run", "notes").size(), "the record written byte by byte is read whole");
    }
  }

  @Test
  void tail_listingOlderThanWhatWasRead_isNotTakenForAShrink() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    MemoryStorage.File f = storage.create("run/" + TestEvents.fileName(0));
    byte[] records = scalarRecords("loss", 0, 99);
    f.append(records);
    try (RunStore store = RunStore.builder().source("", storage).reloadInterval(Duration.ZERO).build()) {
      store.reload();
      f.listedSize = records.length / 2; // a listing taken while the writer was half way, seen late
      store.reload();
      assertEquals(0, store.run("run").restarts(), "the file did not shrink: no reason to read it again");
      assertEquals(100, store.tag("run", "loss").count());
      f.listedSize = -1;
      f.truncate(records.length / 2); // now it really shrinks
      store.reload();
      assertEquals(1, store.run("run").restarts());
      assertEquals(store.tag("run", "loss").count(), store.scalars("run", "loss", 0, 99, 1000).size());
      assertTrue(store.tag("run", "loss").count() < 100);
    }
  }
}
