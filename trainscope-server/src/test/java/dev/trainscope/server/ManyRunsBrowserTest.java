package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryValue;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log directory of 1,000 small runs (24 scalar tags of 10 steps each) stays quick in a real
 * browser: the run list and the runs table keep only the rows in view in the DOM, scrolling
 * reaches the last run, filtering the runs takes well under a second, and the scalars tab draws
 * only the charts near the viewport.
 */
@ExtendWith(Chromium.Tests.class)
class ManyRunsBrowserTest {
  static final int RUNS = 1000;
  static final int TAGS = 24;
  static final int STEPS = 10;

  @TempDir
  static Path logdir;
  static Served served;
  static Chromium chromium;

  /** The runs in the order the dashboard lists them: by name. */
  static List<String> sorted() {
    return served.store.runs().stream().map(r -> r.name()).sorted().toList();
  }

  static String runName(int i) {
    return String.format("lr=%s/seed-%04d", i % 2 == 0 ? "0.1" : "0.01", i);
  }

  static String tagName(int t) {
    return "group" + (t / 4) + "/metric" + (t % 4);
  }

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    for (int r = 0; r < RUNS; r++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int step = 0; step < STEPS; step++) {
        List<SummaryValue> values = new ArrayList<>(TAGS);
        for (int t = 0; t < TAGS; t++) {
          values.add(SummaryValue.of(tagName(t), null, new SummaryValue.SimpleValue((float) (r + t * 0.01 + step * 0.001))));
        }
        out.write(TfRecordFormat.frame(new Event(1.7e9 + step, step, new Summary(values), null).toByteArray()));
      }
      Path dir = logdir.resolve(runName(r));
      Files.createDirectories(dir);
      Files.write(dir.resolve("events.out.tfevents.1700000000.host.1.0"), out.toByteArray());
    }
    served = Served.loaded(logdir);
    assertEquals(RUNS, served.store.runs().size());
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  static int count(DashboardPage p, String selector) {
    return ((Number) p.page.evaluate("s => document.querySelectorAll(s).length", selector)).intValue();
  }

  @Test
  void runList_isVirtualised_scrollsToTheEnd_andFiltersQuickly() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      assertEquals(RUNS + " of " + RUNS, p.locator("#run-count").textContent());
      int rows = count(p, "#run-list .run-item");
      assertTrue(rows > 10 && rows < 80, "rows in the DOM: " + rows);

      p.page.evaluate("() => { const l = document.getElementById('run-list'); l.scrollTop = l.scrollHeight; }");
      String last = "#run-list .run-item[data-run='" + sorted().get(RUNS - 1) + "']";
      p.waitFor("s => !!document.querySelector(s)", last);
      // measured in one go in the page: rows are rebuilt when the list changes (e.g. findings' badges arrive)
      assertTrue((Boolean) p.page.evaluate("s => { const r = document.querySelector(s).getBoundingClientRect();"
          + " const l = document.getElementById('run-list').getBoundingClientRect();"
          + " return r.height > 0 && r.top >= l.top - 1 && r.top + 24 <= l.bottom + 1; }", last), "the last run is in view");
      assertTrue(count(p, "#run-list .run-item") < 80, "still few rows after scrolling");
      assertEquals(0, count(p, "#run-list .run-item[data-run='" + sorted().get(0) + "']"), "the first rows left the DOM");

      // filtering, measured in the page from the input event: until the run list and the open
      // tab have followed (the list's count changes), and until the charts are redrawn and painted
      for (String[] f : new String[][] {{"seed-09[5-9]", "50"}, {"lr=0\\.01/", "500"}, {"", "1000"}}) {
        JsonNode t = p.json("""
            async re => {
              const input = document.getElementById('run-filter');
              const count = document.getElementById('run-count');
              let listed = null;
              const mo = new MutationObserver(() => { if (listed === null) listed = performance.now(); });
              mo.observe(count, { childList: true, characterData: true, subtree: true });
              const t0 = performance.now();
              input.value = re;
              input.dispatchEvent(new Event('input', { bubbles: true }));
              await new Promise(r => requestAnimationFrame(() => setTimeout(r)));
              mo.disconnect();
              return { listed: listed - t0, painted: performance.now() - t0, count: count.textContent };
            }""", f[0]);
        System.out.printf("1,000 runs: filtering to %s runs: list in %.1f ms, charts redrawn and painted in %.1f ms%n",
            f[1], t.get("listed").asDouble(), t.get("painted").asDouble());
        assertEquals(f[1] + " of " + RUNS, t.get("count").asText());
        assertTrue(t.get("listed").asDouble() < 500, "filtering the list took " + t.get("listed") + " ms");
        // drawing 1,000 lines on each chart in view is real work, slow on a busy two-core machine: only catch blow-ups
        assertTrue(t.get("painted").asDouble() < 5000, "redrawing after filtering took " + t.get("painted") + " ms");
      }
      // and as a person types it, key by key
      long t0 = System.nanoTime();
      p.locator("#run-filter").pressSequentially("seed-0123");
      p.await("one run", () -> ("1 of " + RUNS).equals(p.locator("#run-count").textContent()));
      System.out.printf("1,000 runs: typing a 9-character run filter took %.1f ms%n", (System.nanoTime() - t0) / 1e6);
      p.assertNoErrors();
    }
  }

  @Test
  void scalarsTab_drawsOnlyTheChartsNearTheViewport() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      String first = ".sc-card[data-key='t:" + tagName(0) + "']";
      String lastCard = ".sc-card[data-key='t:" + tagName(TAGS - 1) + "']";
      JsonNode d = p.readyChartData(first);
      assertEquals(RUNS, d.get("runs").size());
      assertEquals(RUNS, d.get("series").size(), "every run drawn on the chart");
      assertEquals(sorted(), FiltersBrowserTest.list(d.get("runs")));
      for (int r : new int[] {0, 1, 998, 999}) {
        JsonNode raw = d.get("series").get(runName(r)).get("points").get("raw");
        assertEquals(STEPS, raw.size());
        assertEquals((float) (r + STEPS * 0.001 - 0.001), (float) raw.get(STEPS - 1).asDouble(), "last value of " + runName(r));
      }
      assertEquals(TAGS, count(p, ".sc-card"));
      p.page.waitForTimeout(500);
      int drawn = count(p, ".sc-card .uplot");
      int waiting = count(p, ".sc-card[data-state=waiting]");
      System.out.printf("1,000 runs: %d of %d charts drawn, %d waiting%n", drawn, TAGS, waiting);
      assertTrue(drawn > 0 && drawn <= TAGS / 2, "charts drawn: " + drawn);
      assertTrue(waiting >= TAGS / 3, "cards not yet fetched: " + waiting);

      p.page.evaluate("() => { const c = document.getElementById('content'); c.scrollTop = c.scrollHeight; }");
      p.readyChartData(lastCard);
      p.waitFor("s => !document.querySelector(s + ' .uplot')", first);
      assertTrue(count(p, ".sc-card .uplot") <= TAGS / 2, "far cards let go of their charts");
      p.assertNoErrors();
    }
  }

  @Test
  void runsTable_keepsOnlyTheRowsInView() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=runs");
      p.waitFor("() => { const v = document.querySelector('.runs-view'); return v && v.__tableData.rows.length === 1000; }", null);
      int rows = count(p, "table.runs-table tr[data-run]");
      assertTrue(rows > 5 && rows < 100, "rows in the DOM: " + rows);
      p.assertNoErrors();
    }
  }
}
