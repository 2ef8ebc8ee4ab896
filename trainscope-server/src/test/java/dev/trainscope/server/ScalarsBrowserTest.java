package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.data.ScalarPoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scalars tab in a real browser draws the numbers the event file holds, and smooths them as
 * TensorBoard does. The file is tensorboardX's {@code loss/train} (1,000 steps), read here with
 * the events scanner and checked against the manifest TensorBoard's own loader wrote beside it.
 */
@ExtendWith(Chromium.Tests.class)
class ScalarsBrowserTest {
  static final String RUN = "scalars";
  static final String TAG = "loss/train";
  static final String CARD = ".sc-card[data-key='t:loss/train']";
  /** Only this tag and run, drawn full width: about 1,400 pixels, so one bucket per point. */
  static final String EXACT = "tagFilter=%5Eloss%2Ftrain%24&runFilter=%5Escalars%24&full=t%3Aloss%2Ftrain";

  static Served served;
  static Chromium chromium;
  static EventFiles.Points file;

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    Path dir = Served.testdata().resolve("gen-tensorboardX");
    Path events = dir.resolve("scalars/events.out.tfevents.1795718564.vm");
    file = EventFiles.scalars(events, TAG);
    checkAgainstManifest(dir.resolve("scalars/events.out.tfmanifest.1795718564.vm.json"), file);
    served = Served.loaded(dir);
    ScalarPoints stored = served.store.scalars(RUN, TAG, Long.MIN_VALUE, Long.MAX_VALUE, 10_000);
    assertTrue(Arrays.equals(file.steps(), stored.steps()) && Arrays.equals(file.values(), stored.values()),
        "the store holds the file's points");
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  /** A user's page draws the same chart and carries no test hook; a test's page does. */
  @Test
  void testHooks_onlyOnATestsPage() {
    for (boolean test : new boolean[] {false, true}) {
      try (DashboardPage p = test ? chromium.open(served.base, 1800, 1000) : chromium.openAsUser(served.base, 1800, 1000)) {
        p.open(EXACT + "&smoothing=0");
        p.waitFor("sel => { const c = document.querySelector(sel); return c && c.dataset.state === 'ready'; }", CARD);
        assertEquals(test, p.page.evaluate("sel => '__chartData' in document.querySelector(sel)", CARD),
            test ? "a test's page exposes the chart" : "a user's page has no test hook");
        p.assertNoErrors();
      }
    }
  }

  /** The file read by the scanner agrees with TensorBoard's reading of it: count, first and last three, sum. */
  static void checkAgainstManifest(Path manifest, EventFiles.Points p) throws Exception {
    JsonNode t = new ObjectMapper().readTree(Files.readString(manifest)).get("raw").get("tags").get(TAG);
    assertEquals(1000, t.get("count").asInt());
    assertEquals(1000, p.size());
    for (int i = 0; i < 3; i++) {
      JsonNode first = t.get("scalars_first3").get(i);
      JsonNode last = t.get("scalars_last3").get(i);
      assertEquals(first.get(0).asLong(), p.steps()[i]);
      assertEquals(first.get(1).asDouble(), p.values()[i]);
      assertEquals(last.get(0).asLong(), p.steps()[997 + i]);
      assertEquals(last.get(1).asDouble(), p.values()[997 + i]);
    }
    double sum = 0;
    for (double v : p.values()) {
      sum += v;
    }
    assertEquals(t.get("scalar_sum").asDouble(), sum, 1e-9);
  }

