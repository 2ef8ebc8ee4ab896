package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.writer.SummaryWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnosis in the dashboard: the run list's badges count the server's findings, the Findings
 * tab lists them and links each to its tag's chart zoomed to the finding's steps, the Layers tab
 * draws the per-layer heatmaps the API serves with findings marked on their rows, and a fault that
 * appears while the dashboard is open shows up without a reload.
 */
@ExtendWith(Chromium.Tests.class)
class FindingsBrowserTest {
  @TempDir
  Path logdir;

  /** A run whose loss turns NaN at step 120 and whose first layers' gradients vanish. */
  static void faulty(SummaryWriter log, long steps) {
    for (long s = 0; s < steps; s++) {
      log.scalar("train/loss", s < 120 ? 2.0 / (1 + s * 0.05) : Double.NaN, s);
      log.scalar("grad_norm/dense0", 1e-9, s);
      log.scalar("grad_norm/dense1", 1e-7, s);
      log.scalar("grad_norm/dense2", 1e-2 * (1 + 0.1 * Math.sin(s)), s);
    }
  }

  static void healthy(SummaryWriter log, long steps) {
    for (long s = 0; s < steps; s++) {
      log.scalar("train/loss", 2.0 / (1 + s * 0.05), s);
      log.scalar("grad_norm/dense0", 0.5, s);
      log.scalar("grad_norm/dense1", 0.4, s);
      log.scalar("grad_norm/dense2", 0.3, s);
    }
  }

