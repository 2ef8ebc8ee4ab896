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

  static final String PARALLEL = "document.querySelector('.hp-parallel').__chart";

  /** The ids of the parallel chart's axes. */
  List<String> axes(DashboardPage p) {
    List<String> out = new ArrayList<>();
    p.json("() => " + PARALLEL + ".getOption().parallelAxis.map(a => a.id)", null).forEach(a -> out.add(a.asText()));
    return out;
  }

  static List<String> ids(JsonNode columns) {
    List<String> out = new ArrayList<>();
    columns.forEach(c -> out.add(c.get("id").asText()));
    return out;
  }

  /**
   * Two experiments in one log directory, written with the writer: {@code search} (8 sessions: lr,
   * batch size, optimizer; validation accuracy and training loss) and {@code ablation} (3 sessions:
   * dropout, layers, batch norm; F1). Returns each search trial's accuracy, by run.
   */
  static Map<String, Double> writeTwoExperiments(Path logdir) throws Exception {
    InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(1_790_000_000L));
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("search")).clock(clock).build()) {
      log.hparamsExperiment(List.of(HParam.interval("lr", 1e-4, 1e-1), HParam.discrete("batch_size", 32.0, 64.0),
          HParam.discrete("optimizer", "adam", "sgd")), List.of(HParamMetric.of(ACC), HParamMetric.of("train/loss")));
    }
    Map<String, Double> accuracy = new java.util.TreeMap<>();
    for (int i = 0; i < 8; i++) {
      String run = "search/trial_" + i;
      try (SummaryWriter log = SummaryWriter.builder(logdir.resolve(run)).clock(clock).build()) {
        log.hparamsSessionStart(Map.of("lr", Math.pow(10, -4 + 3 * i / 7.0), "batch_size", i % 2 == 0 ? 32.0 : 64.0,
            "optimizer", i % 3 == 0 ? "sgd" : "adam"));
        double acc = 0.5 + 0.05 * i;
        log.scalar(ACC, acc, 10, 1_790_000_010.0);
        log.scalar("train/loss", 1.0 / (i + 1), 10, 1_790_000_010.0);
        log.hparamsSessionEnd(SessionStatus.SUCCESS);
        accuracy.put(run, (double) (float) acc);
      }
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("ablation")).clock(clock).build()) {
      log.hparamsExperiment(List.of(HParam.interval("dropout", 0, 0.5), HParam.discrete("layers", 2.0, 4.0, 8.0),
          HParam.of("use_bn", HParam.Type.BOOL)), List.of(HParamMetric.of("val/f1")));
    }
    for (int i = 0; i < 3; i++) {
      try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("ablation/run_" + i)).clock(clock).build()) {
        log.hparamsSessionStart(Map.of("dropout", 0.1 * i, "layers", Math.pow(2, i + 1), "use_bn", i != 1));
        log.scalar("val/f1", 0.6 + 0.1 * i, 5, 1_790_000_005.0);
        log.hparamsSessionEnd(SessionStatus.SUCCESS);
      }
    }
    return accuracy;
  }

  /**
   * Two experiments: the larger is shown by default with exactly its columns in the table and as
   * the parallel chart's axes; choosing the other changes both; "all experiments" shows the union,
   * sessions lacking a value drawn at each axis's n/a mark and counted in a note (and in the
   * scatter matrix's plots); the choice survives a reload; a brush still filters the table and
   * ticks the runs; showTip works on a line coloured by a metric that is not an axis.
   */
  @Test
  void severalExperiments_oneChosen_itsColumnsOnly_missingValuesDrawnAtNa(Chromium chromium) throws Exception {
    Map<String, Double> accuracy = writeTwoExperiments(tmp);
    List<String> search = List.of("h:lr", "h:batch_size", "h:optimizer", "m:" + ACC, "m:train/loss");
    List<String> ablation = List.of("h:dropout", "h:layers", "h:use_bn", "m:val/f1");
    try (Served s = Served.loaded(tmp); DashboardPage p = chromium.open(s.base, 1400, 900)) {
      p.open("tab=hparams&x.hpView=parallel");
      p.waitFor("n => { const d = " + DATA + "; return d && d.rows.length === n && " + PARALLEL + "; }", 8);
      JsonNode d = data(p);
      assertEquals("search", d.get("experiment").asText(), "the experiment with the most sessions");
      assertEquals("[{\"name\":\"ablation\",\"sessions\":3},{\"name\":\"search\",\"sessions\":8}]",
          d.get("experiments").toString());
      assertEquals(new TreeSet<>(accuracy.keySet()), new TreeSet<>(runs(d.get("rows"))));
      assertEquals(search, axes(p));
      assertEquals("", d.get("note").asText(), "every session has every axis");
      assertTrue(p.locator(".hp-experiment-field").isVisible());
      assertEquals(List.of("search (8)", "ablation (3)", "all experiments (11)").stream().sorted().toList(),
          p.locator("select.hp-experiment option").allTextContents().stream().sorted().toList());

      // the other experiment: its axes, its table columns, its colour choices
      p.locator("select.hp-experiment").selectOption("ablation");
      p.waitFor("() => { const d = " + DATA + "; return d.experiment === 'ablation' && d.rows.length === 3; }", null);
      assertTrue(p.hash().contains("x.hpExp=ablation"), p.hash());
      p.waitFor("() => " + PARALLEL + ".getOption().parallelAxis.length === 4", null);
      assertEquals(ablation, axes(p));
      assertEquals(List.of("m:val/f1"), p.locator("select.hp-color option").all().stream()
          .map(o -> o.getAttribute("value")).toList());
      p.locator(".hp-toolbar button[data-view='table']").click();
      p.waitFor("() => " + DATA + ".shown.length === 6", null);
      assertEquals("[\"run\",\"state\",\"h:dropout\",\"h:layers\",\"h:use_bn\",\"m:val/f1\"]",
          data(p).get("shown").toString());
      assertEquals(List.of("run", "state", "h:dropout", "h:layers", "h:use_bn", "m:val/f1", "m:val/f1:min", "m:val/f1:max"),
          ids(data(p).get("columns")));
      assertEquals(List.of("state", "h:dropout", "h:layers", "h:use_bn", "m:val/f1"), p.locator(".hp-filters .hp-filter").all()
          .stream().map(f -> f.getAttribute("data-col")).toList(), "min and max hidden");
      assertEquals(List.of("state", "h:dropout", "h:layers", "h:use_bn", "m:val/f1", "m:val/f1:min", "m:val/f1:max"),
          p.locator(".hp-columns input[data-col]").all().stream().map(f -> f.getAttribute("data-col")).toList());

      // the choice survives a reload
      p.page.reload();
      p.waitForShell();
      p.waitFor("() => { const d = " + DATA + "; return d && d.experiment === 'ablation' && d.rows.length === 3; }", null);
      assertEquals("ablation", p.locator("select.hp-experiment").inputValue());

      // all experiments: the union, lines without a value at each axis's n/a mark
      p.locator("select.hp-experiment").selectOption("*");
      p.locator(".hp-toolbar button[data-view='parallel']").click();
      p.waitFor("() => { const d = " + DATA + "; return d.experiment === '*' && d.rows.length === 11 && d.note; }", null);
      // (the server's order: the sessions' by run name, hparams before metrics)
      List<String> union = new ArrayList<>(ablation.subList(0, 3));
      union.addAll(search.subList(0, 3));
      union.addAll(List.of("m:val/f1", "m:" + ACC, "m:train/loss"));
      p.waitFor("n => " + PARALLEL + ".getOption().parallelAxis.length === n", union.size());
      assertEquals(union, axes(p));
      assertTrue(data(p).get("note").asText().startsWith("11 of 11 sessions lack a value on some axes"),
          data(p).get("note").asText());
      JsonNode option = p.json("() => { const o = " + PARALLEL + ".getOption();"
          + " return { axes: o.parallelAxis.map(a => ({ min: a.min ?? null, data: a.data ?? null })),"
          + " lines: Object.fromEntries(o.series[0].data.map(x => [x.name, x.value])) }; }", null);
      int lr = union.indexOf("h:lr");
      int opt = union.indexOf("h:optimizer");
      int f1 = union.indexOf("m:val/f1");
      double lrMark = option.get("axes").get(lr).get("min").asDouble();
      assertTrue(lrMark < 1e-4, "the n/a mark is below the least lr: " + lrMark);
      assertEquals("n/a", option.get("axes").get(opt).get("data").get(0).asText(), "n/a the lowest category");
      JsonNode ablationLine = option.get("lines").get("ablation/run_0");
      assertEquals(lrMark, ablationLine.get(lr).asDouble(), "a session without lr is drawn at lr's n/a mark");
      assertEquals("n/a", ablationLine.get(opt).asText());
      assertEquals(option.get("axes").get(f1).get("min").asDouble(), option.get("lines").get("search/trial_3").get(f1).asDouble());
      assertEquals(accuracy.get("search/trial_3"), option.get("lines").get("search/trial_3").get(union.indexOf("m:" + ACC)).asDouble(), 1e-9);
      // the scatter matrix leaves the points without both values out and counts them in each plot
      p.locator(".hp-toolbar button[data-view='scatter']").click();
      p.waitFor("() => document.querySelector('.hp-scatter').__chart && " + DATA + ".note", null);
      JsonNode titles = p.json("() => (document.querySelector('.hp-scatter').__chart.getOption().title || []).map(t => t.text)", null);
      assertTrue(titles.toString().contains("\"3 n/a\"") && titles.toString().contains("\"8 n/a\"")
          && titles.toString().contains("\"11 n/a\""), titles.toString());

      // back to one experiment by the URL; a brush on accuracy still filters the table and ticks the runs
      p.open("tab=hparams&x.hpView=parallel&x.hpExp=search");
      p.waitFor("() => { const d = " + DATA + "; return d && d.experiment === 'search' && d.rows.length === 8; }", null);
      p.waitFor("() => " + PARALLEL + ".getOption().parallelAxis.length === 5", null);
      p.page.evaluate("() => " + PARALLEL + ".dispatchAction({type: 'axisAreaSelect', parallelAxisId: 'm:" + ACC
          + "', intervals: [[0.74, 1]]})");
      List<String> good = accuracy.entrySet().stream().filter(e -> e.getValue() >= 0.74).map(Map.Entry::getKey).toList();
      assertEquals(3, good.size(), good.toString());
      p.waitFor("n => " + DATA + ".rows.length === n", good.size());
      assertEquals(new TreeSet<>(good), new TreeSet<>(runs(data(p).get("rows"))));
      p.waitFor("n => document.querySelector('#run-count').textContent.startsWith(n + ' of')", good.size());

      // showTip on a line coloured by a metric that is not an axis (accuracy hidden)
      p.open("tab=hparams&x.hpView=parallel&x.hpExp=search&x.hpColor=" + java.net.URLEncoder.encode("m:" + ACC,
          StandardCharsets.UTF_8) + "&x.hpHide=" + java.net.URLEncoder.encode(String.join("\n", "m:" + ACC, "m:" + ACC
          + ":min", "m:" + ACC + ":max", "m:train/loss:min", "m:train/loss:max"), StandardCharsets.UTF_8));
      p.waitFor("() => " + PARALLEL + " && " + PARALLEL + ".getOption().parallelAxis.length === 4", null);
      assertEquals("m:" + ACC, p.locator("select.hp-color").inputValue());
      p.page.evaluate("() => " + PARALLEL + ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})");
      p.waitFor("() => document.querySelector('.hp-parallel').textContent.includes('search/trial_')", null);
      p.assertNoErrors();
    }
  }

  /**
   * With {@code -Dtrainscope.screenshots=true}, rewrites docs/screenshots/hparams-{table,parallel,scatter}.png
   * and hparams-experiments.png (two experiments, all shown: missing values at n/a).
   */
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
    Path two = tmp.resolve("two");
    writeTwoExperiments(two);
    try (Served s = Served.loaded(two); DashboardPage p = chromium.open(s.base, 1500, 860)) {
      p.open("tab=hparams&theme=light&x.hpView=parallel&x.hpExp=*");
      p.waitFor("() => { const d = " + DATA + "; return d && d.rows.length === 11 && d.note; }", null);
      p.page.waitForTimeout(500);
      p.screenshot(out.resolve("hparams-experiments.png"));
      p.assertNoErrors();
    }
  }
}
