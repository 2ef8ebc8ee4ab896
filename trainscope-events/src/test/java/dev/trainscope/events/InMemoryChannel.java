package dev.trainscope.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * A read-only {@link SeekableByteChannel} over bytes in memory, as an object-store range reader
 * would be: reads may return fewer bytes than asked for (at most {@code maxChunk}), the content
 * may grow between scans, and a read can be made to fail from a given offset on.
 */
final class InMemoryChannel implements SeekableByteChannel {
  private byte[] content;
  private int size;
  private final int maxChunk;
  private long position;
  private long failFrom = Long.MAX_VALUE;
  private boolean open = true;

  InMemoryChannel(byte[] content, int maxChunk) {
    if (maxChunk < 1) {
      throw new IllegalArgumentException("maxChunk must be >= 1, was " + maxChunk);
    }
    this.content = content.clone();
    this.size = content.length;
    this.maxChunk = maxChunk;
  }

  /** Makes every read that starts at or after {@code offset} throw. */
  InMemoryChannel failReadsFrom(long offset) {
    this.failFrom = offset;
    return this;
  }

  /** Adds bytes at the end, as a writer appending to the file. */
  void append(byte[] more) {
    if (size + more.length > content.length) {
      content = Arrays.copyOf(content, Math.max(content.length * 2, size + more.length));
    }
    System.arraycopy(more, 0, content, size, more.length);
    size += more.length;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= failFrom) {
      throw new IOException("injected read failure at offset " + position);
    }
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(Math.min(dst.remaining(), maxChunk), size - position);
    dst.put(content, (int) position, n);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("position must be >= 0, was " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private void ensureOpen() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
