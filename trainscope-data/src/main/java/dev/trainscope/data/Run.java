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
    /** The size when last listed. */
    volatile long knownSize;
    /** Where the next scan starts. */
    volatile ScanPosition position = ScanPosition.START;
    /**
     * How far the last scan looked: past {@link #position} when the file ends inside a record
     * that is still being written, so that it is not read again until the file grows.
     */
    volatile long seenSize;

    RunFile(String path, String identity, long size) {
      this.path = path;
      this.name = path.substring(path.lastIndexOf('/') + 1);
      this.identity = identity;
      this.knownSize = size;
    }
  }

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
  /** Set by the poller when a file was replaced or shrank: the loader starts the run over. */
  volatile boolean resetRequested;
  volatile long lastQueried;
  volatile boolean removed;

  Run(String name, Source source) {
    this.name = name;
    this.source = source;
  }

  long bytesRead() {
    long n = 0;
    for (RunFile f : files) {
      n += Math.min(f.knownSize, Math.max(f.position.offset(), f.seenSize));
    }
    return n;
  }

  long bytesKnown() {
    long n = 0;
    for (RunFile f : files) {
      n += f.knownSize;
    }
    return n;
  }

  /** True when some file has bytes not looked at yet. */
  boolean hasPending() {
    for (RunFile f : files) {
      if (f.knownSize > Math.max(f.position.offset(), f.seenSize)) {
        return true;
      }
    }
    return false;
  }
}
