package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.writer.CustomScalars;
import dev.trainscope.writer.SessionStatus;
import dev.trainscope.writer.SummaryWriter;
import java.awt.image.BufferedImage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's display name (the URL's {@code names}, given in the run list) names the run wherever a
 * tab names it, the folder name on hover: HParams (table, parallel coordinates' and scatter
 * matrix's tooltips), PR curves (legend and readout), Custom Scalars, the card tabs (images, audio,
 * text, histograms, distributions), Mesh, the Projector's run list and the Findings' verdicts. A rename while a tab is
 * open shows at once, without fetching the tab's data again.
 */
@ExtendWith(Chromium.Tests.class)
class RunNamesBrowserTest {
  static final String ALIAS = "Alpha, the baseline";
  static final String RENAMED = "alpha v2";

  @TempDir
  static Path logdir;
  static Served served;
  static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    Random r = new Random(7);
    for (String run : List.of("alpha", "beta")) {
      boolean alpha = run.equals("alpha");
      try (SummaryWriter log = SummaryWriter.create(logdir.resolve(run))) {
        log.hparamsSessionStart(Map.of("lr", alpha ? 0.1 : 0.01, "optimizer", alpha ? "sgd" : "adam"));
        for (long step = 0; step < 3; step++) {
          log.scalar("loss/train", (alpha ? 1.0 : 1.5) / (1 + step), step);
          log.scalar("accuracy", (alpha ? 0.6 : 0.5) + 0.1 * step, step);
          log.scalar("loss", alpha && step == 2 ? Double.NaN : 1.0 / (1 + step), step);   // alpha's diverges: a finding
          boolean[] labels = new boolean[100];
          float[] p = new float[100];
          for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextBoolean();
            p[i] = (float) Math.min(1, Math.max(0, (labels[i] ? 0.6 : 0.4) + 0.2 * r.nextGaussian()));
          }
          log.prCurve("pr", labels, p, 11, step);
        }
        log.hparamsSessionEnd(SessionStatus.SUCCESS);
        if (alpha) {
          log.customScalars(CustomScalars.builder().category("Losses").multiline("train", "^loss/").build());
          BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
          float[] clip = new float[800];
          for (int i = 0; i < clip.length; i++) {
            clip[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
          }
          for (long step = 0; step < 2; step++) {
            log.image("sample", img, step);
            log.audio("voice", clip, 1, 8000, step);
            log.text("notes", "step " + step, step);
            log.histogram("weights", new double[] {step, step + 1, step + 2, 0.5}, step);
          }
          log.mesh("triangle", new float[][] {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}, new int[][] {{0, 1, 2}}, null, 0);
          log.embedding("points", new float[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {1, 1, 1}}, List.of("a", "b", "c", "d"),
              null, 0);
        }
      }
    }
    served = Served.loaded(logdir);
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  static String names(String run, String alias) {
    return "names=" + URLEncoder.encode(run + "\t" + alias, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The text and hover title of every element a selector finds. */
  static List<String> labels(DashboardPage p, String selector) {
    JsonNode all = p.json("sel => [...document.querySelectorAll(sel)].map(n => n.textContent + ' | ' + n.title)", selector);
    List<String> out = new ArrayList<>();
    all.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** What an HParams chart's tooltip says of its run {@code run}, as ECharts would write it into the page. */
  static String tooltip(DashboardPage p, String host, String run) {
    return (String) p.page.evaluate("([host, run]) => { const c = document.querySelector(host).__chart; const o = c.getOption();"
        + " const s = o.series.find(x => x.data.some(d => d.name === run)); const d = s.data.find(x => x.name === run);"
        + " return o.tooltip[0].formatter({ name: d.name, value: d.value }); }", List.of(host, run));
  }

  static void cards(DashboardPage p, String tab) {
    p.tab(tab);
    String card = ".card[data-tab=" + tab + "][data-run=alpha]";
    p.waitFor("sel => document.querySelector(sel)", card);
    assertEquals(List.of(ALIAS + " | alpha"), labels(p, card + " .card-run .run-name"), tab + ": the card names the run");
    assertEquals("alpha", p.page.getAttribute(card + " .card-run", "title"), tab);
  }

  @Test
  void alias_namesTheRunInEveryTab_theFolderOnHover() {
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      p.open(names("alpha", ALIAS) + "&tab=hparams");

      p.waitFor("() => document.querySelectorAll('.hp-table tr[data-run]').length === 2", null);
      assertEquals(List.of(ALIAS + " | alpha\nclick: open the curves"), labels(p, ".hp-table tr[data-run=alpha] .hp-open"),
          "the table's run column");
      assertEquals(List.of("beta | beta\nclick: open the curves"), labels(p, ".hp-table tr[data-run=beta] .hp-open"));
      p.locator(".hp-toolbar button[data-view='parallel']").click();
      p.waitFor("() => document.querySelector('.hp-parallel').__chart", null);
      assertEquals(ALIAS + "<br><span style=\"opacity:0.7\">alpha</span>", tooltip(p, ".hp-parallel", "alpha"),
          "a line's tooltip: the alias, the folder under it");
      assertEquals("beta", tooltip(p, ".hp-parallel", "beta"), "no alias: the folder name once");
      p.locator(".hp-toolbar button[data-view='scatter']").click();
      p.waitFor("() => document.querySelector('.hp-scatter').__chart", null);
      assertTrue(tooltip(p, ".hp-scatter", "alpha").startsWith(ALIAS + "<br><span style=\"opacity:0.7\">alpha</span><br>"),
          tooltip(p, ".hp-scatter", "alpha"));

      p.tab("prcurves");
      p.readyChartData(".pr-card[data-tag='pr']");
      assertEquals(List.of(ALIAS + " | alpha", "beta | beta"), labels(p, ".pr-card .pr-legend .run-name"), "the legend");
      JsonNode at = p.json("() => document.querySelector('.pr-card').__pointAt('alpha', 5)", null);
      p.page.mouse().move(at.get("x").asDouble(), at.get("y").asDouble());
      p.waitFor("() => document.querySelector('.pr-card').__chartData.hover?.run === 'alpha'", null);
      assertEquals(List.of(ALIAS + " | alpha"), labels(p, ".pr-card .pr-readout .run-name"), "the hover readout");

      p.tab("customscalars");
      p.waitFor("() => document.querySelector('.cs-card')?.dataset.state === 'ready'", null);
      assertEquals(List.of(ALIAS + " | alpha", "beta | beta"), labels(p, ".cs-card .pr-legend .run-name"), "the custom chart's legend");

      for (String tab : List.of("images", "audio", "text", "histograms", "distributions")) {
        cards(p, tab);
      }

      p.tab("mesh");
      p.waitFor("() => document.querySelector('.mesh-card[data-run=alpha]')", null);
      assertEquals(List.of(ALIAS + " | alpha"), labels(p, ".mesh-card[data-run=alpha] .card-run .run-name"), "the mesh's card");

      p.tab("projector");
      p.waitFor("() => document.querySelector('select.projector-run option[value=alpha]')", null);
      assertEquals(List.of(ALIAS + " | alpha"), labels(p, "select.projector-run option"), "the projector's run list");
      assertEquals("alpha", p.page.evaluate("() => document.querySelector('select.projector-run').value"), "keyed by the folder");

      p.tab("findings");
      p.waitFor("() => document.querySelector('.finding[data-run=alpha]')", null);
      assertEquals(List.of(ALIAS + " | alpha"), labels(p, ".fd-verdict[data-run=alpha] .fd-run-name .run-name"), "the verdict's title");
      assertTrue(labels(p, ".finding[data-run=alpha] .fd-where .run-name").contains(ALIAS + " | alpha"), "where the finding is");
      p.assertNoErrors();
    }
  }

  @Test
  void rename_showsInTheOpenTab_withoutFetchingItsDataAgain() {
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      List<String> fetched = Collections.synchronizedList(new ArrayList<>());
      p.page.onRequest(q -> {
        if (q.url().contains("/api/")) {
          fetched.add(q.url());
        }
      });
      p.open(names("alpha", ALIAS) + "&tab=prcurves");
      p.readyChartData(".pr-card[data-tag='pr']");
      fetched.clear();
      rename(p, "alpha", RENAMED);
      p.waitFor("() => document.querySelector('.pr-card .pr-legend .run-name')?.textContent === 'alpha v2'", null);
      assertEquals(List.of(RENAMED + " | alpha", "beta | beta"), labels(p, ".pr-card .pr-legend .run-name"));
      assertEquals(List.of(), fetched.stream().filter(u -> u.contains("/api/prcurves")).toList(), "a rename fetches no curve again");

      p.tab("hparams");
      p.locator(".hp-toolbar button[data-view='parallel']").click();
      p.waitFor("() => document.querySelector('.hp-parallel').__chart", null);
      p.waitFor("() => document.querySelector('.hp-view').__hparamsData.rows.length === 2", null);
      fetched.clear();
      rename(p, "beta", "second");
      p.waitFor("() => { const o = document.querySelector('.hp-parallel').__chart.getOption();"
          + " return o.tooltip[0].formatter({ name: 'beta' }).startsWith('second<br>'); }", null);
      p.locator(".hp-toolbar button[data-view='table']").click();
      assertEquals(List.of("second | beta\nclick: open the curves"), labels(p, ".hp-table tr[data-run=beta] .hp-open"));
      assertEquals(List.of(), fetched.stream().filter(u -> u.contains("/api/hparams")).toList(), "a rename fetches no session again");

      // a card tab: the card's run label follows, the images are not fetched again
      p.tab("images");
      p.waitFor("() => document.querySelector('.card[data-tab=images][data-run=alpha]')?.dataset.state === 'ready'", null);
      fetched.clear();
      rename(p, "alpha", "third");
      p.waitFor("() => document.querySelector('.card[data-run=alpha] .card-run .run-name').textContent === 'third'", null);
      assertEquals(List.of("third | alpha"), labels(p, ".card[data-run=alpha] .card-run .run-name"));
      assertEquals(List.of(), fetched.stream().filter(u -> u.contains("/api/blob")).toList(), "a rename fetches no image again");
      p.assertNoErrors();
    }
  }

  /** Gives a run a display name as a user does: the pencil in the run list, the name, Enter. */
  static void rename(DashboardPage p, String run, String alias) {
    String row = ".run-item[data-run='" + run + "']";
    p.locator(row).hover();
    p.locator(row + " .run-rename").click();
    p.locator(row + " input.run-alias").fill(alias);
    p.locator(row + " input.run-alias").press("Enter");
  }
}
