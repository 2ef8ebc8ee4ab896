package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.options.BoundingBox;
import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the user manages and the Scalars tab's order and reading aids, in a real browser: a colour,
 * a display name and a pinned card chosen on the page come back from the URL alone; a pinned card
 * stays on top whatever the tag filter; groups come loss, accuracy and validation first on a
 * Keras-layout run; a batch fingerprint is drawn as its points, unsmoothed, with its repeats
 * counted; the ticks of a y axis share one number format; the tooltip names a point as logged.
 * The runs are written here with the writer, so every value is known.
 */
@ExtendWith(Chromium.Tests.class)
class RunsManageBrowserTest {
  static final int STEPS = 1000;
  /** The fingerprint cycles through this many batches: step s sees batch s % CYCLE. */
  static final int CYCLE = 25;
  static final String LOSS = ".sc-card[data-key='t:train/loss']";
  static final String VAL = ".sc-card[data-key='t:val/loss']";
  static final String FINGERPRINT = ".sc-card[data-key='t:inputs/fingerprint']";
  static final String LR = ".sc-card[data-key='t:train/lr']";

  @TempDir
  static Path dir;
  static Served served;
  static Chromium chromium;

  static double loss(String run, long s) {
    return (float) ((run.equals("alpha") ? 2.0 : 2.5) * Math.exp(-s / 300.0) + 0.05 * Math.sin(s * 0.7) + 0.1);
  }

  static double lr(long s) {
    return (float) (1e-4 + 9e-4 * s / STEPS);
  }

