package dev.trainscope.cli;

import dev.trainscope.data.RunStore;
import dev.trainscope.djl.Autoencoder;
import dev.trainscope.djl.AutoencoderDemo;
import dev.trainscope.djl.Demo;
import dev.trainscope.djl.Fault;
import dev.trainscope.djl.Logged;
import dev.trainscope.djl.Mnist;
import dev.trainscope.server.DashboardServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trainscope demo}: trains a small CNN on the bundled MNIST digits with the DJL listener
 * on, writing {@code runs/demo/<timestamp>}, and serves the dashboard over {@code runs/demo} from
 * the first step, so the run can be watched as it trains. {@code --model autoencoder} trains a
 * small convolutional VAE instead ({@code runs/demo/<timestamp>-autoencoder}), whose latent
 * traversals are logged as pictures.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Train a small CNN on 8,000 real MNIST digits (2,000 for validation) for about two minutes, logging"
            + " everything, and watch it live in the dashboard.",
        "",
        "--fault injects a known training fault, so you can see what it looks like: lr-high, lr-low,"
            + " no-normalize, dead-relu, vanishing, exploding, overfit, repeat-batch, saturated, shuffled-labels,"
            + " unshuffled, zero-init.",
        "",
        "--model autoencoder trains a generative model instead: a convolutional VAE with "
            + Autoencoder.DEFAULT_LATENT_DIMS + " latent dimensions, logging its reconstructions and latent"
            + " traversals (each latent dimension swept from -3 to +3 prior standard deviations) as pictures."})
