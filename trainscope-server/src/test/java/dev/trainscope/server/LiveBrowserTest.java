package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live updates in a real browser: while a writer appends a scalar every 100 ms to a log directory
 * the server polls every 200 ms, the open page draws the new points without reloading, and a run
 * that starts meanwhile appears in the run list and on the chart.
 */
@ExtendWith(Chromium.Tests.class)
class LiveBrowserTest {
  static final String TAG = "live/loss";
  static final String CARD = ".sc-card[data-key='t:live/loss']";

  @TempDir
  Path logdir;

  static double valueAt(long step) {
    return (float) (1.0 / (1 + step * 0.05));
  }

  /** Logs TAG every 100 ms to a run until stopped; counts the last step flushed. */
  static final class Trainer implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong lastFlushed = new AtomicLong(-1);
    final AtomicInteger failures = new AtomicInteger();
    final Thread thread;

    Trainer(Path run, long firstSteps) {
      SummaryWriter log = SummaryWriter.create(run);
      for (long s = 0; s < firstSteps; s++) {
        log.scalar(TAG, valueAt(s), s);
      }
      log.flush();
      lastFlushed.set(firstSteps - 1);
      thread = new Thread(() -> {
        try (log) {
          for (long s = firstSteps; !stop.get(); s++) {
            log.scalar(TAG, valueAt(s), s);
            log.flush();
            lastFlushed.set(s);
            Thread.sleep(100);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          failures.incrementAndGet();
          throw e;
        }
      }, "trainer " + run.getFileName());
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      stop.set(true);
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertEquals(0, failures.get(), "the writer failed");
    }
  }

  static long lastStep(JsonNode chart) {
    JsonNode x = chart.get("x");
    return x.size() == 0 ? -1 : x.get(x.size() - 1).asLong();
  }

  @Test
  void writtenPoints_andNewRuns_appearWithoutReload(Chromium chromium) throws Exception {
    try (Trainer alpha = new Trainer(logdir.resolve("alpha"), 20);
        Served served = Served.live(logdir, Duration.ofMillis(200));
        DashboardPage p = chromium.open(served.base)) {
      p.open("tagFilter=%5Elive%2F&smoothing=0");
      // a reload or navigation would start a new window object without this mark
      p.page.evaluate("() => { window.__sameDocument = true; }");
      JsonNode first = p.readyChartData(CARD);
      long opened = lastStep(first);
      assertTrue(opened >= 19, "the first points: " + opened);

      // the last drawn step advances, several times, while the page stays the same document
      TreeSet<Long> seen = new TreeSet<>();
      p.await("the chart's last step to advance three times", () -> {
        seen.add(lastStep(p.chartData(CARD)));
        return seen.size() >= 4 && seen.last() > opened;
      }, () -> "seen " + seen);
      JsonNode now = p.chartData(CARD);
      JsonNode s = now.get("series").get("alpha");
      for (int i = 0; i < now.get("x").size(); i++) {
        long step = now.get("x").get(i).asLong();
        assertEquals(step, i, "every step drawn, in order");
        assertEquals(valueAt(step), s.get("raw").get(i).asDouble(), "the value written at step " + step);
      }
      assertTrue(lastStep(now) <= alpha.lastFlushed.get(), "nothing drawn that was not written");

      // a run that starts now: in the run list and on the chart
      try (Trainer beta = new Trainer(logdir.resolve("beta"), 5)) {
        p.waitFor("() => !!document.querySelector(\"#run-list [data-run='beta']\")", null);
        p.await("beta on the chart", () -> {
          JsonNode d = p.chartData(CARD);
          return d != null && d.get("series").has("beta") && d.get("runs").toString().equals("[\"alpha\",\"beta\"]");
        }, () -> String.valueOf(p.chartData(CARD).get("runs")));
        assertEquals("2 of 2", p.locator("#run-count").textContent());
        JsonNode betaDrawn = p.chartData(CARD).get("series").get("beta").get("points").get("steps");
        assertTrue(betaDrawn.size() >= 5 && betaDrawn.get(betaDrawn.size() - 1).asLong() <= beta.lastFlushed.get(),
            "beta's points as written: " + betaDrawn);
        assertTrue(p.locator("#progress").textContent().contains("2 runs"), p.locator("#progress").textContent());
      }
      assertEquals(true, p.page.evaluate("() => window.__sameDocument === true"), "the page was not reloaded");
      p.assertNoErrors();
    }
  }
}