  static double fingerprint(long s) {
    return (float) ((s % CYCLE) * 104729 % 16_777_216);
  }

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    for (String run : List.of("alpha", "beta")) {
      try (SummaryWriter log = SummaryWriter.create(dir.resolve("logs").resolve(run))) {
        for (long s = 0; s < STEPS; s++) {
          log.scalar("train/loss", loss(run, s), s);
          log.scalar("train/lr", lr(s), s);
          log.scalar("grad_norm/dense_1", 1 + s * 0.001, s);
          log.scalar("inputs/fingerprint", fingerprint(s), s);
          if (s % 100 == 99) {
            log.scalar("val/loss", loss(run, s) + 0.05, s);
          }
        }
      }
    }
    served = Served.loaded(dir.resolve("logs"));
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  /** The tag groups in the order the Scalars tab shows them. */
  static List<String> groups(DashboardPage p) {
    JsonNode g = p.json("() => [...document.querySelectorAll('#content details.sc-group')].map(d => d.dataset.group)", null);
    List<String> out = new ArrayList<>();
    g.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void colourAliasAndPin_comeBackFromTheUrl() {
    String hash;
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open("");
      p.readyChartData(LOSS);
      // a colour from the picker
      p.locator(".run-item[data-run='alpha'] .run-color").click();
      p.locator("#run-color-picker").fill("#123456");
      p.waitFor("sel => { const d = document.querySelector(sel).__chartData;"
          + " return d && d.series.alpha.color === '#123456'; }", LOSS);
      // a display name
      p.locator(".run-item[data-run='beta']").hover();
      p.locator(".run-item[data-run='beta'] .run-rename").click();
      p.locator(".run-item[data-run='beta'] input.run-alias").fill("baseline lr 0.1");
      p.locator(".run-item[data-run='beta'] input.run-alias").press("Enter");
      p.waitFor("sel => { const d = document.querySelector(sel).__chartData;"
          + " return d && d.series.beta.label === 'baseline lr 0.1'; }", LOSS);
      // a pinned card
      p.locator(VAL + " .sc-pin").click();
      p.waitFor("() => { const s = document.querySelector('#content details.sc-group');"
          + " return s && s.dataset.group === 'pinned' && s.querySelector(\".sc-card[data-key='t:val/loss']\"); }", null);
      hash = p.hash();
      assertTrue(hash.contains("colors=") && hash.contains("names=") && hash.contains("pins="), hash);
      p.assertNoErrors();
    }
    // a new page from the URL alone
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open(hash);
      JsonNode loss = p.readyChartData(LOSS);
      assertEquals("#123456", loss.get("series").get("alpha").get("color").asText(), "the chosen colour is drawn");
      assertEquals("baseline lr 0.1", loss.get("series").get("beta").get("label").asText(), "the alias names the series");
      assertFalse(loss.get("series").get("beta").get("color").asText().equals("#123456"));
      assertEquals("#123456", p.page.getAttribute(".run-item[data-run='alpha'] .run-color", "data-color"));
      assertEquals("baseline lr 0.1", p.page.textContent(".run-item[data-run='beta'] .run-name"));
      assertEquals("beta", p.page.getAttribute(".run-item[data-run='beta']", "title"), "the folder name on hover");
      assertEquals("g:train", groups(p).get(1), "after the pins, the groups: " + groups(p));
      assertEquals("pinned", groups(p).get(0));
      assertEquals("true", p.page.getAttribute(VAL + " .sc-pin", "aria-pressed"));
      JsonNode val = p.readyChartData(VAL);
      assertEquals("#123456", val.get("series").get("alpha").get("color").asText());
      // the tooltip names the run by its alias, the folder under it
      hover(p, LOSS, 0.5);
      p.waitFor("() => document.querySelector(\".sc-tip:not([hidden]) tr[data-name='beta']\")", null);
      assertEquals("baseline lr 0.1", p.page.textContent(".sc-tip:not([hidden]) tr[data-name='beta'] .sc-tip-name"));
      // the run filter finds a run by its alias as by its folder
      p.locator("#run-filter").fill("baseline");
      p.waitFor("() => document.querySelectorAll('.run-item').length === 1", null);
      assertEquals("beta", p.page.getAttribute(".run-item", "data-run"));
      p.locator("#run-filter").fill("");
      p.assertNoErrors();
    }
  }

  @Test
  void pinnedCard_staysOnTopWhateverTheTagFilter() {
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open("pins=t%3Aval%2Floss&tagFilter=%5Egrad");
      p.readyChartData(VAL);
      assertEquals(List.of("pinned", "g:grad_norm"), groups(p), "the filter keeps grad_norm only, the pin stays");
      JsonNode cards = p.json("() => [...document.querySelectorAll('#content .sc-card')].map(c => c.dataset.key)", null);
      assertEquals("t:val/loss", cards.get(0).asText(), "the pinned card first");
      assertEquals(2, cards.size(), cards.toString());
      // unpinned, it goes: the filter excludes it
      p.locator(VAL + " .sc-pin").click();
      p.waitFor("() => !document.querySelector(\".sc-card[data-key='t:val/loss']\")", null);
      assertEquals(List.of("g:grad_norm"), groups(p));
      assertFalse(p.hash().contains("pins="), p.hash());
      p.assertNoErrors();
    }
  }

  @Test
  void groups_lossAccuracyValidationFirst_diagnosticsLast() {
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open("");
      p.readyChartData(LOSS);
      assertEquals(List.of("g:train", "g:val", "g:grad_norm", "g:inputs"), groups(p));
      p.assertNoErrors();
    }
  }

  @Test
  void groups_ofAKerasLayoutRun(@TempDir Path keras) throws Exception {
    Served k = Served.loaded(Served.trainingRunsCopy(keras, "run_03"));
    try (k; DashboardPage p = chromium.open(k.base, 1400, 900)) {
      p.open("");
      p.readyChartData(".sc-card[data-key='t:epoch_loss']");
      // run_03/train: batch_* and epoch_* (with the learning rate); run_03/validation: epoch_loss, epoch_accuracy
      assertEquals(List.of("g:batch_loss", "g:epoch_loss", "g:batch_accuracy", "g:epoch_accuracy", "g:epoch_learning_rate"),
          groups(p));
      p.assertNoErrors();
    }
  }

  @Test
  void fingerprint_drawnAsItsPointsUnsmoothed_withItsRepeats() {
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open("smoothing=0.9&tagFilter=fingerprint");
      p.waitFor("sel => { const c = document.querySelector(sel); const d = c && c.__chartData;"
          + " return d && c.dataset.state === 'ready' && d.fingerprints && d.fingerprints.alpha; }", FINGERPRINT);
      JsonNode d = p.chartData(FINGERPRINT);
      assertTrue(d.get("pointsOnly").asBoolean(), "drawn as points");
      assertEquals(0, d.get("smoothing").asDouble(), "never smoothed, whatever the slider says");
      Set<Double> written = new HashSet<>();
      for (long s = 0; s < CYCLE; s++) {
        written.add(fingerprint(s));
      }
      JsonNode pts = d.get("series").get("alpha").get("points");
      for (int i = 0; i < pts.get("raw").size(); i++) {
        long step = pts.get("steps").get(i).asLong();
        double v = pts.get("raw").get(i).asDouble();
        assertEquals(fingerprint(step), v, "point " + i + " is the fingerprint logged at its step " + step + ", not a mean");
        assertEquals(v, pts.get("smoothed").get(i).asDouble(), "unsmoothed");
        assertTrue(written.contains(v));
      }
      JsonNode f = d.get("fingerprints").get("alpha");
      assertEquals(STEPS, f.get("points").asInt());
      assertEquals(CYCLE, f.get("distinct").asInt());
      List<Long> again = new ArrayList<>();
      f.get("repeats").get(0).forEach(n -> again.add(n.asLong()));
      List<Long> expected = new ArrayList<>();
      for (long s = 0; s < STEPS; s += CYCLE) {
        expected.add(s);
      }
      assertEquals(expected, again, "the batch of step 0 comes back every 25 steps");
      String text = p.page.textContent(FINGERPRINT + " .sc-fingerprints");
      assertTrue(text.contains("1,000 steps, 25 distinct batches: batches repeat (the batch of step 0 again at 25, 50, 75, 100"),
          text);
      p.assertNoErrors();
    }
  }

  static final Pattern FIXED = Pattern.compile("-?\\d+(?:\\.(\\d+))?");
  static final Pattern EXP = Pattern.compile("-?\\d(?:\\.(\\d+))?e[+-]\\d+");

  /** One format for every label: all fixed with the same decimals, or all in exponent form with the same. */
  static String formatOf(List<String> labels) {
    Set<String> kinds = new HashSet<>();
    for (String l : labels) {
      Matcher f = FIXED.matcher(l);
      Matcher e = EXP.matcher(l);
      if (f.matches()) {
        kinds.add("fixed " + (f.group(1) == null ? 0 : f.group(1).length()));
      } else if (e.matches()) {
        kinds.add("exp " + (e.group(1) == null ? 0 : e.group(1).length()));
      } else {
        kinds.add("other: " + l);
      }
    }
    assertEquals(1, kinds.size(), "one format for " + labels + ": " + kinds);
    return kinds.iterator().next();
  }

  static List<String> texts(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void yTicks_shareOneFormatPerAxis() {
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open("");
      // the format chooser itself
      Map<List<Double>, List<String>> cases = Map.of(
          List.of(0.0009, 0.00095, 0.001, 0.00105), List.of("0.00090", "0.00095", "0.00100", "0.00105"),
          List.of(0.0001, 0.0005, 0.0009), List.of("1e-4", "5e-4", "9e-4"),
          List.of(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0), List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"),
          List.of(1e-6, 1e-4, 1e-2, 1.0), List.of("1e-6", "1e-4", "1e-2", "1e+0"),
          List.of(1e6, 1.5e6, 2e6), List.of("1.0e+6", "1.5e+6", "2.0e+6"),
          List.of(-0.5, 0.0, 0.5), List.of("-0.5", "0.0", "0.5"),
          List.of(100.0, 150.0, 200.0), List.of("100", "150", "200"));
      for (var c : cases.entrySet()) {
        JsonNode out = p.json("async splits => (await import('/js/scalars/format.js')).axisFormat(splits).labels", c.getKey());
        assertEquals(c.getValue(), texts(out), "axisFormat(" + c.getKey() + ")");
      }
      // the charts: the learning rate (1e-4 .. 1e-3), the loss, a logarithmic axis
      for (String sel : List.of(LR, LOSS)) {
        List<String> ticks = texts(p.readyChartData(sel).get("yTicks"));
        assertTrue(ticks.size() >= 3, sel + ": " + ticks);
        formatOf(ticks);
      }
      p.open("logY=1");
      p.waitFor("sel => { const d = document.querySelector(sel).__chartData; return d && d.logY && d.yTicks; }", LR);
      formatOf(texts(p.chartData(LR).get("yTicks")));
      p.assertNoErrors();
    }
  }

  /** Moves the mouse over a card's plot, at a fraction of its width, half-way down. */
  static void hover(DashboardPage p, String card, double at) {
    p.locator(card).scrollIntoViewIfNeeded();
    BoundingBox box = p.locator(card + " .u-over").boundingBox();
    assertNotNull(box, "the chart is drawn");
    p.page.mouse().move(box.x + box.width * at, box.y + box.height / 2);
  }

  @Test
  void tooltip_namesTheNearestRealPoint_andItsBucketsMinMax() {
    try (DashboardPage p = chromium.open(served.base, 1000, 900)) {
      p.open("tagFilter=%5Etrain%2Floss%24&smoothing=0.6");
      JsonNode d = p.readyChartData(LOSS);
      assertTrue(d.get("series").get("alpha").get("points").get("count").get(0).asInt() > 1,
          "a narrow chart of 1,000 steps shows buckets");
      int checked = 0;
      for (double at : new double[] {0.13, 0.41, 0.77}) {
        hover(p, LOSS, at);
        p.waitFor("() => document.querySelector(\".sc-tip:not([hidden]) tr[data-name='alpha'][data-step]\")", null);
        @SuppressWarnings("unchecked")
        Map<String, String> row = (Map<String, String>) p.page.evaluate(
            "() => ({ ...document.querySelector(\".sc-tip:not([hidden]) tr[data-name='alpha']\").dataset })");
        long step = Long.parseLong(row.get("step"));
        double value = Double.parseDouble(row.get("value"));
        assertEquals(loss("alpha", step), value, "the tooltip's point is the value logged at step " + step);
        int count = Integer.parseInt(row.get("count"));
        assertTrue(count > 1, "a bucket: " + row);
        long from = Long.parseLong(row.get("from"));
        long to = Long.parseLong(row.get("to"));
        assertTrue(step == from || step == to, "the bucket's first or last point: " + row);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (long s = from; s <= to; s++) {
          min = Math.min(min, loss("alpha", s));
          max = Math.max(max, loss("alpha", s));
        }
        assertEquals(min, Double.parseDouble(row.get("min")), "bucket min");
        assertEquals(max, Double.parseDouble(row.get("max")), "bucket max");
        assertEquals(to - from + 1, count, "a point per step in the bucket");
        String tr = ".sc-tip:not([hidden]) tr[data-name='alpha']";
        String text = p.page.textContent(tr);
        // columns: swatch, run, smoothed, value, step, relative, bucket
        String shown = p.page.textContent(tr + " td:nth-child(4)");
        assertEquals((float) value, (float) Double.parseDouble(shown), "the value as logged (a float32) in: " + text);
        assertEquals(String.format(Locale.US, "%,d", step), p.page.textContent(tr + " td:nth-child(5)"), "the step in: " + text);
        assertTrue(text.contains(count + " points, steps " + String.format(Locale.US, "%,d", from) + "–"
            + String.format(Locale.US, "%,d", to)), text);
        checked++;
      }
      assertEquals(3, checked);
      p.assertNoErrors();
    }
  }

  static double sidebarWidth(DashboardPage p) {
    return ((Number) p.page.evaluate("() => document.getElementById('sidebar').getBoundingClientRect().width")).doubleValue();
  }

  /** The sidebar's drag handle changes its width, kept for the next page in localStorage (not in the URL). */
  @Test
  void sidebar_resizesByItsEdge() {
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open("");
      BoundingBox h = p.locator(".sidebar-handle").boundingBox();
      p.page.mouse().move(h.x + h.width / 2, h.y + 200);
      p.page.mouse().down();
      p.page.mouse().move(h.x + h.width / 2 + 150, h.y + 200, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(5));
      p.page.mouse().up();
      double w = sidebarWidth(p);
      assertTrue(Math.abs(w - 450) <= 3, "dragged from 300 to about 450: " + w);
      assertFalse(p.hash().contains("450"), p.hash());
      p.page.reload();
      p.waitForShell();
      double again = sidebarWidth(p);
      assertEquals(w, again, 1, "the width is kept");
      p.locator(".sidebar-handle").dblclick();
      assertEquals(300.0, sidebarWidth(p), 1, "a double click: the default width");
      p.assertNoErrors();
    }
  }

  /**
   * With {@code -Dtrainscope.screenshots=true}, rewrites docs/screenshots/scalars-runs.png: a chosen
   * colour and a display name in the run list, a pinned card, a fingerprint's card and a tooltip.
   */
  @Test
  @org.junit.jupiter.api.Tag("screenshots")
  void screenshot_ofRunsYouManage() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots"),
        "SKIPPED: needs -Dtrainscope.screenshots=true");
    try (DashboardPage p = chromium.open(served.base, 1400, 1300)) {
      p.open("tagFilter=loss%7Cfingerprint&pins=t%3Aval%2Floss&colors=alpha%09%232b8a3e&names=beta%09baseline%20lr%200.1");
      p.readyChartData(VAL);
      p.readyChartData(LOSS);
      p.waitFor("sel => { const d = document.querySelector(sel).__chartData; return d && d.fingerprints && d.fingerprints.beta; }",
          FINGERPRINT);
      hover(p, LOSS, 0.3);
      p.waitFor("() => document.querySelector('.sc-tip:not([hidden]) tr[data-step]')", null);
      p.screenshot(Path.of("../docs/screenshots/scalars-runs.png"));
      p.assertNoErrors();
    }
  }
}
