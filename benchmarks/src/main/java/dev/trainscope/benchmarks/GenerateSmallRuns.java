package dev.trainscope.benchmarks;

import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;

/**
 * Writes a log directory of many small runs for the load benchmarks of issue 22: {@code runs}
 * folders {@code run_00000...}, each holding one event file written by our {@link SummaryWriter}
 * (its file-version record, then {@code tags} scalar tags x {@code steps} steps: a few hundred bytes).
 * The same arguments give the same bytes: the writer's clock is fixed, each value's wall time and
 * number come from the run and step, and the file is renamed to {@code
 * events.out.tfevents.1700000000.small.<run>.0} (the writer's own name holds the host and process id).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.GenerateSmallRuns DIR
 * [RUNS [TAGS [STEPS]]]} (10,000 runs of 3 tags x 4 steps by default).
 */
public final class GenerateSmallRuns {
  private GenerateSmallRuns() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 4) {
      System.err.println("usage: GenerateSmallRuns DIR [RUNS [TAGS [STEPS]]]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int tags = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    long t0 = System.nanoTime();
    long bytes = 0;
    for (int r = 0; r < runs; r++) {
      bytes += writeRun(dir.resolve(String.format(Locale.ROOT, "run_%05d", r)), r, tags, steps);
    }
    System.out.printf(Locale.ROOT, "wrote %d runs x %d tags x %d steps (%,d bytes of event files) to %s in %.1f s%n",
        runs, tags, steps, bytes, dir, (System.nanoTime() - t0) / 1e9);
  }

  /** Writes one run's event file and returns its size. */
  static long writeRun(Path runDir, int run, int tags, int steps) throws Exception {
    Instant start = Instant.ofEpochSecond(1_700_000_000L + run * 60L);
    Path written;
    try (SummaryWriter w = SummaryWriter.builder(runDir).clock(InstantSource.fixed(start)).queueCapacity(64).build()) {
      for (int s = 0; s < steps; s++) {
        for (int t = 0; t < tags; t++) {
          double wall = start.getEpochSecond() + s * 0.5 + t * 1e-3;
          double value = (1.0 + t) * Math.exp(-s / 3.0) + (run % 97) * 1e-3;
          w.scalar(t == 0 ? "loss" : "metric_" + t, value, s, wall);
        }
      }
      written = w.file();
    }
    Path named = runDir.resolve("events.out.tfevents.1700000000.small." + run + ".0");
    Files.move(written, named);
    return Files.size(named);
  }
}
