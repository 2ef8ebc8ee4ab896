package dev.trainscope.cli;

import dev.trainscope.data.Storage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Log directories as the commands take them: a local path or a URL ({@code s3://bucket/prefix}).
 * A URL of a scheme the build does not read is refused with the ones it reads, never taken for a
 * local path.
 */
final class Logdirs {
  private Logdirs() {}

  /**
   * Why {@code location} cannot be read as a log directory, or null when it can be tried: a URL
   * of a scheme not read, an s3:// URL without a bucket, a local path that is no directory.
   */
  static String problem(String location) {
    if (Storage.isUrl(location)) {
      try {
        Storage.requireSupported(location);
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    return Files.isDirectory(Path.of(location)) ? null : "not a directory: " + location;
  }

  /** The name a run at the log directory's own root is shown by: the folder's (or the URL's last) name, not ".". */
  static String displayName(String location) {
    if (Storage.isUrl(location)) {
      String s = location.replaceAll("/+$", "");
      return s.substring(s.lastIndexOf('/') + 1);
    }
    Path abs = Path.of(location).toAbsolutePath().normalize();
    return abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
  }
}
