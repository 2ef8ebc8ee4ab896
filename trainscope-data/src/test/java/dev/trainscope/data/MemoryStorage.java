package dev.trainscope.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Storage} in memory whose listings and reads a test controls, to put the store in the
 * states a live file system reaches only by chance: a file that grows right after a read hit its
 * end, a listing that is already stale when the file is opened.
 */
final class MemoryStorage implements Storage {

  /** One file: live bytes, an identity, and hooks. */
  static final class File {
    private byte[] data = new byte[0];
    private int size;
    String identity;
    /** When >= 0, listings report this size instead of the real one (a stale listing). */
    volatile long listedSize = -1;
    /** Runs once, right after a read of this file has returned end-of-file. */
    volatile Runnable afterEof;
    /** Reads that start at or past this offset fail, as on a disk with a bad block. */
    volatile long failReadsFrom = Long.MAX_VALUE;
    /** Runs at each read, with the offset it reads at, before it reads (on the reader's thread). */
    volatile java.util.function.LongConsumer beforeRead;
    /** When set, opening the file fails with this, as a file without read permission does. */
    volatile IOException openFails;
    /** Counts changes of the content: the change tag listings report. */
    private int changes;

    File(String identity) {
      this.identity = identity;
    }

    synchronized void append(byte[] more) {
      if (size + more.length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + more.length));
      }
      System.arraycopy(more, 0, data, size, more.length);
      size += more.length;
      changes++;
    }

    synchronized void truncate(int newSize) {
      size = Math.min(size, newSize);
      changes++;
    }

    /** Writes over the content from {@code at} on, as a program rewriting the file in place does. */
    synchronized void overwrite(int at, byte[] bytes) {
      if (at + bytes.length > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, at + bytes.length));
      }
      System.arraycopy(bytes, 0, data, at, bytes.length);
      size = Math.max(size, at + bytes.length);
      changes++;
    }

    synchronized String changeTag() {
      return "change-" + changes;
    }

    synchronized int size() {
      return size;
    }

    synchronized int read(long position, ByteBuffer dst) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(Math.min(dst.remaining(), size - position), failReadsFrom - position);
      dst.put(data, (int) position, n);
      return n;
    }
  }

  private final Map<String, File> files = new TreeMap<>();
  private int identities;
  /** Folders listings say they could not list, with the reason. */
  final Map<String, String> unlisted = new TreeMap<>();

  synchronized File create(String path) {
    File f = new File("id-" + identities++);
    files.put(path, f);
    return f;
  }

  synchronized File file(String path) {
    return files.get(path);
  }

  @Override
  public String location() {
    return "memory:";
  }

  @Override
  public synchronized Listing listEventFiles() {
    List<FileStat> out = new ArrayList<>();
    for (Map.Entry<String, File> e : files.entrySet()) {
      File f = e.getValue();
      out.add(new FileStat(e.getKey(), f.listedSize >= 0 ? f.listedSize : f.size(), f.identity, f.changeTag()));
    }
    List<Unlisted> skipped = new ArrayList<>();
    unlisted.forEach((path, reason) -> skipped.add(new Unlisted(path, reason)));
    return new Listing(out, skipped);
  }

  @Override
  public synchronized List<FileStat> listFiles(String dir, String suffix) {
    List<FileStat> out = new ArrayList<>();
    String prefix = dir.isEmpty() ? "" : dir + "/";
    for (Map.Entry<String, File> e : files.entrySet()) {
      String rest = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : null;
      if (rest != null && rest.indexOf('/') < 0 && rest.endsWith(suffix)) {
        out.add(new FileStat(e.getKey(), e.getValue().size(), e.getValue().identity));
      }
    }
    return out;
  }

  @Override
  public synchronized FileStat stat(String path) {
    File f = files.get(path);
    return f == null ? null : new FileStat(path, f.size(), f.identity, f.changeTag());
  }

  @Override
  public synchronized SeekableByteChannel open(String path) throws IOException {
    File f = files.get(path);
    if (f == null) {
      throw new NoSuchFileException(path);
    }
    IOException fails = f.openFails;
    if (fails != null) {
      throw fails;
    }
    return new Channel(f);
  }

  /** A read-only channel over a file's live bytes. */
  private static final class Channel extends ReadOnlyChannel {
    private final File file;

    Channel(File file) {
      this.file = file;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      ensureOpen();
      java.util.function.LongConsumer before = file.beforeRead;
      if (before != null) {
        before.accept(position);
      }
      if (position >= file.failReadsFrom) {
        throw new IOException("Input/output error (a test's bad block at offset " + file.failReadsFrom + ")");
      }
      int n = file.read(position, dst);
      if (n < 0) {
        Runnable hook = file.afterEof;
        if (hook != null) {
          file.afterEof = null;
          hook.run();
        }
        return -1;
      }
      position += n;
      return n;
    }

    @Override
    public long size() {
      return file.size();
    }
  }
}
