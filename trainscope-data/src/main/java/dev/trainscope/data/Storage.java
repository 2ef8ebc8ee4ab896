package dev.trainscope.data;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a log directory's files live. All file access of the run store goes through this small
 * interface (list, stat, read a byte range), so that a log directory can be a local folder today
 * and an object store prefix ({@code s3://bucket/prefix}, read by range from the last offset)
 * tomorrow.
 *
 * <p>Paths are relative to the root, with '/' between names. Implementations must refuse a path
 * that would leave the root.
 */
public interface Storage {

  /** Where this storage reads, for messages: a directory or a URL. */
  String location();

  /**
   * Every file below the root whose name contains {@code "tfevents"}, at any depth, with its size,
   * identity and change tag. Throws when the root cannot be listed at all; a folder below it that
   * cannot be listed is left out and named in {@link Listing#unlisted()}, and the rest is listed.
   */
  Listing listEventFiles() throws IOException;

  /** The file's current size and identity, or null when it does not exist (any more). */
  FileStat stat(String path) throws IOException;

  /**
   * The files directly in directory {@code dir} ("" for the root) whose names end with {@code
   * suffix}, such as the model files ({@code .onnx}) saved beside a run's event files. Empty when the
   * directory does not exist.
   */
  List<FileStat> listFiles(String dir, String suffix) throws IOException;

  /** Opens a file for reading at any position. */
  SeekableByteChannel open(String path) throws IOException;

  /** A local directory. */
  static Storage local(Path root) {
    return new LocalStorage(root);
  }

  /**
   * A file as listed.
   *
   * @param path relative to the storage root, '/'-separated
   * @param identity what changes when the file is replaced rather than appended to (an inode, an
   *     object's generation); compared for equality only
   * @param changeTag what changes whenever the content changes (a modification time, an object's
   *     ETag), "" when the storage has none; compared for equality only
   */
  record FileStat(String path, long size, String identity, String changeTag) {
    public FileStat {
      java.util.Objects.requireNonNull(path, "path");
      java.util.Objects.requireNonNull(identity, "identity");
      java.util.Objects.requireNonNull(changeTag, "changeTag");
    }

    /** A file whose storage keeps no change tag. */
    public FileStat(String path, long size, String identity) {
      this(path, size, identity, "");
    }
  }

  /**
   * What a listing found: the event files, and the folders it could not list.
   *
   * @param files the event files, in no particular order
   * @param unlisted the folders left out, each with the reason
   */
  record Listing(List<FileStat> files, List<Unlisted> unlisted) {
    public Listing {
      files = List.copyOf(files);
      unlisted = List.copyOf(unlisted);
    }
  }

  /**
   * A folder a listing could not look into.
   *
   * @param path relative to the storage root, '/'-separated
   * @param reason what went wrong, in words
   */
  record Unlisted(String path, String reason) {}
}
