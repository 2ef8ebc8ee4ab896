package dev.trainscope.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * What the store's channels share: a position that any read may move, no writing, and a flag
 * for being closed. Subclasses read and say the size.
 */
abstract class ReadOnlyChannel implements SeekableByteChannel {
  protected long position;
  private boolean open = true;

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long p) {
    if (p < 0) {
      throw new IllegalArgumentException("position must be >= 0, was " + p);
    }
    position = p;
    return this;
  }

  @Override
  public final int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public final SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
  }

  protected final void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
