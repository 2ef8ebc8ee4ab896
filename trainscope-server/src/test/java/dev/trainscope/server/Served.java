package dev.trainscope.server;

import dev.trainscope.data.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A run store and the dashboard over it on a free port of 127.0.0.1, for the browser tests. */
final class Served implements AutoCloseable {
  final RunStore store;
  final DashboardServer server;
  final String base;

  private Served(RunStore store, long livePeriodMillis, java.util.Collection<String> allowedHosts) {
    this.store = store;
    this.server = new DashboardServer(store, livePeriodMillis);
    this.base = "http://127.0.0.1:" + server.start("127.0.0.1", 0, allowedHosts);
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

  /** A log directory polled every {@code interval}, with live updates sent as often. */
  static Served live(Path logdir, Duration interval) {
    RunStore store = RunStore.builder().logdir(logdir).reloadInterval(interval).build();
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

  @Override
  public void close() {
    server.close();
    store.close();
  }
}
