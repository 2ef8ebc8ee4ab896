package dev.trainscope.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a log directory's files live. All file access of the run store goes through this small
 * interface (list, stat, read a byte range), so that a log directory can be a local folder or an
 * object store prefix ({@code s3://bucket/prefix}, read by ranged GETs from the last offset).
 *
 * <p>Paths are relative to the root, with '/' between names. Implementations must refuse a path
 * that would leave the root. A run store closes the storages it was given when it is closed.
 */
public interface Storage extends Closeable {

  /** The URL schemes {@link #at} reads, for messages. */
  String SUPPORTED = "a local folder, or s3://BUCKET/PREFIX (Amazon S3, or MinIO, Ceph, S3Proxy, Google Cloud"
      + " Storage and others through their S3 API with AWS_ENDPOINT_URL)";

  /** Where this storage reads, for messages: a directory or a URL. */
  String location();

  /**
   * Every file below the root whose name contains {@code "tfevents"}, at any depth, with its size,
   * identity and change tag. Throws when the root cannot be listed at all; a folder below it that
   * cannot be listed is left out and named in {@link Listing#unlisted()}, and the rest is listed.
   */
  Listing listEventFiles() throws IOException;

  /**
   * Lists as {@link #listEventFiles()} does, and may tell {@code folderRead} of a folder's event
   * files as soon as that folder has been read, before the walk goes on, so that the first runs of
   * a big log directory load while the rest is listed. The returned listing holds every file,
   * those told of included. By default nothing is told before the listing is whole.
   */
  default Listing listEventFiles(java.util.function.Consumer<List<FileStat>> folderRead) throws IOException {
    return listEventFiles();
  }

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

  /**
   * Opens a file to read about {@code length} bytes at {@code offset}, such as one record holding
   * an image: object storage fetches that range with its first request, and no more.
   */
  default SeekableByteChannel open(String path, long offset, int length) throws IOException {
    return open(path);
  }

  /**
   * How many loaders per core keep the cores busy: 1 for a local folder, where loading is bound by
   * the CPU; more for object storage, where a loader waits for each ranged GET.
   */
  default int loadersPerCore() {
    return 1;
  }

  /** Requests made and bytes fetched so far; zeros where nothing is counted (a local folder). */
  default Traffic traffic() {
    return Traffic.NONE;
  }

  /** Lets go of connections and threads; a local folder holds none. */
  @Override
  default void close() throws IOException {}

  /** A local directory. */
  static Storage local(Path root) {
    return new LocalStorage(root);
  }

  /**
   * The storage of a log directory as a user writes it: {@code s3://bucket/prefix} (the endpoint,
   * region and keys from the environment, as {@link S3Settings#fromEnvironment} reads them) or a
   * local path. A URL of any other scheme is refused with the ones supported, never taken for a
   * local path ({@code Path.of("gs://b/x")} is the folder {@code gs:/b/x}).
   */
  static Storage at(String location) {
    requireSupported(location);
    return isUrl(location) ? new S3Storage(S3Location.parse(location), S3Settings.fromEnvironment())
        : local(Path.of(location));
  }

  /** Refuses a log directory that {@link #at} cannot read: a URL of another scheme, an s3:// URL without a bucket. */
  static void requireSupported(String location) {
    java.util.Objects.requireNonNull(location, "location");
    if (!isUrl(location)) {
      return;
    }
    String scheme = location.substring(0, location.indexOf("://")).toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals(S3Location.SCHEME)) {
      throw new IllegalArgumentException("cannot read '" + location + "': this build does not read " + scheme
          + ":// URLs; it reads " + SUPPORTED);
    }
    S3Location.parse(location);
  }

  /** Whether a log directory as written is a URL rather than a local path. */
  static boolean isUrl(String location) {
    return location.matches("(?s)[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }

  /**
   * What reading has cost.
   *
   * @param requests requests sent, retries included
   * @param bytes bytes of file content received
   */
  record Traffic(long requests, long bytes) {
    public static final Traffic NONE = new Traffic(0, 0);

    public Traffic plus(Traffic o) {
      return new Traffic(requests + o.requests, bytes + o.bytes);
    }
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
