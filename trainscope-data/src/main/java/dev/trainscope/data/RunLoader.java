package dev.trainscope.data;

import dev.trainscope.events.EventScanner;
import dev.trainscope.events.Problem;
import dev.trainscope.events.RecordScanner;
import dev.trainscope.events.ScanPosition;
import dev.trainscope.events.ScanResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

/**
 * Reads one run: a file on from where its last scan stopped, a chunk at a time, each chunk applied
 * to the run's data under its write lock; a run whose files were replaced is started over. Called
 * by the loader threads, one at a time per run (see {@link LogdirLoader}).
 */
final class RunLoader {
  private final EventScanner scanner;
  private final long chunkBytes;
  /** Direct buffers for {@link PrefetchChannel}, one per loader thread. */
  private final ArrayBlockingQueue<ByteBuffer> prefetchBuffers;
  private final int prefetchBytes;
  private final RunProblems problems;
  private final StoreListeners listeners;
  private final LoadTotals totals;
  private final AtomicLong chunks = new AtomicLong();
  private volatile boolean closed;

  RunLoader(EventScanner scanner, long chunkBytes, int threads, RunProblems problems, StoreListeners listeners,
      LoadTotals totals) {
    this.totals = totals;
    this.scanner = scanner;
    this.chunkBytes = chunkBytes;
    this.problems = problems;
    this.listeners = listeners;
    this.prefetchBuffers = new ArrayBlockingQueue<>(threads);
    // a chunk, and the scanner's reading past its limit to the end of the record there
    this.prefetchBytes = (int) Math.min(chunkBytes + 2L * RecordScanner.DEFAULT_BUFFER_SIZE, MAX_PREFETCH_BYTES);
  }

  /** The most a loader holds in memory ahead of a scan. */
  private static final int MAX_PREFETCH_BYTES = 64 << 20;

  /** Stops the loads under way at their next chunk. */
  void close() {
    closed = true;
  }

  void reset(Run run) {
    Lock w = run.lock.writeLock();
    w.lock();
    try {
      run.resetRequested = false;
      problems.remove(run.name); // found again, or gone with the old content
      run.data = new RunData();
      run.ingest = null;
      run.restarts++;
      for (Run.RunFile f : run.files) {
        f.position = ScanPosition.START;
        f.seenSize = 0;
        f.printAt = 0;
      }
      CommittedRuns.publish(run, totals);
    } finally {
      w.unlock();
    }
    listeners.tell(l -> l.runReset(run.name));
  }

  /**
   * Reads a file on from where its last scan stopped; false when it is no longer file {@code
   * index} of the run. Each chunk is read into memory before the run's lock is taken, so that
   * queries wait for the decoding of a chunk at most, never for storage.
   */
  boolean loadFile(Run run, int index, Run.RunFile f) {
    ByteBuffer buffer = prefetchBuffers.poll();
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(prefetchBytes);
    }
    try (PrefetchChannel ch = new PrefetchChannel(run.source.storage().open(f.path), buffer)) {
      if (f.printAt > 0 && !f.sameBytes(print(ch, f.printAt))) {
        run.resetRequested = true; // rewritten in place: what was read is no longer in the file
        return true;
      }
      while (!run.resetRequested && !run.removed && !closed) {
        long chunk = chunks.incrementAndGet();
        List<TagInfo> added = new ArrayList<>();
        List<long[]> touched = new ArrayList<>();
        List<String> touchedNames = new ArrayList<>();
        ch.prefetch(f.position.offset(), prefetchBytes);
        ScanResult r;
        Lock w = run.lock.writeLock();
        w.lock();
        try {
          List<Run.RunFile> files = run.files;
          if (index >= files.size() || files.get(index) != f) {
            return false; // value references carry the file's index: it must be the listed one
          }
          // The size before the scan: bytes that arrive after the scan met the end are not looked
          // at, so they must not count as seen.
          long size = ch.size();
          if (size < f.position.offset()) {
            run.resetRequested = true; // shrank since it was listed
            return true;
          }
          if (size < f.knownSize) {
            f.knownSize = size; // shrank since it was listed, but not below what was read
          }
          if (run.ingest == null) {
            run.ingest = new Ingest(run.data, run.name, p -> {
              if (p.kind() == Problem.Kind.IO_ERROR) {
                run.readFailed = true;
              }
              problems.record(run.name, p);
            });
          }
          run.readFailed = false;
          run.ingest.beginChunk(index, chunk);
          r = scanner.scan(ch, f.path, f.position, chunkBytes, run.ingest, run.ingest.tagStrings);
          f.position = r.next();
          f.seenSize = r.reachedLimit() || run.readFailed ? 0 : Math.max(r.next().offset(), size);
          f.failed = run.readFailed;
          f.knownSize = Math.max(f.knownSize, f.position.offset());
          CommittedRuns.publish(run, totals);
          if (!listeners.isEmpty()) {
            for (TagData t : run.ingest.added) {
              added.add(t.info(run.name));
            }
            for (TagData t : run.ingest.touched()) {
              touchedNames.add(t.name);
              touched.add(new long[] {t.lastStep()});
            }
          }
        } finally {
          w.unlock();
        }
        if (!f.failed) {
          problems.forgetResolved(run.name, f.path, r.next());
        }
        for (TagInfo t : added) {
          listeners.tell(l -> l.tagAdded(run.name, t));
        }
        for (int i = 0; i < touchedNames.size(); i++) {
          String tag = touchedNames.get(i);
          long last = touched.get(i)[0];
          listeners.tell(l -> l.stepsAdded(run.name, tag, last));
        }
        if (f.failed) {
          return true; // tried again at the next poll
        }
        if (!r.reachedLimit()) {
          long at = f.position.offset();
          f.print(at, print(ch, at));
          return true;
        }
      }
    } catch (NoSuchFileException e) {
      f.seenSize = f.knownSize; // vanished since the listing; the next poll sorts it out
    } catch (IOException e) {
      f.failed = true;
      problems.record(run.name, new Problem(Problem.Kind.IO_ERROR, f.path, f.position.offset(), "cannot read ("
          + e + "); read " + f.position.offset() + " of " + f.knownSize + " bytes, the next poll tries again"));
    } finally {
      prefetchBuffers.offer(buffer);
    }
    return true;
  }

  /** Each loader thread's buffer for {@link #print}: 10,000 small runs allocated 10 MB of them, one a file. */
  private static final ThreadLocal<ByteBuffer> PRINT_SCRATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(2 * Run.PRINT_BYTES));

  /**
   * The checksums of the first and the last {@link Run#PRINT_BYTES} (or fewer) bytes before {@code
   * at}, or null when the file no longer holds {@code at} bytes.
   */
  private static int[] print(SeekableByteChannel ch, long at) throws IOException {
    int head = (int) Math.min(at, Run.PRINT_BYTES);
    ByteBuffer b = PRINT_SCRATCH.get().clear().limit(2 * head);
    ch.position(0);
    while (b.position() < head) {
      if (ch.read(b.limit(head)) < 0) {
        return null;
      }
    }
    ch.position(at - head);
    b.limit(2 * head); // before asking what remains: the head's reads left the limit at the head's end
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        return null;
      }
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    // b.array() from 0: the scratch is a heap buffer of its own, not a slice
    crc.update(b.array(), 0, head);
    int first = (int) crc.getValue();
    crc.reset();
    crc.update(b.array(), head, head);
    return new int[] {first, (int) crc.getValue()};
  }
}