final class DemoCommand implements Callable<Integer> {
  private static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);
  static final String CNN = "cnn";
  static final String AUTOENCODER = "autoencoder";
  /**
   * The demo's trainer, looked up as a resource: the dashboard runs without the demo's jars (DJL and
   * PyTorch), so this class names DJL's and the demo's types in its method bodies only, never in a
   * field or a method's signature (picocli reflects on those while it registers the command, which
   * would load them); {@link Demos} holds the methods that take or return them.
   */
  static final String DEMO_CLASS = "dev/trainscope/djl/Demo.class";

  @Option(names = "--logdir", defaultValue = "runs/demo", paramLabel = "DIR",
      description = "Where runs go, one folder each (default ${DEFAULT-VALUE}); the dashboard shows them all.")
  Path logdir;

  @CommandLine.Mixin
  ListenOptions listen = new ListenOptions();

  @CommandLine.Mixin
  ShareOptions share = new ShareOptions();

  @Option(names = "--no-serve", description = "Train and exit, without the dashboard.")
  boolean noServe;

  @Option(names = "--model", defaultValue = CNN, paramLabel = "M",
      description = "What to train: cnn (default), the digit classifier; or autoencoder, a convolutional VAE whose"
          + " latent traversals are logged (with --seed, --epochs, --train-samples, --batch-size and --lr).")
  String model;

  @Option(names = "--fault", defaultValue = "none", paramLabel = "F",
      description = "Inject a training fault: none (default), lr-high, lr-low, no-normalize, dead-relu, vanishing,"
          + " exploding, overfit, repeat-batch, saturated, shuffled-labels (training labels randomly permuted),"
          + " unshuffled (training digits sorted by label, never shuffled), zero-init (every weight and bias 0).")
  String fault;

  @Option(names = "--seed", defaultValue = "" + Demo.DEFAULT_SEED, description = "Random seed (default ${DEFAULT-VALUE}).")
  int seed;

  @Option(names = "--epochs", defaultValue = "0", description = "Training epochs (default: "
      + Demo.DEFAULT_EPOCHS + "; the overfit fault trains 4 times as many, shuffled-labels "
      + Demo.SHUFFLED_LABELS_EPOCHS + ", unshuffled " + Demo.UNSHUFFLED_EPOCHS + "; the autoencoder "
      + AutoencoderDemo.DEFAULT_EPOCHS + ").")
  int epochs;

  @Option(names = "--train-samples", defaultValue = "0", paramLabel = "N",
      description = "Train on the first N of the 8,000 training digits (default: all; overfit: 256).")
  int trainSamples;

  @Option(names = "--arch", defaultValue = "cnn", description = "Network, with no fault: cnn (default) or mlp"
      + " (two dense(256)-relu layers).")
  String arch;

  @Option(names = "--optimizer", defaultValue = "adam", description = "Optimiser, with no fault: adam (default) or"
      + " sgd (momentum 0.9).")
  String optimizer;

  @Option(names = "--batch-size", defaultValue = "" + Demo.BATCH_SIZE, paramLabel = "N",
      description = "Training batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0", description = "Learning rate, with no fault (default: adam 1e-3,"
      + " sgd 0.01; the autoencoder's Adam 1e-3).")
  double lr;

  @Option(names = "--skip", split = ",", paramLabel = "WHAT", description = "Leave these out of the log, comma"
      + " separated: metrics, learning-rate, speed, weights, gradients, updates, activations, inputs, fingerprints,"
      + " predictions, filters, feature-maps, feature-views, graph, embedding (default: log"
      + " everything).")
  List<String> skip = new ArrayList<>();

  @Option(names = "--no-log", description = "Train without the Trainscope listener and write nothing (the baseline"
      + " of the overhead benchmark); implies --no-serve.")
  boolean noLog;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Released when the dashboard should stop (Ctrl-C; tests release it themselves). */
  final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (DemoCommand.class.getClassLoader().getResource(DEMO_CLASS) == null) {
      err.println("trainscope demo: the demo's libraries are not on the class path (trainscope-demo with DJL and"
          + " PyTorch: lib/demo/ of a release, which bin/trainscope adds for this command; trainscope-demo/target/lib"
          + " in a checkout, which ./trainscope adds). Reinstall the release, or build with mvn package.");
      err.flush();
      return 2;
    }
    String m = model.toLowerCase(Locale.ROOT);
    if (!m.equals(CNN) && !m.equals(AUTOENCODER)) {
      return usage(err, "--model must be cnn or autoencoder, was '" + Terminal.safe(model) + "'");
    }
    boolean autoencoder = m.equals(AUTOENCODER);
    Fault f;
    try {
      f = Fault.of(fault);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    if (listen.portProblem() != null) {
      return usage(err, listen.portProblem());
    }
    ShareOptions.Shared shared;
    try {
      shared = share.resolve(listen.host);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    if (epochs < 0) {
      return usage(err, "--epochs must be >= 1, was " + epochs);
    }
    if (trainSamples < 0 || trainSamples > Mnist.TRAIN_COUNT) {
      return usage(err, "--train-samples must be in 1.." + Mnist.TRAIN_COUNT + ", was " + trainSamples);
    }
    if (autoencoder) {
      String clash = autoencoderClash(f == Fault.NONE ? null : f.id());
      if (clash != null) {
        return usage(err, clash);
      }
    }
    Set<Logged> skipped = EnumSet.noneOf(Logged.class);
    for (String s : skip) {
      Logged l = Demos.logged(s);
      if (l == null) {
        return usage(err, "unknown --skip '" + s + "'; known: " + Arrays.stream(Logged.values()).map(Demos::name)
            .collect(Collectors.joining(", ")));
      }
      skipped.add(l);
    }
    Demo.Options options = null;
    AutoencoderDemo.Options vaeOptions = null;
    try {
      if (autoencoder) {
        vaeOptions = new AutoencoderDemo.Options(null, seed, epochs, trainSamples, batchSize, lr,
            Autoencoder.DEFAULT_LATENT_DIMS);
      } else {
        options = new Demo.Options(null, f, seed, epochs, trainSamples, new Demo.Variant(arch, optimizer, batchSize, lr),
            skipped);
      }
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    quietLibraries();
    Path run = null;
    if (!noLog) {
      run = newRunDir(autoencoder ? AUTOENCODER : f == Fault.NONE ? null : f.id());
    }

    RunStore store = null;
    DashboardServer server = null;
    Thread hook = null;
    String url = null;
    if (!noServe && !noLog) {
      store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ofSeconds(1)).build();
      server = new DashboardServer(store, java.util.Map.of(), shared.prefix(), shared.access());
      int actual;
      try {
        actual = server.start(listen.host, listen.port, listen.allowedHosts);
      } catch (RuntimeException e) {
        server.close();
        store.close();
        err.println("trainscope demo: cannot listen on " + listen.host + ":" + listen.port + " (" + e.getMessage()
            + "); is another server using it? --port 0 picks a free port, --no-serve trains without the dashboard");
        err.flush();
        return 2;
      }
      RunStore s = store;
      DashboardServer d = server;
      hook = Shutdown.hook(stopped, d, s);
      Runtime.getRuntime().addShutdownHook(hook);
      store.start();
      url = shared.url("http://" + (listen.host.contains(":") ? "[" + listen.host + "]" : listen.host) + ":" + actual);
      out.println("Trainscope is serving " + Terminal.safe(logdir.toString()) + " at " + url
          + "  (the run appears as it trains; Ctrl-C to stop)");
      out.flush();
    }
    String what = autoencoder ? "a convolutional VAE with " + Autoencoder.DEFAULT_LATENT_DIMS + " latent dimensions"
        + " learning the digits, its latent traversals logged" : f.description();
    err.println("trainscope demo: " + what + "; seed " + seed
        + (run != null ? "; logging to " + Terminal.safe(run.toString()) : "; not logging"));
    err.flush();
    try {
      Demos.train(out, err, run, vaeOptions, options);
    } catch (Exception | UnsatisfiedLinkError e) {
      err.println();
      err.println("trainscope demo: training failed: " + e);
      err.flush();
      if (server != null) {
        stop(hook, server, store);
      }
      return 1;
    }
    if (server == null) {
      return 0;
    }
    out.println("training done; the dashboard stays up at " + url + "  (Ctrl-C to stop)");
    out.flush();
    stopped.await();
    stop(hook, server, store);
    return 0;
  }

  /**
   * Why {@code --model autoencoder} cannot go with the other options given, or null: it has no
   * faults and no other network, and trains with Adam.
   */
  private String autoencoderClash(String faultId) {
    if (faultId != null) {
      return "--fault goes with --model cnn only: the autoencoder has no faults to inject, was --fault " + faultId;
    }
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    for (String option : new String[] {"--arch", "--optimizer", "--skip"}) {
      if (given != null && given.hasMatchedOption(option)) {
        return option + " goes with --model cnn only: the autoencoder is its own network and trains with Adam";
      }
    }
    return null;
  }

  /** Closes the dashboard, unless the JVM is shutting down, when the hook does. */
  private static void stop(Thread hook, DashboardServer server, RunStore store) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return;
    }
    server.close();
    store.close();
  }

  /** A new run folder named by the time, and {@code suffix} after a '-' unless it is null. */
  private Path newRunDir(String suffix) throws IOException {
    String base = LocalDateTime.now().format(RUN_NAME) + (suffix == null ? "" : "-" + suffix);
    Files.createDirectories(logdir);
    Path run = logdir.resolve(base);
    for (int i = 2; Files.exists(run); i++) {
      run = logdir.resolve(base + "-" + i);
    }
    Files.createDirectories(run);
    return run;
  }

  private static int usage(PrintWriter err, String message) {
    err.println("trainscope demo: " + message);
    err.flush();
    return 2;
  }

  /** DJL works offline (the native library is in its jar) and keeps its info messages to itself. */
  private static void quietLibraries() {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "warn");
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda") == null) {
      // On a machine without a GPU, DJL warns that it could not count GPUs: true and of no interest here.
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "error");
    }
  }

  /** What takes or returns the demo's types (see {@link #DEMO_CLASS}). */
  static final class Demos {
    private Demos() {}

    /** Trains the autoencoder ({@code vae} not null) or the CNN, drawing the progress on {@code err}. */
    static void train(PrintWriter out, PrintWriter err, Path run, AutoencoderDemo.Options vae, Demo.Options cnn)
        throws Exception {
      ProgressBar progress = new ProgressBar(err, System.console() != null);
      if (vae != null) {
        report(out, run, AutoencoderDemo.train(vae.withLogdir(run), progress));
      } else {
        report(out, run, Demo.train(cnn.withLogdir(run), progress));
      }
    }

    static void report(PrintWriter out, Path run, Demo.Result result) {
      out.printf(Locale.ROOT, "trained %,d steps in %.1f s (%.1f steps/s); validation accuracy %.2f%%, loss %.4f%n",
          result.steps(), result.trainSeconds(), result.steps() / result.trainSeconds(), 100 * result.valAccuracy(),
          result.valLoss());
      if (run != null) {
        StringBuilder probes = new StringBuilder();
        for (Map.Entry<String, Double> e : result.probeSeconds().entrySet()) {
          probes.append(probes.length() == 0 ? "; " : ", ").append(String.format(Locale.ROOT, "%s %.2f s", e.getKey(),
              e.getValue()));
        }
        out.printf(Locale.ROOT, "logs: %s (the listener took %.1f s of the training time, %.1f%%%s)%n",
            Terminal.safe(run.toString()), result.listenerSeconds(), 100 * result.listenerSeconds() / result.trainSeconds(),
            probes);
      }
      out.flush();
    }

    static void report(PrintWriter out, Path run, AutoencoderDemo.Result result) {
      out.printf(Locale.ROOT, "trained %,d steps in %.1f s (%.1f steps/s); validation loss %.2f nats a digit"
          + " (reconstruction %.2f, KL %.2f)%n", result.steps(), result.trainSeconds(),
          result.steps() / result.trainSeconds(), result.valLoss(), result.valReconstruction(), result.valKl());
      if (run != null) {
        double[] ms = result.traversalMillis();
        out.printf(Locale.ROOT, "logs: %s (the listeners took %.1f s of the training time, %.1f%%; latent traversals"
            + " %.0f ms a logging step, the median of %d, %.0f to %.0f)%n", Terminal.safe(run.toString()),
            result.listenerSeconds(), 100 * result.listenerSeconds() / result.trainSeconds(),
            result.traversalMedianMillis(), ms.length, Arrays.stream(ms).min().orElse(Double.NaN),
            Arrays.stream(ms).max().orElse(Double.NaN));
      }
      out.flush();
    }

    /** {@code feature-views} for {@link Logged#FEATURE_VIEWS}. */
    static String name(Logged l) {
      return l.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Logged logged(String name) {
      for (Logged l : Logged.values()) {
        if (name(l).equals(name.trim().toLowerCase(Locale.ROOT).replace('_', '-'))) {
          return l;
        }
      }
      return null;
    }
  }

  /**
   * Epochs and steps on the terminal: redrawn in place about ten times a second on a terminal, one
   * line per epoch otherwise (a log file gets no carriage returns).
   */
  static final class ProgressBar implements Demo.Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean live;
    private int epochs;
    private int stepsPerEpoch;
    private long start;
    private long lastDraw;
    private String val = "";

    ProgressBar(PrintWriter err, boolean live) {
      this.err = err;
      this.live = live;
    }

    @Override
    public void started(int epochs, int stepsPerEpoch) {
      this.epochs = epochs;
      this.stepsPerEpoch = stepsPerEpoch;
      this.start = System.nanoTime();
    }

    @Override
    public void step(int epoch, int stepInEpoch, long step) {
      long now = System.nanoTime();
      if (live && (now - lastDraw > 100_000_000L || stepInEpoch == stepsPerEpoch)) {
        lastDraw = now;
        err.print("\r" + line(epoch, stepInEpoch, step + 1, now));
        err.flush();
      }
    }

    @Override
    public void epochDone(int epoch, double valAccuracy, double valLoss) {
      val = Double.isNaN(valAccuracy) ? String.format(Locale.ROOT, "  val loss %.4f", valLoss)
          : String.format(Locale.ROOT, "  val acc %.2f%% loss %.4f", 100 * valAccuracy, valLoss);
      long now = System.nanoTime();
      String l = line(epoch, stepsPerEpoch, (long) epoch * stepsPerEpoch, now);
      if (live) {
        err.print("\r" + l);
        if (epoch == epochs) {
          err.println();
        }
      } else {
        err.println(l);
      }
      err.flush();
    }

    String line(int epoch, int stepInEpoch, long done, long now) {
      long total = (long) epochs * stepsPerEpoch;
      int filled = (int) (WIDTH * done / Math.max(1, total));
      double elapsed = (now - start) / 1e9;
      double eta = done == 0 ? 0 : elapsed * (total - done) / done;
      return String.format(Locale.ROOT, "epoch %d/%d [%s%s] step %,d/%,d  %5.1f steps/s  %s elapsed, %s left%s",
          epoch, epochs, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, done / Math.max(elapsed, 1e-9),
          clock(elapsed), clock(eta), val);
    }

    private static String clock(double seconds) {
      long s = Math.round(seconds);
      return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
  }
}
