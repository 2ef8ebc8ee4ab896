package dev.trainscope.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * A file of object storage as a channel: reads are served from the last range fetched, and a miss
 * fetches a range large enough that a scanner's small reads do not each become a request.
 *
 * <p>How much a miss fetches follows how the file is read, as Hadoop's S3A adaptive input policy
 * does: a read after a seek (a blob, the fingerprint of a file's first and last bytes) fetches what
 * was asked for, at least {@link #MIN_FETCH}, or the length given at opening; a read that goes on
 * where the last fetch ended doubles the fetch, up to the read-ahead. Once a read streams (its
 * fetch was at least {@link #STREAMING}), the next range is fetched in the background while the
 * caller decodes this one, so that the network and the decoding overlap.
 *
 * <p>The first {@link #HEAD} bytes fetched stay, since the store reads them again after a scan
 * (its fingerprint of what it read: Run.PRINT_BYTES).
 *
 * <p>Not thread-safe, as channels of one reader are not.
 */
final class RangedReadChannel extends ReadOnlyChannel {
  static final int MIN_FETCH = 64 << 10;
  static final int STREAMING = 1 << 20;
  /** The most one fetch asks for, even when the caller's buffer is larger. */
  static final int MAX_FETCH = 64 << 20;
  /** The first bytes kept after a fetch at 0: what the store's fingerprint of a file reads again. */
  static final int HEAD = Run.PRINT_BYTES;
  private static final byte[] EMPTY = new byte[0];

  /** Ranged reads of one object. */
  interface RangeSource {
    /**
     * Up to {@code length} bytes at {@code offset}: fewer at the end of the object, none at or past
     * it. Throws when the object is gone or no longer the one first read.
     */
    Range fetch(long offset, int length) throws IOException;

    /** The object's size, asked for when no fetch has told it yet. */
    long size() throws IOException;

    /** The channel is done with a range's array: the source may fill it again. */
    default void release(byte[] bytes) {}
  }

  /**
   * A fetched range.
   *
   * @param bytes holds the range's bytes from index 0
   * @param length how many bytes the range has
   * @param objectSize the whole object's size, as the answer gave it
   */
  record Range(byte[] bytes, int length, long objectSize) {
    Range {
      if (length < 0 || length > bytes.length) {
        throw new IllegalArgumentException("length must be in 0.." + bytes.length + ", was " + length);
      }
    }

    /** A range of all of {@code bytes}. */
    Range(byte[] bytes, long objectSize) {
      this(bytes, bytes.length, objectSize);
    }
  }

  private final RangeSource source;
  private final int readAhead;
  private final Executor background;
  private final long hintAt;
  private final int hintLength;
  private byte[] buf = EMPTY;
  private int bufLen;
  private long bufAt;
  /** The object's first bytes, kept from a fetch at 0: the store checks them again after a scan. */
  private byte[] head = EMPTY;
  private CompletableFuture<Range> next;
  private long nextAt = -1;
  private long size = -1;

  /**
   * @param background runs the fetch of the next range while a streaming read decodes this one;
   *     null to fetch only when asked
   * @param hintAt where the caller means to read first ({@code -1}: unknown)
   * @param hintLength how much it means to read there: the first fetch there asks for that much
   */
  RangedReadChannel(RangeSource source, int readAhead, Executor background, long hintAt, int hintLength) {
    this.source = source;
    this.readAhead = readAhead;
    this.background = background;
    this.hintAt = hintAt;
    this.hintLength = hintLength;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (position < head.length && (position < bufAt || position >= bufAt + bufLen)) {
      int n = Math.min(dst.remaining(), head.length - (int) position);
      dst.put(head, (int) position, n);
      position += n;
      return n;
    }
    if (position < bufAt || position >= bufAt + bufLen) {
      if (!fill(dst.remaining())) {
        return -1;
      }
    }
    int off = (int) (position - bufAt);
    int n = Math.min(dst.remaining(), bufLen - off);
    dst.put(buf, off, n);
    position += n;
    return n;
  }

  /** Fetches a range starting at the position; false at the end of the object. */
  private boolean fill(int wanted) throws IOException {
    if (size >= 0 && position >= size) {
      return false;
    }
    boolean sequential = bufLen > 0 && position == bufAt + bufLen;
    Range r;
    if (next != null && nextAt == position) {
      r = await(next);
      next = null;
    } else {
      dropNext();
      r = source.fetch(position, fetchLength(wanted, sequential));
    }
    size = r.objectSize();
    if (r.length() == 0) {
      source.release(r.bytes());
      return false;
    }
    releaseBuffer();
    buf = r.bytes();
    bufLen = r.length();
    bufAt = position;
    if (bufAt == 0 && head.length == 0) {
      head = java.util.Arrays.copyOf(buf, Math.min(bufLen, HEAD));
    }
    long end = bufAt + bufLen;
    if (background != null && bufLen >= STREAMING && end < size) {
      int len = (int) Math.min(readAhead, size - end);
      nextAt = end;
      next = CompletableFuture.supplyAsync(() -> {
        try {
          return source.fetch(end, len);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, background);
    }
    return true;
  }

  private int fetchLength(int wanted, boolean sequential) {
    long len;
    if (sequential) {
      len = Math.max(wanted, Math.min(readAhead, 2L * bufLen));
    } else if (position == hintAt) {
      len = Math.max(wanted, hintLength);
    } else {
      len = Math.max(wanted, MIN_FETCH);
    }
    len = Math.min(len, Math.max(readAhead, MAX_FETCH));
    if (size >= 0) {
      len = Math.min(len, size - position);
    }
    return (int) Math.max(1, len);
  }

  private static Range await(CompletableFuture<Range> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a read-ahead");
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
          ? e.getCause().getCause() : e.getCause();
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }

  /** A read-ahead nobody will read: its array goes back to the source when it comes. */
  private void dropNext() {
    if (next != null) {
      next.thenAccept(r -> source.release(r.bytes()));
      next = null;
      nextAt = -1;
    }
  }

  private void releaseBuffer() {
    if (buf != EMPTY) {
      source.release(buf);
    }
    buf = EMPTY;
    bufLen = 0;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    if (size < 0) {
      size = source.size();
    }
    return size;
  }

  @Override
  public void close() throws IOException {
    super.close();
    dropNext();
    releaseBuffer();
    head = EMPTY;
  }
}
