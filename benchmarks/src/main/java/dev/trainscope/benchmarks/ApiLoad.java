package dev.trainscope.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load on a running {@code trainscope serve}: {@code clients} concurrent clients, each polling
 * downsampled scalars (800 buckets, as a chart 800 pixels wide asks) of a random run and tag for
 * {@code seconds}: as fast as answers come (closed loop: the server's capacity, latency is then
 * mostly queueing), or with {@code intervalMs} one request every that many milliseconds per client
 * (open loop, a poll on a fixed schedule; latency counted from the scheduled time, so a slow answer
 * also delays the ones behind it). Prints requests per second and the latency percentiles.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.trainscope.benchmarks.ApiLoad
 * http://127.0.0.1:6006 50 30 [intervalMs (0: as fast as answered)] [mixed]}; {@code mixed} asks a
 * mix of queries ({@link #mixedQuery}) instead of one kind.
 */
public final class ApiLoad {
  private ApiLoad() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    int clients = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    long intervalNanos = args.length > 3 ? Long.parseLong(args[3]) * 1_000_000L : 0;
    boolean mixed = args.length > 4 && args[4].equals("mixed");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    JsonNode tags = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/tags")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).get("runs");
    List<String[]> targets = new ArrayList<>();
    for (var run : (Iterable<java.util.Map.Entry<String, JsonNode>>) tags::fields) {
      for (JsonNode t : run.getValue()) {
        if (t.get("kind").asText().equals("scalar")) {
          targets.add(new String[] {run.getKey(), t.get("tag").asText()});
        }
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalStateException("no scalar tags at " + base);
    }
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    long[][] latencies = new long[clients][];
    AtomicLong errors = new AtomicLong();
    Thread[] threads = new Thread[clients];
    for (int c = 0; c < clients; c++) {
      int id = c;
      threads[c] = new Thread(() -> {
        long[] lat = new long[1 << 16];
        int n = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        // open loop: clients start spread over one interval, then keep their schedule
        long next = System.nanoTime() + (intervalNanos > 0 ? rnd.nextLong(intervalNanos) : 0);
        while (System.nanoTime() < until) {
          if (intervalNanos > 0) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
              java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
          }
          URI uri = URI.create(base + (mixed ? mixedQuery(targets, rnd) : chartQuery(targets.get(rnd.nextInt(targets.size())))));
          long t0 = intervalNanos > 0 ? next : System.nanoTime();
          next += intervalNanos;
          try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
              errors.incrementAndGet();
            }
          } catch (Exception e) {
            errors.incrementAndGet();
          }
          if (n == lat.length) {
            lat = Arrays.copyOf(lat, n * 2);
          }
          lat[n++] = System.nanoTime() - t0;
        }
        latencies[id] = Arrays.copyOf(lat, n);
      });
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf(Locale.ROOT, "%d clients%s%s, %d s, %d series: %,d requests, %.0f requests/s, %d errors%n", clients,
        mixed ? " (mixed queries)" : "",
        intervalNanos > 0 ? " polling every " + intervalNanos / 1_000_000 + " ms" : " as fast as answered", seconds,
        targets.size(), all.length, all.length / (double) seconds, errors.get());
    System.out.printf(Locale.ROOT, "latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", pct(all, 0.50),
        pct(all, 0.90), pct(all, 0.99), all[all.length - 1] / 1e6);
  }

  /** One chart's query: a series at 800 buckets. */
  static String chartQuery(String[] t) {
    return "/api/scalars?buckets=800&run=" + enc(t[0]) + "&tag=" + enc(t[1]);
  }

  /**
   * What a dashboard asks, in proportions a page of charts gives: half the queries a chart of one
   * run, a fifth a chart of five runs (a tag compared across runs), a fifth a chart zoomed into a
   * tenth of the steps, a tenth exact points (a download page or a tooltip, 2,000 points).
   */
  static String mixedQuery(List<String[]> targets, ThreadLocalRandom rnd) {
    String[] t = targets.get(rnd.nextInt(targets.size()));
    int kind = rnd.nextInt(10);
    if (kind < 5) {
      return chartQuery(t);
    }
    if (kind < 7) {
      StringBuilder q = new StringBuilder("/api/scalars?buckets=800&tag=" + enc(t[1]));
      for (int i = 0; i < 5; i++) {
        q.append("&run=").append(enc(targets.get(rnd.nextInt(targets.size()))[0]));
      }
      return q.toString();
    }
    if (kind < 9) {
      long from = rnd.nextLong(45_000);
      return chartQuery(t) + "&from=" + from + "&to=" + (from + 5_000);
    }
    return "/api/scalars?limit=2000&run=" + enc(t[0]) + "&tag=" + enc(t[1]) + "&from=" + rnd.nextLong(48_000);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
  }
}
