package dev.trainscope.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.data.RunStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The Projector tab at 10,000 and 100,000 points of 64 numbers (ten Gaussian clusters, written as
 * TensorFlow's projector writes a float32 tensor, with a label column), in Debian's Chromium (not a
 * unit test: run by benchmarks/projector.sh). For each size and method, a fresh page in 3-D: the
 * server's time to compute the projection (the answer's millis), the time from asking until the
 * first frame is drawn, the same again with the projection cached, then the intervals of 240
 * animation frames while the view rotates (median and 95th percentile).
 */
public final class ProjectorBenchmark {
  public static void main(String[] args) throws Exception {
    List<String> methods = List.of(args.length > 0 ? args[0].split(",") : new String[] {"pca", "umap", "tsne"});
    int[] sizes = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {10_000, 100_000};
    Path logdir = Files.createTempDirectory("projector-bench");
    for (int n : sizes) {
      write(logdir.resolve("n" + n), n, 64);
    }
    RunStore store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build();
    store.reload();
    DashboardServer server = new DashboardServer(store, 500);
    String base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
    try (Chromium chromium = Chromium.launch()) {
      System.out.println("Chromium " + chromium.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
      System.out.println("points  method  server_ms  first_frame_ms  first_frame_cached_ms  frame_median_ms  frame_p95_ms  drawn");
      for (int n : sizes) {
        for (String method : methods) {
          double[] first = new double[2];
          JsonNode last = null;
          for (int round = 0; round < 2; round++) {
            try (DashboardPage p = chromium.open(base, 1400, 900)) {
              p.page.navigate(base + "/#tab=projector&x.prun=n" + n + "&x.pmethod=" + method + "&x.pdims=3");
              p.waitFor("() => document.querySelector('.projector-tab')?.dataset.state === 'ready'", null, 3_600_000);
              last = p.json("() => document.querySelector('.projector-tab').__projector.drawn().timing", null);
              first[round] = last.get("firstFrameMs").asDouble();
              if (round == 1) {
                JsonNode times = p.json("() => document.querySelector('.projector-tab').__projector.rotate(240)", null);
                double[] t = new double[times.size()];
                for (int i = 0; i < t.length; i++) {
                  t[i] = times.get(i).asDouble();
                }
                Arrays.sort(t);
                int drawn = p.json("() => document.querySelector('.projector-tab').__projector.drawn().rows.length", null).asInt();
                System.out.printf("%d  %s  %d  %.0f  %.0f  %.1f  %.1f  %d%n", n, method, last.get("serverMs").asLong(),
                    first[0], first[1], t[t.length / 2], t[(int) (t.length * 0.95)], drawn);
              }
            }
          }
        }
      }
    } finally {
      server.close();
      store.close();
    }
  }

  /** n vectors of d numbers around ten centres, as a float32 file with tensor_shape, and a label per row. */
  static void write(Path run, int n, int d) throws Exception {
    Files.createDirectories(run);
    try (dev.trainscope.writer.SummaryWriter log = dev.trainscope.writer.SummaryWriter.create(run)) {
      log.scalar("loss", 1, 0);
    }
    Random r = new Random(n);
    float[][] centres = new float[10][d];
    for (float[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = (float) (r.nextGaussian() * 4);
      }
    }
    ByteBuffer b = ByteBuffer.allocate(4 * n * d).order(ByteOrder.LITTLE_ENDIAN);
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        b.putFloat((float) (centres[i % 10][j] + r.nextGaussian()));
      }
      labels.append("digit ").append(i % 10).append('\n');
    }
    Files.write(run.resolve("tensors.bytes"), b.array());
    Files.writeString(run.resolve("metadata.tsv"), labels);
    Files.writeString(run.resolve("projector_config.pbtxt"), "embeddings {\n  tensor_name: \"points\"\n"
        + "  tensor_path: \"tensors.bytes\"\n  tensor_shape: " + n + "\n  tensor_shape: " + d + "\n"
        + "  metadata_path: \"metadata.tsv\"\n}\n");
  }
}
