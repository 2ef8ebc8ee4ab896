package dev.trainscope.cli;

import dev.trainscope.data.LoadProgress;
import dev.trainscope.data.RunStore;
import dev.trainscope.server.DashboardServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trainscope serve}: the dashboard over a log directory, kept live. TensorBoard's flags
 * where they exist, so habits carry over. Binds to localhost unless told otherwise; Ctrl-C stops
 * it cleanly.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {"Serve the dashboard over a log directory (any TensorBoard log directory), updated live."})
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--logdir", paramLabel = "DIR",
      description = "The log directory, a folder or s3://BUCKET/PREFIX: each folder holding event files is a run.")
  String logdir;

  @Option(names = "--logdir_spec", paramLabel = "SPEC",
      description = "Several log directories as name:path pairs separated by commas; runs are named name/<dir>.")
  String logdirSpec;

  @CommandLine.Mixin
  DiagnosisOptions diagnosis = new DiagnosisOptions();

  @CommandLine.Mixin
  ListenOptions listen = new ListenOptions();

  @Option(names = "--bind_all", description = "Listen on all network interfaces (with an access token unless --auth none).")
  boolean bindAll;

  @CommandLine.Mixin
  ShareOptions share = new ShareOptions();

  @Option(names = "--reload_interval", defaultValue = "5", paramLabel = "SECONDS",
      description = "How often to look for new runs and data, in seconds (default ${DEFAULT-VALUE}).")
  double reloadInterval;

  @Option(names = "--model", paramLabel = "FILE",
      description = "A model file to show in the Graph tab (ONNX .onnx, or a binary TensorFlow GraphDef .pb); repeatable.")
  java.util.List<Path> modelFiles = new java.util.ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if ((logdir == null) == (logdirSpec == null)) {
      err.println("trainscope serve: give exactly one of --logdir DIR or --logdir_spec name:DIR,...");
      err.flush();
      return 2;
    }
    if (!(reloadInterval > 0) || reloadInterval > 86400) {
      err.println("trainscope serve: --reload_interval must be in (0, 86400] seconds, was " + reloadInterval);
      err.flush();
      return 2;
    }
    if (listen.portProblem() != null) {
      err.println("trainscope serve: " + listen.portProblem());
      err.flush();
      return 2;
    }
    java.util.Map<String, Path> models = new java.util.LinkedHashMap<>();
    for (Path m : modelFiles) {
      if (!Files.isRegularFile(m) || !Files.isReadable(m)) {
        err.println("trainscope serve: --model " + Terminal.safe(m.toString()) + " is not a readable file");
        err.flush();
        return 2;
      }
      String name = m.getFileName().toString();
      for (int k = 2; models.containsKey(name); k++) {
        name = m.getFileName() + " (" + k + ")";
      }
      models.put(name, m.toAbsolutePath());
    }
    RunStore.Builder b = RunStore.builder().reloadInterval(Duration.ofMillis((long) (reloadInterval * 1000)));
    try {
      if (logdir != null) {
        if (!dev.trainscope.data.Storage.isUrl(logdir) && !Files.isDirectory(Path.of(logdir))) {
          err.println("trainscope serve: note: " + Terminal.safe(logdir)
              + " does not exist yet; its runs will appear when it does");
        }
        b.logdir(logdir);
      } else {
        b.logdirSpec(logdirSpec);
      }
    } catch (IllegalArgumentException e) {
      err.println("trainscope serve: " + e.getMessage());
      err.flush();
      return 2;
    }
    String bind = bindAll ? "0.0.0.0" : listen.host;
    ShareOptions.Shared shared;
    dev.trainscope.diagnose.Doctor doctor;
    try {
      shared = share.resolve(bind);
      doctor = diagnosis.doctor();
    } catch (IllegalArgumentException | java.io.IOException e) {
      err.println("trainscope serve: " + Terminal.safe(String.valueOf(e.getMessage())));
      err.flush();
      return 2;
    }
    RunStore store = b.build();
    DashboardServer server = new DashboardServer(store, models, shared.prefix(), shared.access(), doctor);
    int actual;
    try {
      actual = server.start(bind, listen.port, listen.allowedHosts);
    } catch (RuntimeException e) {
      server.close();
      store.close();
      err.println("trainscope serve: cannot listen on " + bind + ":" + listen.port + " (" + rootMessage(e)
          + "); is another server using it? --port 0 picks a free port");
      err.flush();
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = Shutdown.hook(stopped, server, store);
    Runtime.getRuntime().addShutdownHook(hook);
    store.start();
    PrintWriter out = spec.commandLine().getOut();
    String shown = bindAll ? "localhost" : (bind.contains(":") ? "[" + bind + "]" : bind);
    out.println("Trainscope is serving " + Terminal.safe(logdir != null ? logdir : logdirSpec)
        + " at " + shared.url("http://" + shown + ":" + actual) + "  (Ctrl-C to stop)");
    out.flush();
    showProgress(store, err);
    stopped.await();
    return 0;
  }

  /** A progress bar on stderr until the first load is done. */
  private static void showProgress(RunStore store, PrintWriter err) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      LoadProgress p = store.progress();
      int width = 30;
      int filled = (int) Math.round(p.fraction() * width);
      err.printf(Locale.ROOT, "\rloading [%s%s] %3.0f%%  %,d of %,d runs, %,.1f of %,.1f MB",
          "#".repeat(filled), ".".repeat(width - filled), p.fraction() * 100, p.runsLoaded(), p.runsKnown(),
          p.bytesRead() / 1e6, p.bytesKnown() / 1e6);
      err.flush();
      if (p.done()) {
        err.printf(Locale.ROOT, "%nloaded in %.1f s%n", (System.nanoTime() - start) / 1e9);
        err.flush();
        return;
      }
      Thread.sleep(200);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
