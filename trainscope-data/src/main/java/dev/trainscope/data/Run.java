package dev.trainscope.data;

import dev.trainscope.events.ScanPosition;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One run: its files, how far each has been read, and its data. Loader threads write under the
 * write lock, one chunk at a time; queries read under the read lock.
 */
final class Run {
  /** One event file of the run. */
  static final class RunFile {
    final String path;
    final String name;
    volatile String identity;
    /** The size when last listed, or as far as a scan found it. */
    volatile long knownSize;
    /** The size and change tag of the last listing, to tell a file changed in place without growing. */
    long listedSize;
    String changeTag;
    /**
     * True after a read of the file failed: it is not read again until the next poll, and counts
     * as read only as far as it was.
     */
    volatile boolean failed;
    /**
     * A fingerprint of the bytes read, taken when a load of the file ended: the checksums of the
     * first and the last {@link #PRINT_BYTES} before offset {@code printAt} (0: none yet). Before
     * reading on, the store checks them again: a file rewritten in place, longer, no longer has them.
     */
    long printAt;
    int headPrint;
    int tailPrint;
    /** Where the next scan starts. */
    volatile ScanPosition position = ScanPosition.START;
    /**
     * How far the last scan looked: past {@link #position} when the file ends inside a record
     * that is still being written, so that it is not read again until the file grows.
     */
    volatile long seenSize;

    RunFile(String path, String identity, long size, String changeTag) {
      this.path = path;
      this.name = path.substring(path.lastIndexOf('/') + 1);
      this.identity = identity;
      this.knownSize = size;
      this.listedSize = size;
      this.changeTag = changeTag;
    }

    /** Keeps a fingerprint taken at {@code at} (none when null). */
    void print(long at, int[] print) {
      printAt = print == null ? 0 : at;
      if (print != null) {
        headPrint = print[0];
        tailPrint = print[1];
      }
    }

    /** True when a fingerprint taken at {@link #printAt} now matches the kept one. */
    boolean sameBytes(int[] print) {
      return print != null && print[0] == headPrint && print[1] == tailPrint;
    }

    /** True when the file has bytes not looked at yet and is not waiting for a retry. */
    boolean pending() {
      return !failed && knownSize > Math.max(position.offset(), seenSize);
    }

    /** Bytes read: all that was looked at, except of a file whose read failed. */
    long bytesRead() {
      return Math.min(knownSize, failed ? position.offset() : Math.max(position.offset(), seenSize));
    }
  }

  /** How many bytes at each end of what was read the fingerprint covers. */
  static final int PRINT_BYTES = 4096;

  final String name;
  final Source source;
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Set while a load task for this run is queued or running. */
  final AtomicBoolean queued = new AtomicBoolean();
  /**
   * Files in read order (by name): an immutable list, replaced whole under the write lock, so that
   * a reader without the lock sees the old list or the new one, never one half made.
   */
  volatile List<RunFile> files = List.of();
  RunData data = new RunData();
  Ingest ingest;
  volatile int restarts;
  /** Bytes held, as of the end of the last load. */
  volatile long memoryBytes;
  /** Set by the scan's problem handler when a read failed part way. Loader thread only. */
  boolean readFailed;
  /** Set by the poller when a file was replaced or shrank: the loader starts the run over. */
  volatile boolean resetRequested;
  volatile long lastQueried;
  /** The run's info as of the end of its latest change, for the run list while it is being changed. */
  volatile RunInfo published;
  volatile boolean removed;
  /** What this run last added to the store's {@link LoadTotals}; its monitor guards the accounting. */
  final Accounted accounted = new Accounted();

  /** A run's share of the store's totals, as last accounted. */
  static final class Accounted {
    long bytesRead;
    long bytesKnown;
    int loaded;
    long memoryBytes;
  }

  Run(String name, Source source) {
    this.name = name;
    this.source = source;
  }

  long bytesRead() {
    long n = 0;
    List<RunFile> fs = files;
    for (int i = 0; i < fs.size(); i++) {
      n += fs.get(i).bytesRead();
    }
    return n;
  }

  long bytesKnown() {
    long n = 0;
    List<RunFile> fs = files;
    for (int i = 0; i < fs.size(); i++) {
      n += fs.get(i).knownSize;
    }
    return n;
  }

  /** True when some file has bytes not looked at yet (and is not waiting for a retry). */
  boolean hasPending() {
    List<RunFile> fs = files;
    for (int i = 0; i < fs.size(); i++) {
      if (fs.get(i).pending()) {
        return true;
      }
    }
    return false;
  }

  /** How many files of the run could not be read at their last try. */
  int failedFiles() {
    int n = 0;
    for (RunFile f : files) {
      if (f.failed) {
        n++;
      }
    }
    return n;
  }
}