  static JsonNode get(Served served, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(served.base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void findings_badgesPanelEvidenceLinksAndLayers(Chromium chromium) throws Exception {
    try (SummaryWriter a = SummaryWriter.create(logdir.resolve("broken"));
        SummaryWriter b = SummaryWriter.create(logdir.resolve("fine"))) {
      faulty(a, 200);
      healthy(b, 200);
    }
    try (Served served = Served.loaded(logdir); DashboardPage p = chromium.open(served.base)) {
      JsonNode api = get(served, "/api/findings");
      // the server diagnoses in the background: wait for its first pass
      for (int i = 0; i < 100 && api.get("findings").isEmpty(); i++) {
        Thread.sleep(100);
        api = get(served, "/api/findings");
      }
      int broken = 0;
      List<String> rules = new ArrayList<>();
      String vanishingSeverity = null;
      for (JsonNode f : api.get("findings")) {
        assertEquals("broken", f.get("run").asText(), "the healthy run has no finding: " + f);
        broken++;
        rules.add(f.get("rule").asText());
        if (f.get("rule").asText().equals("vanishing-gradients")) {
          vanishingSeverity = f.get("severity").asText();
        }
      }
      assertTrue(rules.contains("nan-loss") && rules.contains("vanishing-gradients"), rules.toString());

      p.open("");
      // the run list: a badge with the count on the broken run, none on the healthy one
      p.waitFor("() => document.querySelector('.run-item[data-run=broken] .run-badge')", null);
      assertEquals(String.valueOf(broken), p.locator(".run-item[data-run=broken] .run-badge").getAttribute("data-count"));
      assertEquals("error", p.locator(".run-item[data-run=broken] .run-badge").getAttribute("data-severity"));
      assertEquals(0, p.locator(".run-item[data-run=fine] .run-badge").count());
      assertEquals(String.valueOf(broken), p.locator("#tabs button[data-tab=findings] .badge").getAttribute("data-count"));

      // the badge opens the Findings tab: most severe first, the numbers and what to try
      p.locator(".run-item[data-run=broken] .run-badge").click();
      p.waitFor("() => document.querySelectorAll('article.finding').length > 0", null);
      assertEquals(broken, p.locator("article.finding[data-run=broken]").count());
      assertEquals("error", p.locator("article.finding").first().getAttribute("data-severity"));
      assertEquals(List.of("error", "error"), FiltersBrowserTest.list(p.json(
          "() => [...document.querySelectorAll('article.finding')].slice(0, 2).map(a => a.dataset.severity)", null)),
          "the two errors (NaN loss, vanishing gradients) before any warning");
      String nan = p.locator("article.finding[data-rule=nan-loss]").innerText();
      assertTrue(nan.contains("steps 120–199") && nan.contains("Try:") && nan.contains("non_finite_values"), nan);
      String vanishing = p.locator("article.finding[data-rule=vanishing-gradients]").innerText();
      assertTrue(vanishing.contains("layer dense0"), vanishing);

      // the severity filter hides notes and warnings
      p.page.selectOption("select[data-key='x.severity']", "error");
      p.waitFor("() => [...document.querySelectorAll('article.finding')].every(a => a.dataset.severity === 'error')", null);

      // the evidence link: the loss chart of the broken run, zoomed around steps 120..199, those highlighted
      p.locator("article.finding[data-rule=nan-loss] a.fd-evidence[data-tag='train/loss']").click();
      p.waitFor("() => document.querySelector('#tabs button[data-tab=scalars]').getAttribute('aria-selected') === 'true'", null);
      String card = ".sc-card[data-key='t:train/loss']";
      JsonNode data = p.readyChartData(card);
      assertEquals("120,199", p.locator(card).getAttribute("data-highlight"));
      String[] zoom = p.locator(card).getAttribute("data-zoom").split(",");
      assertTrue(Double.parseDouble(zoom[0]) < 120 && Double.parseDouble(zoom[1]) > 199, String.join(",", zoom));
      assertEquals(1, p.locator(".sc-card").count(), "the tag filter shows that chart only");
      assertTrue(p.hash().contains("x.focus=120%3A199"), p.hash());
      assertFalse(data.isNull());
      // double-click resets the zoom and ends the focus
      p.locator(card + " .u-over").dblclick();
      p.waitFor("sel => !document.querySelector(sel).dataset.highlight", card);
      p.await("the focus to leave the URL", () -> !p.hash().contains("x.focus"));

      // Layers: one heatmap row per layer, input first, values as the API serves them, the faded layer marked
      p.tab("layers");
      String heat = ".layers-run[data-run=broken] .heatmap[data-role=grad_norm]";
      p.waitFor("sel => document.querySelector(sel)", heat);
      JsonNode shown = p.chartData(heat);
      assertEquals(List.of("dense0", "dense1", "dense2"), FiltersBrowserTest.list(shown.get("rows")));
      int columns = shown.get("steps").size();
      JsonNode served200 = get(served, "/api/layers?run=broken&columns=" + columns).get("heatmaps").get(0);
      assertEquals(served200.get("values").get(2).get(0).asDouble(), shown.get("values").get(2).get(0).asDouble(), 1e-12);
      assertEquals(1e-9, shown.get("values").get(0).get(0).asDouble(), 1e-15);
      // both faded layers are marked (the finding names their tags), the healthy last one is not
      assertEquals(vanishingSeverity, p.locator(heat + " .hm-label[data-layer=dense0]").getAttribute("data-finding"));
      assertEquals(vanishingSeverity, p.locator(heat + " .hm-label[data-layer=dense1]").getAttribute("data-finding"));
      assertEquals(null, p.locator(heat + " .hm-label[data-layer=dense2]").getAttribute("data-finding"));
      assertTrue(shown.get("scale").get("log").asBoolean());
      p.waitFor("() => document.querySelector('.layers-run[data-run=fine]').dataset.state === 'ready'", null);
      p.assertNoErrors();
    }
  }

  @Test
  void aFaultWrittenWhileWatching_appearsWithoutAReload(Chromium chromium) throws Exception {
    Path run = logdir.resolve("live");
    try (SummaryWriter log = SummaryWriter.create(run)) {
      healthy(log, 100);
      log.flush();
      try (Served served = Served.live(logdir, Duration.ofMillis(200)); DashboardPage p = chromium.open(served.base)) {
        p.open("tab=findings");
        p.waitFor("() => /No findings/.test(document.querySelector('.fd-summary').textContent)", null);
        assertEquals(0, p.locator(".run-item[data-run=live] .run-badge").count());
        for (long s = 100; s < 160; s++) {
          log.scalar("train/loss", Double.NaN, s);
        }
        log.flush();
        p.waitFor("() => document.querySelector('article.finding[data-rule=nan-loss][data-run=live]')", null);
        p.waitFor("() => document.querySelector('.run-item[data-run=live] .run-badge[data-severity=error]')", null);
        p.assertNoErrors();
      }
    }
  }

  /**
   * With {@code -Dtrainscope.screenshots=true -Dtrainscope.screenshotLogdir=DIR} (a folder of demo
   * runs, e.g. from benchmarks/diagnosis.sh), rewrites docs/screenshots/findings.png and layers.png.
   */
  @Test
  void screenshots_ofFindingsAndLayers(Chromium chromium) throws Exception {
    String dir = System.getProperty("trainscope.screenshotLogdir", "");
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots") && !dir.isEmpty(),
        "SKIPPED: needs -Dtrainscope.screenshots=true and -Dtrainscope.screenshotLogdir=DIR");
    Path out = Path.of(System.getProperty("trainscope.screenshotDir", "../docs/screenshots"));
    String runFilter = System.getProperty("trainscope.screenshotRuns", "");
    try (Served served = Served.loaded(Path.of(dir)); DashboardPage p = chromium.open(served.base, 1400, 900)) {
      for (int i = 0; i < 300 && get(served, "/api/findings").get("version").asLong() < 1; i++) {
        Thread.sleep(100);
      }
      String filter = runFilter.isEmpty() ? "" : "&runFilter=" + q(runFilter);
      p.open("tab=findings&theme=light" + filter);
      p.waitFor("() => document.querySelectorAll('article.finding').length > 0", null);
      p.page.waitForTimeout(300);
      p.screenshot(out.resolve("findings.png"));
      String layerRuns = System.getProperty("trainscope.screenshotLayerRuns", "");
      p.open("tab=layers&theme=light" + (layerRuns.isEmpty() ? filter : "&runFilter=" + q(layerRuns)));
      p.waitFor("() => { const s = [...document.querySelectorAll('.layers-run')];"
          + " return s.length > 0 && s.every(x => x.dataset.state !== 'loading'); }", null);
      p.page.waitForTimeout(300);
      p.screenshot(out.resolve("layers.png"));
      p.assertNoErrors();
    }
  }
}
