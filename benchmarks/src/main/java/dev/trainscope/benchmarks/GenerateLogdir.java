package dev.trainscope.benchmarks;

import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.VersionedPluginData;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Writes a synthetic log directory for the store benchmarks: {@code runs} runs of {@code tags}
 * scalar tags x {@code steps} steps, tensor-style (as TF2, Keras and the Trainscope writer log
 * them), wall times advancing about 50 ms a step with 2 ms of jitter as a real training loop's do,
 * recorded as a writer records them: {@code us} whole microseconds (TensorFlow's C++ writer,
 * Keras), {@code ms} whole milliseconds (Trainscope's writer), {@code raw} any double (Python's
 * time.time(): PyTorch, tensorboardX). Curves are {@code smooth} (a decaying loss with 0.1 %
 * noise) or {@code noisy} (10 % noise).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.GenerateLogdir DIR
 * RUNS TAGS STEPS smooth|noisy [us|ms|raw]}
 */
public final class GenerateLogdir {
  private GenerateLogdir() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5 && args.length != 6) {
      System.err.println("usage: GenerateLogdir DIR RUNS TAGS STEPS smooth|noisy [us|ms|raw]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    int tags = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    double noise = switch (args[4]) {
      case "smooth" -> 0.001;
      case "noisy" -> 0.1;
      default -> throw new IllegalArgumentException("curve must be smooth or noisy, was " + args[4]);
    };
    double clock = switch (args.length == 6 ? args[5] : "us") {
      case "us" -> 1e6;
      case "ms" -> 1e3;
      case "raw" -> 0;
      default -> throw new IllegalArgumentException("clock must be us, ms or raw, was " + args[5]);
    };
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    Future<?>[] done = new Future<?>[runs];
    for (int r = 0; r < runs; r++) {
      int run = r;
      done[r] = pool.submit(() -> {
        writeRun(dir.resolve(String.format(Locale.ROOT, "run_%04d", run)), run, tags, steps, noise, clock);
        return null;
      });
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    System.out.printf(Locale.ROOT, "wrote %d runs x %d tags x %d steps (%,d events) to %s in %.1f s%n", runs, tags,
        steps, (long) runs * tags * steps, dir, (System.nanoTime() - t0) / 1e9);
  }

  static void writeRun(Path dir, int run, int tags, int steps, double noise, double clock) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("events.out.tfevents.1700000000.bench." + run + ".0");
    Random random = new Random(run);
    byte[] scalarsPlugin = VersionedPluginData.V0.toByteArray();
    String[] names = new String[tags];
    double[] scale = new double[tags];
    for (int t = 0; t < tags; t++) {
      names[t] = (t % 3 == 0 ? "train/" : t % 3 == 1 ? "val/" : "grad_norm/layer") + "metric_" + t;
      scale[t] = 0.5 + random.nextDouble();
    }
    CRC32C crc = new CRC32C();
    byte[] frame = new byte[512];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      double wall = 1.7e9 + run * 3600;
      for (int s = 0; s < steps; s++) {
        wall += 0.05 + random.nextGaussian() * 0.002;
        for (int t = 0; t < tags; t++) {
          double clean = scale[t] * Math.exp(-s / (steps / 3.0)) + 0.05;
          float v = (float) (clean * (1 + random.nextGaussian() * noise));
          SummaryMetadata md = s == 0
              ? SummaryMetadata.forPlugin(PluginNames.SCALARS, scalarsPlugin, SummaryMetadata.DATA_CLASS_SCALAR)
              : null;
          double at = wall + t * 1e-4;
          if (clock > 0) {
            at = Math.rint(at * clock) / clock;
          }
          Event e = new Event(at, s, Summary.of(SummaryValue.of(names[t], md, TensorProto.scalar(v))), null);
          byte[] data = e.toByteArray();
          int len = TfRecordFormat.framedLength(data.length);
          if (frame.length < len) {
            frame = new byte[len * 2];
          }
          TfRecordFormat.frame(crc, data, 0, data.length, frame, 0);
          out.write(frame, 0, len);
        }
      }
    }
  }
}
