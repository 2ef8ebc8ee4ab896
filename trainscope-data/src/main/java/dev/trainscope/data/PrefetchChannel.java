package dev.trainscope.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only view of a file's channel that serves a range read beforehand from memory: the run
 * store reads the next chunk of a file with {@link #prefetch} before it takes the run's lock, so
 * that the scan under the lock touches no storage and queries of the run never wait for a disk or
 * a network. Reads outside the prefetched range (a record longer than the margin past the chunk,
 * bytes appended since) go to the file.
 *
 * <p>The buffer is direct, so that a prefetch copies no more than a read of the file straight into
 * the scanner's buffer would: the JDK reads a file into a heap buffer through a direct one.
 */
final class PrefetchChannel extends ReadOnlyChannel {
  private final SeekableByteChannel file;
  private final ByteBuffer buffer;
  /** The file offset of the buffer's first byte; the buffer holds {@code buffer.limit()} bytes. */
  private long bufferAt;

  PrefetchChannel(SeekableByteChannel file, ByteBuffer buffer) {
    this.file = file;
    this.buffer = buffer;
    buffer.clear().limit(0);
  }

  /**
   * Reads up to {@code length} bytes at {@code at} into memory: fewer at the end of the file, or
   * when a read fails after the first (the scan then meets the failure where it is, and says
   * where). Throws when the first read fails.
   */
  void prefetch(long at, int length) throws IOException {
    buffer.clear().limit(Math.min(length, buffer.capacity()));
    bufferAt = at;
    file.position(at);
    try {
      while (buffer.hasRemaining()) {
        if (file.read(buffer) <= 0) {
          break; // the end, or a channel that has nothing more now
        }
      }
    } catch (IOException e) {
      if (buffer.position() == 0) {
        buffer.limit(0);
        throw e;
      }
    }
    buffer.flip();
  }

  /** Bytes held in memory. */
  int prefetched() {
    return buffer.limit();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    long off = position - bufferAt;
    if (off >= 0 && off < buffer.limit()) {
      int n = (int) Math.min(dst.remaining(), buffer.limit() - off);
      dst.put(buffer.slice((int) off, n));
      position += n;
      return n;
    }
    file.position(position);
    int n = file.read(dst);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public boolean isOpen() {
    return file.isOpen();
  }

  /** Closes the file; the buffer is the caller's. */
  @Override
  public void close() throws IOException {
    super.close();
    file.close();
  }
}
