package dev.trainscope.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * How long {@code GET /api/runs} takes on a running {@code trainscope serve} while it loads: one
 * client asks every {@code intervalMs} (open loop: each latency counted from the scheduled time,
 * so a request held up delays the ones behind it too) from the first answer until the progress in
 * the answer says every byte known was read, or {@code maxSeconds} pass. Prints how long the
 * server took to answer at all, and the number of requests, the latency percentiles and the maximum
 * while it loaded.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.RunsLatency
 * http://127.0.0.1:6006 50 600 [AFTER [WARM FROM TO MINBYTES]]}: AFTER seconds more once loaded, for
 * the idle server's figures under the same conditions; with WARM, the requests of the first WARM
 * seconds are not counted, then the folder FROM is moved to TO (into the served log directory) and
 * the load counts as done once at least MINBYTES are known and read; {@code benchmarks/corrupt-files.sh} runs it against a server
 * loading a corrupt log directory.
 */
public final class RunsLatency {
  private RunsLatency() {}

  public static void main(String[] args) throws Exception {
    URI runs = URI.create(args[0] + "/api/runs");
    long interval = Long.parseLong(args[1]) * 1_000_000L;
    long max = Long.parseLong(args[2]) * 1_000_000_000L;
    long after = args.length > 3 ? Long.parseLong(args[3]) * 1_000_000_000L : 0;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ObjectMapper json = new ObjectMapper();
    HttpRequest request = HttpRequest.newBuilder(runs).build();
    long launched = System.nanoTime(); // the script starts the server just before this client
    long start = 0;
    for (int i = 0; i < 6000 && start == 0; i++) { // until the server answers at all
      try {
        http.send(request, HttpResponse.BodyHandlers.discarding());
        start = System.nanoTime();
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    System.out.printf(Locale.ROOT, "first answer %.1f s after the client started%n", (start - launched) / 1e9);
    long minBytes = 0;
    if (args.length > 7) {
      // The dashboard is up and warm before the log directory gets the files to load: a few
      // seconds of requests first (not counted), then the files are moved in.
      long warm = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
      while (System.nanoTime() < warm) {
        http.send(request, HttpResponse.BodyHandlers.discarding());
        Thread.sleep(interval / 1_000_000);
      }
      java.nio.file.Files.move(java.nio.file.Path.of(args[5]), java.nio.file.Path.of(args[6]),
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      minBytes = Long.parseLong(args[7]);
      start = System.nanoTime();
      System.out.println("moved " + args[5] + " into the log directory after " + args[4] + " s of requests");
    }
    long[] lat = new long[1 << 20];
    int n = 0;
    int loadedAt = -1;
    long next = start;
    long end = start + max;
    while (System.nanoTime() < end && n < lat.length) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      lat[n++] = System.nanoTime() - next;
      JsonNode p = json.readTree(r.body()).get("progress");
      if (loadedAt < 0 && p.get("firstPollDone").asBoolean() && p.get("bytesKnown").asLong() >= minBytes
          && p.get("bytesRead").asLong() >= p.get("bytesKnown").asLong()) {
        loadedAt = n;
        System.out.println(summary("while loading", lat, 0, n, System.nanoTime() - start));
        end = System.nanoTime() + after;
      }
      next = Math.max(next + interval, System.nanoTime() - interval); // a late answer does not queue a burst
    }
    if (loadedAt < 0) {
      System.out.println(summary("NOT loaded by the end", lat, 0, n, System.nanoTime() - start));
    } else if (n > loadedAt) {
      System.out.println(summary("once loaded (idle)", lat, loadedAt, n, after));
    }
  }

  private static String summary(String what, long[] lat, int from, int to, long took) {
    long[] s = Arrays.copyOfRange(lat, from, to);
    Arrays.sort(s);
    int n = s.length;
    return String.format(Locale.ROOT, "%s: %d requests over %.1f s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
        what, n, took / 1e9, pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), s[n - 1] / 1e6);
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
