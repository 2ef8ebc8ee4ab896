package dev.trainscope.server;

import dev.trainscope.data.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A run store and the dashboard over it on a free port of 127.0.0.1, for the browser tests. */
final class Served implements AutoCloseable {
  final RunStore store;
  final DashboardServer server;
  /** The server's root, {@code http://127.0.0.1:PORT}. */
  final String base;
  /** The page's address: the root and the path prefix, {@code http://127.0.0.1:PORT/tb/}. */
  final String home;

  private Served(RunStore store, long livePeriodMillis, java.util.Collection<String> allowedHosts, PathPrefix prefix,
      Access access) {
    this.store = store;
    this.server = new DashboardServer(store, livePeriodMillis, java.util.Map.of(), GraphService.DEFAULT_LAYOUT_MILLIS,
        prefix, access);
    this.base = "http://127.0.0.1:" + server.start("127.0.0.1", 0, allowedHosts);
    this.home = base + prefix.home();
  }

  private Served(RunStore store, long livePeriodMillis, java.util.Collection<String> allowedHosts) {
    this(store, livePeriodMillis, allowedHosts, PathPrefix.ROOT, Access.open());
  }

  private Served(RunStore store, long livePeriodMillis) {
    this(store, livePeriodMillis, java.util.List.of());
  }

  /** A log directory read once, completely, before the server starts. */
  static Served loaded(Path logdir) throws InterruptedException {
    return loaded(logdir, java.util.List.of());
  }

  /** The same, answering to {@code allowedHosts} besides the defaults. */
  static Served loaded(Path logdir, java.util.Collection<String> allowedHosts) throws InterruptedException {
    RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build();
    store.reload();
    return new Served(store, 100, allowedHosts);
  }

  /** A log directory read once, served under {@code prefix} to those {@code access} lets in. */
  static Served shared(Path logdir, PathPrefix prefix, Access access) throws InterruptedException {
    RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build();
    store.reload();
    return new Served(store, 100, java.util.List.of(), prefix, access);
  }

  /** A log directory polled every {@code interval}, with live updates sent as often. */
  static Served live(Path logdir, Duration interval) {
    return live(RunStore.builder().logdir(logdir).reloadInterval(interval).build(), interval);
  }

  /** A store polled every {@code interval} (started here), with live updates sent as often. */
  static Served live(RunStore store, Duration interval) {
    store.start();
    return new Served(store, interval.toMillis());
  }

  /** testdata/tfevents, always in the checkout. */
  static Path testdata() {
    return Path.of(System.getProperty("trainscope.testdata", "../testdata")).resolve("tfevents");
  }

  /** ../shared/data/tfevents, the 112 real event files; null when that folder is absent. */
  static Path shared() {
    Path p = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data").resolve("tfevents");
    return Files.isDirectory(p) ? p : null;
  }

  /**
   * ../shared/data/training-runs, the labelled training runs; the tests that read it fail (not skip)
   * when it is absent, naming it: CI has it beside the checkout.
   */
  static Path trainingRuns() {
    Path p = Path.of(System.getProperty("trainscope.shared", "../../shared")).resolve("data").resolve("training-runs");
    if (!Files.isDirectory(p)) {
      throw new AssertionError("the labelled training runs are missing at " + p.toAbsolutePath().normalize()
          + " (../shared/data/training-runs beside the checkout, or -Dtrainscope.shared=DIR)");
    }
    return p;
  }

  /** A copy of some runs of ../shared/data/training-runs in {@code dir}, each under its own name. */
  static Path trainingRunsCopy(Path dir, String... runs) throws java.io.IOException {
    Path from = trainingRuns();
    for (String run : runs) {
      Path src = from.resolve(run);
      try (var files = Files.walk(src)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path to = dir.resolve(run).resolve(src.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else {
            Files.copy(f, to);
          }
        }
      }
    }
    return dir;
  }

  /** The event files of folder {@code from} copied into {@code dir}/{@code run}, a run of their own. */
  static void copyRun(Path from, Path dir, String run) throws java.io.IOException {
    Files.createDirectories(dir.resolve(run));
    try (var s = Files.list(from)) {
      for (Path f : s.filter(p -> p.getFileName().toString().contains("tfevents")).toList()) {
        Files.copy(f, dir.resolve(run).resolve(f.getFileName()));
      }
    }
  }

  @Override
  public void close() {
    server.close();
    store.close();
  }
}