  /** TensorBoard's debiased exponential moving average (line_chart_v2 data_transformer.ts), written apart from the app. */
  static double[] tensorBoardSmooth(double[] values, double weight) {
    double[] out = new double[values.length];
    boolean constant = true;
    for (double v : values) {
      constant &= Double.compare(v, values[0]) == 0;
    }
    if (weight <= 0 || constant) {
      return values.clone();
    }
    double last = 0;
    int accumulated = 0;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v)) {
        out[i] = v;
        continue;
      }
      last = last * weight + (1 - weight) * v;
      accumulated++;
      out[i] = last / (1 - Math.pow(weight, accumulated));
    }
    return out;
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode n = array.get(i);
      out[i] = n.isNull() ? Double.NaN : n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble();
    }
    return out;
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  static void assertClose(double[] expected, double[] actual, double relTol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) || Double.isInfinite(e)) {
        assertEquals(e, a, what + " [" + i + "]");
      } else {
        assertTrue(Math.abs(e - a) <= relTol * Math.max(1, Math.abs(e)),
            what + " [" + i + "]: expected " + e + " but was " + a);
      }
    }
  }

  @Test
  void wideChart_drawsEveryPointOfTheFileExactly() {
    try (DashboardPage p = chromium.open(served.base, 1800, 1000)) {
      p.open(EXACT + "&smoothing=0");
      JsonNode d = p.readyChartData(CARD);
      assertEquals("[\"scalars\"]", d.get("runs").toString());
      JsonNode s = d.get("series").get(RUN);
      assertEquals(RUN, s.get("run").asText());
      assertTrue(Arrays.stream(longs(s.get("points").get("count"))).allMatch(c -> c == 1),
          "one point per bucket at this width: " + s.get("points").get("count").size() + " buckets");
      assertTrue(Arrays.equals(file.steps(), longs(d.get("x"))), "x is the file's steps");
      assertTrue(Arrays.equals(file.values(), doubles(s.get("raw"))), "raw is the file's values, bit for bit");
      assertTrue(Arrays.equals(file.values(), doubles(s.get("smoothed"))), "smoothing 0 draws the raw line");
      p.assertNoErrors();
    }
  }

  @Test
  void narrowChart_eachBucketSummarisesItsPointsOfTheFile() {
    try (DashboardPage p = chromium.open(served.base, 1000, 800)) {
      p.open("tagFilter=%5Eloss%2Ftrain%24&runFilter=%5Escalars%24&smoothing=0");
      JsonNode s = p.readyChartData(CARD).get("series").get(RUN);
      JsonNode pts = s.get("points");
      long[] counts = longs(pts.get("count"));
      double[] mean = doubles(pts.get("raw"));
      double[] min = doubles(pts.get("min"));
      double[] max = doubles(pts.get("max"));
      long[] steps = longs(pts.get("steps"));
      assertTrue(counts.length < 1000 && counts.length > 100, "downsampled to about a bucket per pixel: " + counts.length);
      assertEquals(1000, Arrays.stream(counts).sum(), "the buckets cover every point once");
      int at = 0;
      for (int b = 0; b < counts.length; b++) {
        int n = (int) counts[b];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = at; i < at + n; i++) {
          lo = Math.min(lo, file.values()[i]);
          hi = Math.max(hi, file.values()[i]);
          sum += file.values()[i];
        }
        String where = "bucket " + b + " (points " + at + ".." + (at + n - 1) + ")";
        assertEquals(lo, min[b], where + " min, exact");
        assertEquals(hi, max[b], where + " max, exact");
        assertEquals(sum / n, mean[b], 1e-12 * Math.abs(sum / n), where + " mean");
        assertEquals(Math.round((file.steps()[at] + file.steps()[at + n - 1]) / 2.0), steps[b], where + " step");
        at += n;
      }
      p.assertNoErrors();
    }
  }

  @Test
  void smoothingModule_isTensorBoardsDebiasedEma() {
    double[] spiky = file.values().clone();
    spiky[10] = Double.NaN;
    spiky[500] = Double.POSITIVE_INFINITY;
    spiky[501] = Double.NEGATIVE_INFINITY;
    double[] constant = new double[50];
    Arrays.fill(constant, 0.25);
    List<double[]> inputs = List.of(file.values(), spiky, constant, new double[] {3.5}, new double[0]);
    double[] weights = {0, 0.25, 0.6, 0.9, 0.99, 0.999};
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      for (double[] in : inputs) {
        List<Object> values = new ArrayList<>();
        for (double v : in) {
          values.add(Double.isFinite(v) ? (Object) v : String.valueOf(v));
        }
        for (double w : weights) {
          JsonNode out = p.json("""
              async ([values, w]) => {
                const { smooth } = await import('/js/scalars/smoothing.js');
                const num = v => typeof v === 'string' ? Number(v) : v;
                return Array.from(smooth(values.map(num), w), v => Number.isFinite(v) ? v : String(v));
              }""", List.of(values, w));
          assertClose(tensorBoardSmooth(in, w), doubles(out), 1e-12, "smooth(" + in.length + " values, " + w + ")");
        }
      }
      p.assertNoErrors();
    }
  }

  @Test
  void smoothingSlider_redrawsTheLineAsTheFormulaSays() {
    try (DashboardPage p = chromium.open(served.base, 1800, 1000)) {
      p.open(EXACT + "&smoothing=0");
      p.readyChartData(CARD);
      for (String w : List.of("0.9", "0.3", "0.99")) {
        p.locator("#sc-smoothing").fill(w);
        p.waitFor("([sel, w]) => { const d = document.querySelector(sel).__chartData; return d && d.smoothing === w; }",
            List.of(CARD, Double.parseDouble(w)));
        JsonNode s = p.chartData(CARD).get("series").get(RUN);
        assertTrue(Arrays.equals(file.values(), doubles(s.get("raw"))), "the raw line stays");
        assertClose(tensorBoardSmooth(file.values(), Double.parseDouble(w)), doubles(s.get("smoothed")), 1e-12,
            "smoothed at " + w);
        assertTrue(p.hash().contains("smoothing=" + w), p.hash());
      }
      // the keyboard moves it too: End is the largest weight the dashboard allows
      p.locator("#sc-smoothing").focus();
      p.page.keyboard().press("End");
      p.waitFor("sel => document.querySelector(sel).__chartData.smoothing === 0.999", CARD);
      assertClose(tensorBoardSmooth(file.values(), 0.999),
          doubles(p.chartData(CARD).get("series").get(RUN).get("smoothed")), 1e-12, "smoothed at 0.999");
      p.assertNoErrors();
    }
  }
}
