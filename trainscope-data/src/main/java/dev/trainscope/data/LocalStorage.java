package dev.trainscope.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * A log directory on a local file system. Symbolic links are followed, as users link runs into a
 * log directory; loops are skipped, and so are folders that cannot be listed, which the listing
 * names. A file's change tag is its modification time.
 */
final class LocalStorage implements Storage {
  private static final int MAX_DEPTH = 64;

  private final Path root;

  LocalStorage(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public Listing listEventFiles() throws IOException {
    return listEventFiles(folder -> {});
  }

  /** {@inheritDoc} Each folder's files are told of when the walk leaves the folder. */
  @Override
  public Listing listEventFiles(java.util.function.Consumer<List<FileStat>> folderRead) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString(), null, "log directory does not exist or is not a directory");
    }
    List<FileStat> out = new ArrayList<>();
    List<Unlisted> unlisted = new ArrayList<>();
    // the event files of each folder being walked, innermost last
    java.util.ArrayDeque<List<FileStat>> open = new java.util.ArrayDeque<>();
    Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        open.addLast(new ArrayList<>(1));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && file.getFileName().toString().contains("tfevents")) {
          FileStat f = new FileStat(relative(file), attrs.size(), identity(attrs), changeTag(attrs));
          out.add(f);
          if (!open.isEmpty()) {
            open.getLast().add(f);
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        // A loop of links, or an entry that vanished, is no trouble; a folder that cannot be
        // opened is left out and said.
        if (!(e instanceof java.nio.file.FileSystemLoopException || e instanceof NoSuchFileException)
            && Files.isDirectory(file)) {
          unlisted.add(new Unlisted(relative(file), reason(e)));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) {
        // A folder that opened but failed while being read (SimpleFileVisitor would end the whole
        // walk here): what it listed so far is kept, the rest of the log directory is walked on.
        if (e != null && !(e instanceof NoSuchFileException)) {
          unlisted.add(new Unlisted(relative(dir), reason(e)));
        }
        List<FileStat> files = open.pollLast();
        if (files != null && !files.isEmpty()) {
          folderRead.accept(files);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return new Listing(out, unlisted);
  }

  private static String reason(IOException e) {
    String what = e.getClass().getSimpleName();
    return e.getMessage() == null ? what : what + ": " + e.getMessage();
  }

  @Override
  public List<FileStat> listFiles(String dir, String suffix) throws IOException {
    Path d = dir.isEmpty() ? root : resolve(dir);
    List<FileStat> out = new ArrayList<>();
    if (!Files.isDirectory(d)) {
      return out;
    }
    try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
      for (Path f : s) {
        if (f.getFileName().toString().endsWith(suffix)) {
          try {
            BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
            if (attrs.isRegularFile()) {
              out.add(new FileStat(relative(f), attrs.size(), identity(attrs), changeTag(attrs)));
            }
          } catch (IOException e) {
            // vanished or unreadable: leave it out, as listEventFiles does
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(FileStat::path));
    return out;
  }

  @Override
  public FileStat stat(String path) throws IOException {
    Path p = resolve(path);
    if (!p.toFile().exists()) {
      // the common answer (a run without a projector config) without an exception made for it
      return null;
    }
    try {
      BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
      return attrs.isRegularFile() ? new FileStat(path, attrs.size(), identity(attrs), changeTag(attrs)) : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public SeekableByteChannel open(String path) throws IOException {
    return FileChannel.open(resolve(path), StandardOpenOption.READ);
  }

  private String relative(Path file) {
    // the walk's paths are the root's string and a separator before the relative part: cut that off
    // (one substring instead of a relativized Path taken apart, for each of 10,000 runs' files)
    String s = file.toString();
    String r = root.toString();
    if (java.io.File.separatorChar == '/' && s.length() > r.length() + 1 && s.startsWith(r) && s.charAt(r.length()) == '/') {
      return s.substring(r.length() + 1);
    }
    Path rel = root.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  /** Resolves a listed path; refuses anything that would leave the root. */
  Path resolve(String path) throws IOException {
    Objects.requireNonNull(path, "path");
    // before resolving: Path refuses a NUL with an unchecked InvalidPathException
    if (path.isEmpty() || path.indexOf('\0') >= 0) {
      throw new NoSuchFileException(path, null, "not a file of the log directory " + root);
    }
    Path p;
    try {
      p = root.resolve(path).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new NoSuchFileException(path, null, "not a valid path: " + e.getReason());
    }
    if (!p.startsWith(root) || p.equals(root)) {
      throw new NoSuchFileException(path, null, "outside the log directory " + root);
    }
    return p;
  }

  private static String identity(BasicFileAttributes attrs) {
    Object key = attrs.fileKey();
    return key != null ? key.toString() : String.valueOf(attrs.creationTime().toMillis());
  }

  /** The modification time to the nanosecond, as the file system keeps it. */
  private static String changeTag(BasicFileAttributes attrs) {
    java.time.Instant t = attrs.lastModifiedTime().toInstant();
    return t.getEpochSecond() + "." + t.getNano();
  }

  @Override
  public String toString() {
    return "LocalStorage[" + root + "]";
  }
}
