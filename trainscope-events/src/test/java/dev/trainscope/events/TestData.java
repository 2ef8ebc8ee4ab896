package dev.trainscope.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Where the real event files are: the permissive copy in the repository, and ../shared when present. */
final class TestData {
  private TestData() {}

  /** The fixtures copied into the repository (always present). */
  static Path repoTfevents() {
    Path p = Path.of(System.getProperty("trainscope.testdata", "../testdata")).resolve("tfevents");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("test fixtures missing at " + p.toAbsolutePath());
    }
    return p;
  }

  /** The full set of 112 files beside the checkout, or null when ../shared is absent. */
  static Path sharedTfevents() {
    Path p = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data/tfevents");
    return Files.isDirectory(p) ? p : null;
  }

  /** Every event file under a folder, sorted. */
  static List<Path> eventFiles(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().contains("tfevents"))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest written beside an event file. */
  static Path manifestOf(Path eventFile) {
    String name = eventFile.getFileName().toString().replace("tfevents", "tfmanifest") + ".json";
    return eventFile.resolveSibling(name);
  }
}
