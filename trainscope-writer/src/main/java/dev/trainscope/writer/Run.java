package dev.trainscope.writer;

import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.SourceMetadata;
import dev.trainscope.events.wire.ProtoWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event file, the way TensorBoard's writers name and start it:
 *
 * <pre>
 *   &lt;dir&gt;/events.out.tfevents.&lt;10-digit seconds&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;n&gt;&lt;suffix&gt;
 *   record 0:  Event { wall_time, file_version: "brain.Event:2", source_metadata { writer } }
 *   record 1…: Event { wall_time, step, summary { value { tag, tensor, metadata (first value of a tag only) } } }
 *              or Event { wall_time, graph_def } for a graph
 * </pre>
 *
 * where {@code n} counts the files this process has created. The first record is written by the
 * thread that opens the file, so that a reader sees a well-formed file at once; everything after it
 * is appended by the writer's consumer thread through {@link #out}.
 */
final class Run {
  static final String FILE_VERSION = "brain.Event:2";
  static final String WRITER_NAME = "dev.trainscope.writer";
  private static final AtomicInteger FILES_CREATED = new AtomicInteger();
  private static final int INITIAL_BUFFER = 64 * 1024;
  /** A buffer that grew past this for one big record is let go after it is written. */
  private static final int RETAINED_BUFFER = 4 * 1024 * 1024;

  final Path dir;
  final Path file;
  final FileChannel channel;
  /** Tags by name; written under the writer's lock, read without it. */
  final ConcurrentHashMap<String, Tag> tags = new ConcurrentHashMap<>();

  // Consumer thread only.
  /** The records not yet handed to the OS, framed. */
  ProtoWriter out = new ProtoWriter(INITIAL_BUFFER);
  boolean queuedForWrite;
  boolean seen;
  boolean unsynced;
  boolean directorySynced;
  boolean closed;

  private Run(Path dir, Path file, FileChannel channel) {
    this.dir = dir;
    this.file = file;
    this.channel = channel;
  }

  /**
   * Creates the directory and a new event file in it, and writes the file-version record; when that
   * write fails, removes the file again and throws.
   */
  static Run open(Path dir, String suffix, double wallTime) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName((long) Math.floor(wallTime), suffix));
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      byte[] header = TfRecordFormat.frame(
          new Event(wallTime, 0, new Event.FileVersion(FILE_VERSION), new SourceMetadata(WRITER_NAME)).toByteArray());
      ByteBuffer bb = ByteBuffer.wrap(header);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
    } catch (IOException | RuntimeException e) {
      // No file without its first record: a reader would list an empty run, and the next writer
      // would leave another. The caller gets the error.
      try {
        ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new Run(dir, file, ch);
  }

  static String fileName(long seconds, String suffix) {
    return String.format(Locale.ROOT, "events.out.tfevents.%010d.%s.%d.%d%s", seconds, Host.NAME,
        ProcessHandle.current().pid(), FILES_CREATED.getAndIncrement(), suffix);
  }

  /** Hands the buffered records to the operating system. */
  void writeBuffered() throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(out.array(), 0, out.size());
    while (bb.hasRemaining()) {
      channel.write(bb);
    }
    unsynced = true;
    if (out.array().length > RETAINED_BUFFER) {
      out = new ProtoWriter(INITIAL_BUFFER);
    } else {
      out.reset();
    }
  }

  /**
   * Forces the file's data to the disk and, the first time, the directory entry that names the
   * file (without it a new file can vanish in a power loss even though its data was synced).
   */
  void sync() throws IOException {
    channel.force(false);
    unsynced = false;
    if (!directorySynced) {
      directorySynced = true;
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException | UnsupportedOperationException e) {
        // Some systems cannot open or sync a directory (Windows); the file's own sync stands.
      }
    }
  }

  /** The host name as TensorBoard's writers put it in file names, read once. */
  static final class Host {
    private Host() {}

    static final String NAME = read();

    private static String read() {
      String name = null;
      try {
        // Linux keeps it here; reading it avoids the DNS lookup InetAddress.getLocalHost() may do.
        Path p = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(p)) {
          name = Files.readString(p, StandardCharsets.US_ASCII).trim();
        }
        if (name == null || name.isEmpty()) {
          name = InetAddress.getLocalHost().getHostName();
        }
      } catch (IOException | RuntimeException e) {
        name = "localhost";
      }
      String clean = name.replaceAll("[^A-Za-z0-9._-]", "_");
      return clean.isEmpty() ? "localhost" : clean;
    }
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
