package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Download;
import dev.trainscope.writer.HParam;
import dev.trainscope.writer.HParamMetric;
import dev.trainscope.writer.SessionStatus;
import dev.trainscope.writer.SummaryWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HParams tab over a sweep of 36 trials written with Trainscope's writer: a sort and a range
 * filter in the table, the CSV download read back with a CSV parser against the table's values, and
 * a brush on a parallel-coordinates axis that narrows the table and ticks the sessions' runs, which
 * is what the Scalars tab then draws.
 */
@ExtendWith(Chromium.Tests.class)
class HParamsBrowserTest {
  static final int TRIALS = 36;
  static final String ACC = "val/accuracy";

  @TempDir
  Path tmp;

  /** One trial's values; accuracy as the file holds it (a float). */
  record Trial(String run, double lr, int batch, String optimizer, double dropout, boolean bn, float accuracy) {}

  /**
   * A learning-rate sweep as people run them: lr log-uniform in [1e-4, 1e-1], batch size, optimizer,
   * dropout and batch norm; validation accuracy best near lr 3e-3 and worse with much dropout;
   * every 11th trial failed, the last one is still running (its last event seconds old).
   */
  static List<Trial> writeSweep(Path logdir) throws Exception {
    Random rnd = new Random(18);
    InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(1_790_000_000L));
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("sweep")).clock(clock).build()) {
      log.hparamsExperiment(List.of(HParam.interval("lr", 1e-4, 1e-1), HParam.discrete("batch_size", 32.0, 64.0, 128.0),
          HParam.discrete("optimizer", "adam", "sgd"), HParam.interval("dropout", 0, 0.5), HParam.of("batch_norm", HParam.Type.BOOL)),
          List.of(HParamMetric.of(ACC), HParamMetric.of("train/loss")));
    }
    List<Trial> trials = new ArrayList<>();
    double now = System.currentTimeMillis() / 1000.0;
    for (int i = 0; i < TRIALS; i++) {
      double lr = Math.pow(10, -4 + 3 * rnd.nextDouble());
      int batch = new int[] {32, 64, 128}[rnd.nextInt(3)];
      String opt = rnd.nextBoolean() ? "adam" : "sgd";
      double dropout = Math.round(rnd.nextDouble() * 50) / 100.0;
      boolean bn = rnd.nextBoolean();
      double best = 0.97 - 0.09 * Math.pow(Math.log10(lr / 3e-3), 2) - 0.15 * dropout * dropout - (bn ? 0 : 0.02)
          - (opt.equals("sgd") ? 0.03 : 0) + 0.01 * rnd.nextGaussian();
      best = Math.max(0.1, Math.min(0.995, best));
      boolean failed = i % 11 == 5;
      boolean running = i == TRIALS - 1;
      String run = String.format("sweep/trial_%02d", i);
      double t0 = running ? now - 400 : 1_790_000_000.0 + i * 3600;
      int steps = failed ? 12 : 30;
      float acc = 0;
      try (SummaryWriter log = SummaryWriter.builder(logdir.resolve(run))
          .clock(InstantSource.fixed(Instant.ofEpochMilli((long) (t0 * 1000)))).build()) {
        log.hparamsSessionStart(Map.of("lr", lr, "batch_size", (double) batch, "optimizer", opt, "dropout", dropout,
            "batch_norm", bn));
        for (int s = 0; s < steps; s++) {
          double progress = 1 - Math.exp(-(s + 1) / 6.0);
          acc = (float) (0.1 + (best - 0.1) * progress + 0.004 * rnd.nextGaussian());
          double loss = 2.3 * Math.exp(-(s + 1) / 7.0 * (0.3 + best)) + 0.02 * rnd.nextDouble();
          log.scalar("train/loss", failed && s == steps - 1 ? Double.NaN : loss, s * 100L, t0 + s * 10);
          log.scalar(ACC, acc, s * 100L, t0 + s * 10);
        }
        if (failed) {
          log.hparamsSessionEnd(SessionStatus.FAILURE);
        } else if (!running) {
          log.hparamsSessionEnd(SessionStatus.SUCCESS);
        }
      }
      trials.add(new Trial(run, lr, batch, opt, dropout, bn, acc));
    }
    return trials;
  }

  /** RFC 4180 records: fields split at commas outside quotes, "" inside quotes one quote. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> out = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(field.toString());
        field.setLength(0);
        out.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        field.append(c);
      }
    }
    assertEquals(0, field.length() + row.size(), "the CSV ends with a line break");
    return out;
  }

  static final String DATA = "document.querySelector('.hp-view').__hparamsData";

  JsonNode data(DashboardPage p) {
    return p.json("() => " + DATA, null);
  }

  static List<String> runs(JsonNode rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get("run").asText()));
    return out;
  }

  @Test
  void sortFilterCsvAndABrushedAxis_tableAndScalarsFollow(Chromium chromium) throws Exception {
    List<Trial> trials = writeSweep(tmp);
    try (Served s = Served.loaded(tmp); DashboardPage p = chromium.open(s.base, 1400, 900)) {
      p.open("tab=hparams");
      p.waitFor("n => { const d = " + DATA + "; return d && d.rows.length === n; }", TRIALS);
      JsonNode d = data(p);
      List<String> ids = new ArrayList<>();
      d.get("columns").forEach(c -> ids.add(c.get("id").asText()));
      assertEquals(List.of("run", "state", "h:lr", "h:batch_size", "h:optimizer", "h:dropout", "h:batch_norm",
          "m:val/accuracy", "m:val/accuracy:min", "m:val/accuracy:max", "m:train/loss", "m:train/loss:min",
          "m:train/loss:max"), ids);
      assertEquals("[\"run\",\"state\",\"h:lr\",\"h:batch_size\",\"h:optimizer\",\"h:dropout\",\"h:batch_norm\","
          + "\"m:val/accuracy\",\"m:train/loss\"]", d.get("shown").toString(), "min and max hidden at first");
      assertEquals("running", d.get("rows").get(TRIALS - 1).get("values").get("state").asText());
      assertEquals("failed", d.get("rows").get(5).get("values").get("state").asText());

      // empty(ctx): a reason only when no run passing the run filter logged a session
      JsonNode empty = p.json("async () => { const m = (await import('/js/tabs/hparams.js')).default;"
          + " const ctx = (tags, filter) => ({ state: { get: k => k === 'runFilter' ? filter : '' },"
          + " runs: () => [{ name: 'a' }, { name: 'b' }], runTags: r => r === 'b' ? tags : [] });"
          + " const start = [{ tag: '_hparams_/session_start_info', kind: 'hparams' }];"
          + " return [m.empty(ctx(start, '')), m.empty(ctx([], '')), m.empty(ctx(start, '^a$'))]; }", null);
      assertTrue(empty.get(0).isNull(), empty.toString());
      assertTrue(empty.get(1).asText().startsWith("No hyperparameters in the selected runs"), empty.toString());
      assertTrue(empty.get(2).asText().startsWith("No hyperparameters"), empty.toString());

      // sort by accuracy, descending (a second click)
      p.locator("th[data-col='m:val/accuracy']").click();
      p.locator("th[data-col='m:val/accuracy']").click();
      p.waitFor("() => location.hash.includes('x.hpSort=-m%3Aval%2Faccuracy')", null);
      List<Trial> byAcc = new ArrayList<>(trials);
      byAcc.sort((a, b) -> Float.compare(b.accuracy(), a.accuracy()));
      assertEquals(byAcc.stream().map(Trial::run).toList(), runs(data(p).get("rows")));
      assertEquals(byAcc.get(0).run(), p.locator(".hp-table tbody tr[data-run]").first().getAttribute("data-run"));

      // a range filter on lr: at least 0.001
      p.locator(".hp-filter[data-col='h:lr'] input.hp-min").fill("0.001");
      p.locator(".hp-filter[data-col='h:lr'] input.hp-min").press("Enter");
      List<String> fast = byAcc.stream().filter(t -> t.lr() >= 0.001).map(Trial::run).toList();
      p.waitFor("n => " + DATA + ".rows.length === n", fast.size());
      assertEquals(fast, runs(data(p).get("rows")));
      assertTrue(fast.size() > 5 && fast.size() < TRIALS - 5, fast.size() + " trials with lr >= 0.001");
      // the sidebar ticks those runs only
      p.waitFor("n => document.querySelector('#run-count').textContent.startsWith(n + ' of')", fast.size());

      // the CSV: every column, the table's rows and order, the very same values, plain decimals
      Download csv = p.page.waitForDownload(() -> p.locator(".hp-csv").click());
      List<List<String>> records = parseCsv(Files.readString(csv.path(), StandardCharsets.UTF_8));
      JsonNode table = data(p);
      assertEquals(List.of("run", "status", "lr", "batch_size", "optimizer", "dropout", "batch_norm", ACC,
          ACC + " (min)", ACC + " (max)", "train/loss", "train/loss (min)", "train/loss (max)"), records.get(0));
      assertEquals(fast.size() + 1, records.size());
      for (int i = 0; i < fast.size(); i++) {
        List<String> rec = records.get(i + 1);
        JsonNode values = table.get("rows").get(i).get("values");
        for (int c = 0; c < ids.size(); c++) {
          JsonNode v = values.get(ids.get(c));
          String field = rec.get(c);
          assertFalse(field.matches(".*\\d[eE][-+]?\\d.*"), "no exponent: " + field);
          if (v.isNumber()) {
            assertEquals(v.asDouble(), Double.parseDouble(field), ids.get(c) + " of " + rec.get(0));
          } else if (v.isNull()) {
            assertTrue(field.isEmpty() || field.equals("NaN"), field);
          } else {
            assertEquals(v.asText(), field, ids.get(c) + " of " + rec.get(0));
          }
        }
      }
      Trial first = byAcc.stream().filter(t -> t.lr() >= 0.001).findFirst().orElseThrow();
      assertEquals(first.accuracy(), (float) Double.parseDouble(records.get(1).get(7)));

      // parallel coordinates: clear the filters, brush the accuracy axis at >= 0.9
      p.locator(".hp-clear").click();
      p.waitFor("n => " + DATA + ".rows.length === n", TRIALS);
      p.locator(".hp-toolbar button[data-view='parallel']").click();
      p.waitFor("() => document.querySelector('.hp-parallel').__chart", null);
      p.page.evaluate("() => document.querySelector('.hp-parallel').__chart.dispatchAction({type: 'axisAreaSelect',"
          + " parallelAxisId: 'm:val/accuracy', intervals: [[0.9, 1]]})");
      List<String> good = byAcc.stream().filter(t -> t.accuracy() >= 0.9).map(Trial::run).toList();
      assertTrue(good.size() > 3 && good.size() < TRIALS - 3, good.size() + " trials at >= 0.9");
      p.waitFor("n => " + DATA + ".rows.length === n", good.size());
      assertEquals(new TreeSet<>(good), new TreeSet<>(runs(data(p).get("rows"))));
      assertTrue(p.hash().contains("x.hpFilter="), p.hash());
      p.waitFor("n => document.querySelector('#run-count').textContent.startsWith(n + ' of')", good.size());
      // a category axis: brush 'adam' only
      int adam = (int) trials.stream().filter(t -> t.accuracy() >= 0.9 && t.optimizer().equals("adam")).count();
      p.page.evaluate("() => document.querySelector('.hp-parallel').__chart.dispatchAction({type: 'axisAreaSelect',"
          + " parallelAxisId: 'h:optimizer', intervals: [[-0.3, 0.3]]})");
      p.waitFor("n => " + DATA + ".rows.length === n", adam);

      // the Scalars tab draws exactly those runs
      List<String> drawn = trials.stream().filter(t -> t.accuracy() >= 0.9 && t.optimizer().equals("adam"))
          .map(Trial::run).sorted().toList();
      p.tab("scalars");
      String card = ".sc-card[data-tag='" + ACC + "']";
      p.waitFor("sel => { const c = document.querySelector(sel); return c && c.dataset.runs; }", card);
      assertEquals(drawn.toString().replace(" ", ""),
          p.locator(card).getAttribute("data-runs").replace("\"", ""));
      // back to HParams: the brushes came back from the URL
      p.tab("hparams");
      p.waitFor("n => { const d = " + DATA + "; return d && d.rows.length === n; }", adam);
      // clicking a session opens its curves
      p.locator(".hp-toolbar button[data-view='table']").click();
      p.locator(".hp-table tbody tr[data-run] .hp-open").first().click();
      p.waitFor("() => document.querySelector('#tabs button[data-tab=scalars]').getAttribute('aria-selected') === 'true'", null);
      p.waitFor("() => document.querySelector('#run-count').textContent.startsWith('1 of')", null);
      p.assertNoErrors();
    }
  }

  /**
   * Lines are coloured by the metric that tells sessions apart until one is chosen: not Lightning's
   * placeholder hp_metric (-1 in every session) even when it comes first, but a metric the user picks
   * stays picked.
   */
  @Test
  void colourBy_defaultsToAMetricThatVaries_notAConstantPlaceholder(Chromium chromium) throws Exception {
    try (SummaryWriter log = SummaryWriter.builder(tmp.resolve("exp")).build()) {
      log.hparamsExperiment(List.of(HParam.interval("lr", 1e-4, 1e-1)),
          List.of(HParamMetric.of("hp_metric"), HParamMetric.of("val/acc"), HParamMetric.of("val/loss")));
    }
    for (int i = 0; i < 4; i++) {
      try (SummaryWriter log = SummaryWriter.builder(tmp.resolve("exp/t" + i)).build()) {
        log.hparamsSessionStart(Map.of("lr", Math.pow(10, -1 - i)));
        log.scalar("hp_metric", -1, 0);
        log.scalar("val/acc", 0.5 + 0.1 * i, 0);
        if (i < 2) {
          log.scalar("val/loss", 1.0 / (i + 1), 0); // varies too, but half the sessions lack it
        }
        log.hparamsSessionEnd(SessionStatus.SUCCESS);
      }
    }
    try (Served s = Served.loaded(tmp); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=hparams&x.hpView=parallel");
      p.waitFor("n => { const d = " + DATA + "; return d && d.rows.length === n; }", 4);
      p.waitFor("() => document.querySelector('.hp-color').value === 'm:val/acc'", null);
      p.open("tab=hparams&x.hpView=parallel&x.hpColor=" + java.net.URLEncoder.encode("m:hp_metric", StandardCharsets.UTF_8));
      p.waitFor("n => { const d = " + DATA + "; return d && d.rows.length === n; }", 4);
      p.waitFor("() => document.querySelector('.hp-color').value === 'm:hp_metric'", null);
      p.assertNoErrors();
    }
  }

  /** With {@code -Dtrainscope.screenshots=true}, rewrites docs/screenshots/hparams-{table,parallel,scatter}.png. */
  @Tag("screenshots")
  @Test
  void screenshots_ofTheThreeViews(Chromium chromium) throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots"), "SKIPPED: needs -Dtrainscope.screenshots=true");
    Path out = Path.of(System.getProperty("trainscope.screenshotDir", "../docs/screenshots"));
    writeSweep(tmp);
    try (Served s = Served.loaded(tmp); DashboardPage p = chromium.open(s.base, 1500, 860)) {
      String common = "tab=hparams&theme=light&x.hpSort=-m%3Aval%2Faccuracy";
      p.open(common);
      p.waitFor("n => { const d = " + DATA + "; return d && d.rows.length === n; }", TRIALS);
      p.page.waitForTimeout(300);
      p.screenshot(out.resolve("hparams-table.png"));
      p.open(common + "&x.hpView=parallel&x.hpFilter=" + java.net.URLEncoder.encode("{\"m:val/accuracy\":[0.9,1]}",
          StandardCharsets.UTF_8));
      p.waitFor("() => document.querySelector('.hp-parallel').__chart", null);
      p.page.waitForTimeout(500);
      p.screenshot(out.resolve("hparams-parallel.png"));
      p.open(common + "&x.hpView=scatter");
      p.waitFor("() => document.querySelector('.hp-scatter').__chart", null);
      p.page.waitForTimeout(500);
      p.screenshot(out.resolve("hparams-scatter.png"));
      p.assertNoErrors();
    }
  }
}
