package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.writer.SummaryWriter;
import java.awt.image.BufferedImage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and text from event files are data, never markup: runs, tags, descriptions, hparams and a
 * text summary made of HTML and script are shown as text on every tab, no element they describe
 * is created, and nothing runs (no dialog, no console error such as a CSP refusal, no page error).
 */
@ExtendWith(Chromium.Tests.class)
class XssBrowserTest {
  static final String IMG = "<img src=x onerror=alert(1)>";
  static final String SCRIPT = "<script>alert(2)</script>";
  /** A run named with a '/' inside: two folders, one run. */
  static final String SCRIPT_RUN = "evil" + SCRIPT;
  /** Would set window.__pwned if it ran. */
  static final String SVG = "<svg onload=window.__pwned=1>";
  static final String TEXT = "**bold** " + IMG + " " + SCRIPT + " [link](javascript:alert(3)) <b onmouseover=alert(4)>b</b> " + SVG;

  @TempDir
  static Path logdir;
  static Served served;
  static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve(IMG))) {
      log.describe(IMG, SCRIPT, "a description " + IMG);
      BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      for (long step = 0; step < 5; step++) {
        log.scalar(IMG, step * 0.5, step);
        log.scalar(SCRIPT, 1 - step * 0.1, step);
        log.scalar(SVG, step, step);
        log.histogram(IMG + "/weights", new double[] {step, step + 1, step + 2, 0.5}, step);
        log.image(SCRIPT + "/image", img, step);
        log.text(IMG + "/notes", TEXT, step);
        log.prCurve("pr", new boolean[] {true, false, true, false}, new float[] {0.9f, 0.2f, 0.6f, 0.4f}, 5, step);
      }
      log.hparams(Map.of("optimizer", SCRIPT, IMG, 0.1), Map.of(SCRIPT + "/metric", 0.5), "trial");
    }
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve(SCRIPT_RUN))) {
      for (long step = 0; step < 3; step++) {
        log.scalar(IMG, step, step);
      }
    }
    served = Served.loaded(logdir);
    assertTrue(served.store.runs().stream().anyMatch(r -> r.name().equals(SCRIPT_RUN)), served.store.runs().toString());
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  /** A display name given in the run list (the URL's names): user text, never markup. */
  static final String ALIAS = "<img src=x onerror=window.__pwned=2>";

  /** What must never be in the page: elements or handlers from the names and text. */
  static void assertNoInjectedMarkup(DashboardPage p, String tab) {
    assertEquals(0, ((Number) p.page.evaluate("() => document.querySelectorAll('img[src=x], img[src=\"x\"]').length")).intValue(),
        tab + ": an <img src=x> was created");
    assertEquals(1, ((Number) p.page.evaluate("() => document.querySelectorAll('script:not([type=importmap])').length")).intValue(),
        tab + ": a <script> besides the app's own");
    assertEquals(1, ((Number) p.page.evaluate("() => document.querySelectorAll('script[type=importmap]').length")).intValue(),
        tab + ": the one import map (three.js)");
    assertEquals(0, ((Number) p.page.evaluate("() => document.querySelectorAll('svg[onload], [onerror], [onmouseover], [onclick]').length"))
        .intValue(), tab + ": inline event handlers");
    assertEquals(0, ((Number) p.page.evaluate("() => document.querySelectorAll('a[href^=\"javascript\" i]').length")).intValue(),
        tab + ": javascript: links");
  }

  /** Waits until no card of the tab is loading any more (and at least one exists). */
  static void awaitCards(DashboardPage p, String selector) {
    p.waitFor("sel => { const cs = [...document.querySelectorAll(sel)];"
        + " return cs.length > 0 && cs.every(c => ['ready', 'empty', 'error'].includes(c.dataset.state)); }", selector);
    assertEquals(0, ((Number) p.page.evaluate("sel => document.querySelectorAll(sel + '[data-state=error]').length", selector))
        .intValue(), "cards in error");
  }

  /** Moves the pointer over every card's drawing (tooltips, hover legends render names too). */
  static void hoverAll(DashboardPage p, String selector) {
    int n = p.locator(selector).count();
    for (int i = 0; i < n; i++) {
      var card = p.locator(selector).nth(i);
      card.scrollIntoViewIfNeeded();
      var box = card.boundingBox();
      p.page.mouse().move(box.x + box.width / 2, box.y + box.height / 2);
      p.page.mouse().move(box.x + box.width / 3, box.y + box.height * 0.6);
    }
  }

  static String contentText(DashboardPage p) {
    return (String) p.page.evaluate("() => document.getElementById('content').innerText");
  }

  @Test
  void hostileNames_areTextOnEveryTab() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      assertNoInjectedMarkup(p, "shell");
      // the run list shows both hostile run names as text
      String runs = (String) p.page.evaluate("() => document.getElementById('run-list').innerText");
      assertTrue(runs.contains(IMG) && runs.contains(SCRIPT_RUN), runs);

      awaitCards(p, ".sc-card");
      hoverAll(p, ".sc-card");
      p.locator(".sc-card[data-key='t:" + IMG + "'] .sc-download-btn").click();
      assertTrue(p.locator(".sc-menu").innerText().contains(SCRIPT_RUN), "download menu names the run");
      String scalars = contentText(p);
      assertTrue(scalars.contains(SCRIPT) && scalars.contains(SVG) && scalars.contains("a description " + IMG), scalars);
      assertEquals(List.of(IMG, SCRIPT_RUN), FiltersBrowserTest.list(
          p.json("k => JSON.parse(document.querySelector(`.sc-card[data-key='${k}']`).dataset.runs)", "t:" + IMG)));
      assertNoInjectedMarkup(p, "scalars");

      p.tab("histograms");
      awaitCards(p, ".card[data-tab=histograms]");
      hoverAll(p, ".card[data-tab=histograms] .canvas-box");
      assertTrue(contentText(p).contains(IMG + "/weights"), contentText(p));
      assertNoInjectedMarkup(p, "histograms");

      p.tab("distributions");
      awaitCards(p, ".card[data-tab=distributions]");
      hoverAll(p, ".card[data-tab=distributions]");
      assertTrue(contentText(p).contains(IMG + "/weights"), contentText(p));
      assertNoInjectedMarkup(p, "distributions");

      p.tab("images");
      awaitCards(p, ".card[data-tab=images]");
      assertTrue(contentText(p).contains(SCRIPT + "/image"), contentText(p));
      p.waitFor("() => [...document.querySelectorAll('.card[data-tab=images] img')].every(i => i.complete && i.naturalWidth === 8)",
          null);
      assertEquals(SCRIPT + "/image, step 4", p.locator(".card[data-tab=images] img").first().getAttribute("alt"));
      assertNoInjectedMarkup(p, "images");

      p.tab("text");
      awaitCards(p, ".card[data-tab=text]");
      String text = contentText(p);
      assertTrue(text.contains(IMG) && text.contains(SCRIPT), "the text's markup shown as text: " + text);
      assertEquals("bold", p.locator(".card[data-tab=text] .markdown strong").first().textContent(), "Markdown still renders");
      p.locator(".card[data-tab=text] .markdown").first().hover();
      assertNoInjectedMarkup(p, "text");

      p.tab("runs");
      p.waitFor("() => document.querySelectorAll('table.runs-table tr[data-run]').length === 3"
          + " && !document.querySelector('.runs-summary').textContent.includes('loading')", null);
      String table = contentText(p);
      assertTrue(table.contains(IMG) && table.contains(SCRIPT_RUN) && table.contains(IMG + "/trial"), table);
      assertTrue(table.contains(SCRIPT), "the hparam value as text: " + table);
      assertNoInjectedMarkup(p, "runs");

      // HParams: the table, the filters, and the charts' tooltips (ECharts writes them as HTML)
      p.tab("hparams");
      p.waitFor("() => document.querySelectorAll('.hp-table tr[data-run]').length === 1", null);
      String hp = contentText(p) + p.page.evaluate("() => document.getElementById('tab-settings').innerText");
      assertTrue(hp.contains(IMG + "/trial") && hp.contains(SCRIPT) && hp.contains(SCRIPT + "/metric"), hp);
      assertNoInjectedMarkup(p, "hparams table");
      p.locator(".hp-toolbar button[data-view='parallel']").click();
      p.waitFor("() => document.querySelector('.hp-parallel').__chart", null);
      // the line's tooltip as ECharts would write it into the page: the name escaped
      String tip = (String) p.page.evaluate("() => { const c = document.querySelector('.hp-parallel').__chart;"
          + " const s = c.getOption().series[0].data[0]; return c.getOption().tooltip[0].formatter({ name: s.name }); }");
      assertEquals((IMG + "/trial").replace("<", "&#60;").replace(">", "&#62;"), tip);
      assertNoInjectedMarkup(p, "hparams parallel");
      // one session: nothing varies, so no scatter plot, and a note saying so
      p.locator(".hp-toolbar button[data-view='scatter']").click();
      p.waitFor("() => document.querySelector('.hp-view .empty').innerText.startsWith('Nothing to plot')", null);

      assertEquals(null, p.page.evaluate("() => window.__pwned"));
      p.assertNoErrors();
    }
  }

  @Test
  void hostileDisplayNames_areTextInHParamsAndPrCurves() {
    String names = URLEncoder.encode(IMG + "\t" + ALIAS + " pr\n" + IMG + "/trial\t" + ALIAS + " hp", StandardCharsets.UTF_8)
        .replace("+", "%20");
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("names=" + names + "&tab=hparams");
      p.waitFor("() => document.querySelectorAll('.hp-table tr[data-run]').length === 1", null);
      assertEquals(ALIAS + " hp", p.page.textContent(".hp-table tr[data-run] .hp-open"), "the alias as text in the table");
      assertNoInjectedMarkup(p, "hparams table");
      p.locator(".hp-toolbar button[data-view='parallel']").click();
      p.waitFor("() => document.querySelector('.hp-parallel').__chart", null);
      String tip = (String) p.page.evaluate("() => { const c = document.querySelector('.hp-parallel').__chart;"
          + " return c.getOption().tooltip[0].formatter({ name: c.getOption().series[0].data[0].name }); }");
      String esc = (ALIAS + " hp").replace("<", "&#60;").replace(">", "&#62;");
      assertEquals(esc + "<br><span style=\"opacity:0.7\">" + (IMG + "/trial").replace("<", "&#60;").replace(">", "&#62;") + "</span>",
          tip, "the tooltip's HTML escapes the alias and the folder");
      // the tooltip as ECharts writes it into the page
      // (the pointer midway between the line's first two points: its points are its polyline's)
      var mid = p.json("() => { const host = document.querySelector('.hp-parallel'); const c = host.__chart;"
          + " const pts = c.getModel().getSeriesByIndex(0).getData().getItemGraphicEl(0).shape.points; const r = host.getBoundingClientRect();"
          + " return { x: r.left + (pts[0][0] + pts[1][0]) / 2, y: r.top + (pts[0][1] + pts[1][1]) / 2 }; }", null);
      p.page.mouse().move(mid.get("x").asDouble() - 20, mid.get("y").asDouble() - 20);
      p.page.mouse().move(mid.get("x").asDouble(), mid.get("y").asDouble());
      p.waitFor("a => [...document.querySelectorAll('.hp-parallel div')].some(d => d.textContent.includes(a))", ALIAS + " hp");
      assertNoInjectedMarkup(p, "hparams tooltip");

      p.tab("prcurves");
      p.readyChartData(".pr-card[data-tag='pr']");
      assertEquals(ALIAS + " pr", p.page.textContent(".pr-card .pr-legend .run-name"), "the alias as text in the legend");
      assertEquals(IMG, p.page.getAttribute(".pr-card .pr-legend .run-name", "title"), "the folder on hover");
      hoverAll(p, ".pr-card .line-chart");
      var at = p.json("r => document.querySelector('.pr-card').__pointAt(r, 2)", IMG);
      p.page.mouse().move(at.get("x").asDouble(), at.get("y").asDouble());
      p.waitFor("() => document.querySelector('.pr-card').__chartData.hover", null);
      assertEquals(ALIAS + " pr", p.page.textContent(".pr-card .pr-readout .run-name"), "the readout names the run as text");
      assertNoInjectedMarkup(p, "prcurves");

      assertEquals(null, p.page.evaluate("() => window.__pwned"));
      p.assertNoErrors();
    }
  }
}
