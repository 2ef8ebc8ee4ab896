package dev.trainscope.server;

import dev.trainscope.writer.SummaryWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A run with a million scalar tags against a running {@code trainscope serve} (not a unit test: run
 * by benchmarks/many-tags.sh, which starts the server of each build): {@code write DIR N} writes the
 * log directory; {@code measure BASE [ROUNDS (default 3)]} times {@code GET /api/tags} (bytes and
 * seconds) and, in Debian's Chromium, a fresh page from navigation until the Scalars tab shows its
 * first card (time to interactive) and the longest main-thread task meanwhile, ROUNDS times each.
 */
public final class ManyTagsBenchmark {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("write")) {
      int n = Integer.parseInt(args[2]);
      try (SummaryWriter log = SummaryWriter.create(Path.of(args[1]).resolve("huge"))) {
        for (int i = 0; i < n; i++) {
          log.scalar("layer" + i / 1000 + "/m" + i % 1000, i, 0);
        }
      }
      return;
    }
    String base = args[1];
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/tags")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      System.out.printf(Locale.ROOT, "/api/tags: status %d, %,d bytes in %.2f s%n", r.statusCode(), r.body().length,
          (System.nanoTime() - t0) / 1e9);
    }
    try (Chromium chromium = Chromium.launch()) {
      for (int i = 0; i < rounds; i++) {
        try (DashboardPage p = chromium.open(base, 1400, 900)) {
          p.page.addInitScript("window.__longest = 0; new PerformanceObserver(l => { for (const e of l.getEntries())"
              + " window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask', buffered: true });");
          long t0 = System.nanoTime();
          p.page.navigate(base + "/");
          p.waitFor("() => document.querySelectorAll('.sc-card').length > 0", null, 600_000);
          double tti = (System.nanoTime() - t0) / 1e9;
          System.out.printf(Locale.ROOT, "page: first card after %.1f s, longest main-thread task %.0f ms%n", tti,
              p.json("() => window.__longest", null).asDouble());
        }
      }
    }
  }
}
