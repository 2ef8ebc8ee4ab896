package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Route;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.writer.HParam;
import dev.trainscope.writer.HParamMetric;
import dev.trainscope.writer.SessionStatus;
import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page that fits: the top bar from 768 px up (tabs that do not fit in a More menu, reachable by
 * mouse and keyboard, the theme button and progress always on screen), tabs without data greyed
 * with their reason, a loading indicator until the runs arrive and an error that says what failed,
 * Back between tabs and a finding's evidence, and the Runs tab's results beside the run names.
 */
@ExtendWith(Chromium.Tests.class)
class PageFitBrowserTest {
  static final List<String> TABS = List.of("scalars", "histograms", "distributions", "images", "text", "layers", "graph",
      "features", "latent", "findings", "runs");
  static final String LONG_VALUE = "resnet50-with-squeeze-and-excitation-blocks-and-a-very-long-name";

  @TempDir
  Path logdir;

  /**
   * Runs like the demo's: "cnn" with a tag of every kind the tabs show (scalars, per-layer scalars,
   * histograms, an image, text, a graph, feature views, a latent traversal) and a loss that turns
   * NaN (a finding); nine hparams trials "trial-N" with nine hyperparameters and two metrics,
   * all ended but "trial-live" (no end, events 7 minutes old: still training, by the one window
   * both the Runs and the HParams tab judge by) and "trial-quiet" (no end, events a day old).
   */
  void writeDemoLike() throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("cnn"))) {
      log.graph(new GraphDefProto(List.of(
          new NodeDef("input", "Placeholder", List.of(), "", Map.of()),
          new NodeDef("dense/MatMul", "MatMul", List.of("input"), "", Map.of())), 0, List.of()));
      for (long s = 0; s < 20; s++) {
        log.scalar("train/loss", s < 15 ? 1.0 / (1 + s) : Double.NaN, s);
        log.scalar("train/accuracy", s / 20.0, s);
        log.scalar("grad_norm/conv2d_1", 0.1 * (s + 1), s);
        log.scalar("grad_norm/dense", 0.2 * (s + 1), s);
      }
      for (long s = 0; s < 3; s++) {
        log.histogram("dense/weights", new double[] {-1, -0.5, 0, 0.5 + s, 1 + s}, s);
      }
      log.image("inputs", FeaturesBrowserTest.tile(8, 8, 40), 0);
      log.text("notes", "a *note*", 0);
      FeaturesBrowserTest.writeFeatures(log);
      FeaturesBrowserTest.writeLatent(log);
    }
    Instant dayAgo = Instant.now().minus(Duration.ofDays(1));
    for (int i = 0; i < 9; i++) {
      String name = i == 7 ? "trial-live" : i == 8 ? "trial-quiet" : "trial-" + i;
      var builder = SummaryWriter.builder(logdir.resolve(name));
      builder.clock(InstantSource.fixed(i == 7 ? Instant.now().minus(Duration.ofMinutes(7)) : dayAgo));
      try (SummaryWriter log = builder.build()) {
        List<HParam> hparams = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (int h = 0; h < 9; h++) {
          String hp = "hparam_number_" + h;
          hparams.add(HParam.of(hp, HParam.Type.FLOAT64));
          values.put(hp, 0.001 * (h + 1) * (i + 1));
        }
        hparams.add(HParam.of("architecture", HParam.Type.STRING));
        values.put("architecture", i == 0 ? LONG_VALUE : "mlp");
        log.hparamsExperiment(hparams, List.of(HParamMetric.of("val/accuracy"), HParamMetric.of("val/loss")));
        log.hparamsSessionStart(values);
        for (long s = 0; s < 5; s++) {
          log.scalar("val/accuracy", 0.5 + 0.05 * i + 0.01 * s, s);
          log.scalar("val/loss", 1.0 / (i + s + 1), s);
          log.scalar("train/loss", 1.2 / (i + s + 1), s);
        }
        if (i < 7) {
          log.hparamsSessionEnd(SessionStatus.SUCCESS);
        }
      }
    }
  }

  /** The tabs' empty reasons by id (null: has data), and which are in the More menu. */
  static JsonNode tabs(DashboardPage p) {
    return p.json("() => Object.fromEntries([...document.querySelectorAll('#tabs button[data-tab]')].map(b =>"
        + " [b.dataset.tab, {empty: b.dataset.empty ?? null, role: b.getAttribute('role'), title: b.title}]))", null);
  }

  /** What lies (partly) outside the viewport: the page wider than it, or a top-bar item past its right edge. */
  static List<String> outside(DashboardPage p) {
    return FiltersBrowserTest.list(p.json("""
        () => {
          const w = window.innerWidth;
          const out = [];
          if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth);
          const items = ['.brand', '#tabs', '#tabs-more', '#progress', '#theme',
            ...[...document.querySelectorAll('.tab-strip button')].map(b => `.tab-strip button[data-tab=${b.dataset.tab}]`)];
          for (const sel of items) {
            const e = document.querySelector(sel);
            if (!e || e.closest('[hidden]')) continue;
            const r = e.getBoundingClientRect();
            if (r.right > w + 0.5 || r.left < -0.5) out.push(sel + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
          }
          const strip = document.querySelector('.tab-strip');
          if (strip.scrollWidth > strip.clientWidth + 1) out.push('tab strip cut: ' + strip.scrollWidth + ' > ' + strip.clientWidth);
          return out;
        }""", null));
  }

  @Test
  void at768_everyTabIsReachable_byMouseAndKeyboard_andNothingLeavesTheScreen(Chromium chromium) throws Exception {
    writeDemoLike();
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base, 768, 800)) {
      p.open("");
      JsonNode tabs = tabs(p);
      int inMenu = 0;
      for (String id : TABS) {
        if (tabs.get(id).get("role").asText().equals("menuitem")) {
          inMenu++;
        }
      }
      assertTrue(inMenu > 0, "at 768 px some tabs are in the More menu: " + tabs);
      assertEquals(List.of(), outside(p), "outside the viewport at 768 px");
      for (String id : TABS) {
        p.tab(id);
        assertEquals(List.of(), outside(p), "outside the viewport at 768 px with " + id + " open");
        assertEquals("tab", p.locator("#tabs button[data-tab='" + id + "']").getAttribute("role"),
            "the open tab stands in the strip");
      }
      // the keyboard: Enter on More opens the menu on its first item, arrows move, Enter opens, Escape closes
      p.tab("scalars");
      p.locator("#tabs-more").focus();
      p.page.keyboard().press("Enter");
      assertEquals("true", p.locator("#tabs-more").getAttribute("aria-expanded"));
      String first = (String) p.page.evaluate("() => document.querySelector('#tabs-menu button').dataset.tab");
      assertEquals(first, p.page.evaluate("() => document.activeElement.dataset.tab"), "focus on the first item");
      p.page.keyboard().press("Escape");
      assertEquals("false", p.locator("#tabs-more").getAttribute("aria-expanded"));
      assertEquals("tabs-more", p.page.evaluate("() => document.activeElement.id"), "Escape returns to More");
      p.page.keyboard().press("ArrowDown");
      p.page.keyboard().press("ArrowDown");
      String second = (String) p.page.evaluate("() => document.activeElement.dataset.tab");
      assertEquals(p.page.evaluate("() => document.querySelectorAll('#tabs-menu button')[1].dataset.tab"), second);
      p.page.keyboard().press("Enter");
      p.waitFor("id => document.querySelector(`#tabs button[data-tab='${id}']`).getAttribute('aria-selected') === 'true'",
          second);
      assertTrue(p.hash().contains("tab=" + second), p.hash());
      assertTrue(p.locator("#tabs-menu").isHidden(), "the menu closes when a tab is chosen");
      p.assertNoErrors();
    }
  }

  /**
   * The bar with six more tabs (17, as the tabs being added make it) at 768, 1024 and 1280 px:
   * every tab in the strip or the menu, the strip not cut, the theme button and progress on screen.
   * Prints what it measured.
   */
  @Test
  void seventeenTabs_fitAt768_1024_1280(Chromium chromium) throws Exception {
    writeDemoLike();
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base, 1280, 800)) {
      p.open("");
      for (int width : new int[] {768, 1024, 1280}) {
        p.page.setViewportSize(width, 800);
        JsonNode m = p.json("""
            async () => {
              const bar = document.getElementById('tabs').__tabBar;
              const items = bar.items.slice(0, 11);
              const more = ['HParams', 'PR curves', 'Custom scalars', 'Audio', 'Projector', 'Mesh']
                .map(t => ({ id: 'x-' + t.replace(/ /g, ''), label: t, title: t, empty: null, active: false, badge: null }));
              // laid out at once, and measured before the shell's next update (findings, progress) puts back its 11
              bar.update([...items, ...more]);
              const box = sel => { const r = document.querySelector(sel).getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right)]; };
              const out = {
                strip: document.querySelectorAll('.tab-strip button').length,
                menu: document.querySelectorAll('#tabs-menu button').length,
                tabs: box('#tabs'), more: box('#tabs-more'), progress: box('#progress'), theme: box('#theme'),
                stripCut: document.querySelector('.tab-strip').scrollWidth > document.querySelector('.tab-strip').clientWidth + 1,
                pageWidth: document.documentElement.scrollWidth,
              };
              bar.update(items);
              return out;
            }""", null);
        System.out.println("top bar at " + width + " px with 17 tabs: " + m);
        assertEquals(17, m.get("strip").asInt() + m.get("menu").asInt(), width + ": every tab in the strip or the menu");
        assertTrue(m.get("menu").asInt() > 0, width + ": 17 tabs do not fit, some are in the menu");
        assertTrue(!m.get("stripCut").asBoolean(), width + ": no tab cut");
        assertTrue(m.get("theme").get(1).asInt() <= width, width + ": the theme button on screen " + m);
        assertTrue(m.get("progress").get(1).asInt() <= width, width + ": the progress on screen " + m);
        assertTrue(m.get("pageWidth").asInt() <= width, width + ": the page no wider than the window " + m);
        assertTrue(m.get("more").get(1).asInt() <= m.get("progress").get(0).asInt(), width + ": More before the progress " + m);
      }
      p.assertNoErrors();
    }
  }

  /** A PyTorch logdir (scalars and graphs only): the other tabs are greyed, their reason on hover and in the body. */
  @Test
  void emptyTabs_areGreyedWithTheirReason_onAPytorchLogdir(Chromium chromium) throws Exception {
    Path shared = Served.shared();
    assertNotNull(shared, "../shared/data/tfevents is needed (or -Dtrainscope.shared=DIR)");
    try (Served s = Served.loaded(shared.resolve("pytorch-tensorboardx-visualization"));
        DashboardPage p = chromium.open(s.base)) {
      p.open("");
      p.waitFor("() => document.querySelector('#tabs button[data-tab=layers]').dataset.empty", null);
      JsonNode tabs = tabs(p);
      for (String id : List.of("histograms", "distributions", "images", "text", "layers", "features", "latent")) {
        String reason = tabs.get(id).get("empty").asText(null);
        assertNotNull(reason, id + " greyed: " + tabs);
        assertTrue(reason.startsWith("No "), reason);
        assertEquals(reason, tabs.get(id).get("title").asText(), id + ": the reason on hover");
      }
      for (String id : List.of("scalars", "graph", "findings", "runs")) {
        assertTrue(tabs.get(id).get("empty").isNull(), id + " has data: " + tabs);
      }
      assertTrue(tabs.get("layers").get("empty").asText().contains("grad_norm/<layer>"), "says what to log");
      // opened by URL: the reason instead of a box per run
      p.page.navigate(s.base + "/#tab=layers");
      p.page.reload();
      p.waitFor("() => document.querySelector('.tab-empty[data-tab=layers]')", null);
      assertEquals(tabs.get("layers").get("empty").asText(), p.locator(".tab-empty[data-tab=layers]").innerText());
      assertEquals(0, p.locator(".layers-run").count(), "no empty boxes");
      // a greyed tab can still be opened from the bar: it shows its reason
      p.tab("features");
      assertEquals(tabs.get("features").get("empty").asText(), p.locator(".tab-empty[data-tab=features]").innerText());
      p.assertNoErrors();
      if (Boolean.getBoolean("trainscope.screenshots")) {
        Path dir = Path.of(System.getProperty("trainscope.screenshotDir", "../docs/screenshots"));
        Files.createDirectories(dir);
        try (DashboardPage narrow = chromium.open(s.base, 768, 520)) {
          narrow.open("tab=scalars&theme=light");
          narrow.waitFor("() => document.querySelector('.sc-card')?.dataset.state === 'ready'", null);
          narrow.locator("#tabs-more").click();
          narrow.page.mouse().move(0, 0);
          narrow.page.waitForTimeout(300);
          narrow.screenshot(dir.resolve("topbar-768.png"));
          narrow.assertNoErrors();
        }
      }
    }
  }

  /** On demo-like runs every tab has data; unticking every run greys the tag-based ones, ticking brings them back. */
  @Test
  void everyTabHasData_onDemoLikeRuns_untilNoRunIsSelected(Chromium chromium) throws Exception {
    writeDemoLike();
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("tab=latent");
      p.waitFor("() => document.querySelector('.latent-tab')?.dataset.state === 'ready'", null);
      JsonNode tabs = tabs(p);
      for (String id : TABS) {
        assertTrue(tabs.get(id).get("empty").isNull(), id + " has data: " + tabs);
      }
      p.locator("#runs-none").click();
      p.waitFor("() => document.querySelector('.tab-empty[data-tab=latent]')", null);
      tabs = tabs(p);
      for (String id : List.of("scalars", "histograms", "distributions", "images", "text")) {
        assertEquals("No runs selected: tick runs in the sidebar or clear the run filter", tabs.get(id).get("empty").asText(), id);
      }
      assertTrue(tabs.get("latent").get("empty").asText().startsWith("No latent traversals"), tabs.toString());
      p.locator("#runs-all").click();
      p.waitFor("() => document.querySelector('.latent-tab')?.dataset.state === 'ready'", null);
      assertNull(tabs(p).get("latent").get("empty").textValue());
      p.assertNoErrors();
    }
  }

  /** Opened without a tab in its URL, the page opens the first tab with data; a tab in the URL is kept, greyed or not. */
  @Test
  void openedWithoutATab_thePageOpensTheFirstTabWithData(Chromium chromium) throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("weights-only"))) {
      log.histogram("dense/weights", new double[] {-1, 0, 1}, 0);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open("");
      assertSelected(p, "histograms");
      assertTrue(tabs(p).get("scalars").get("empty").asText().startsWith("No scalars in the selected runs"));
      p.open("tab=scalars");
      p.waitFor("() => document.querySelector('.tab-empty[data-tab=scalars]')", null);
      assertSelected(p, "scalars");
      p.assertNoErrors();
    }
  }

  /**
   * Tab changes and a finding's evidence are history entries: Back returns to the tab and the
   * list before, and never leaves the page; typing a filter replaces the entry instead.
   */
  @Test
  void back_returnsToThePreviousTabAndView_andStaysInTheApp(Chromium chromium) throws Exception {
    writeDemoLike();
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.page.navigate("about:blank");
      p.open("");
      p.tab("histograms");
      p.locator("#tag-filter").fill("weights");
      p.waitFor("() => location.hash.includes('tagFilter=weights')", null);
      p.tab("runs");
      p.tab("findings");
      p.locator("a.fd-evidence").first().click();
      p.waitFor("() => document.querySelector('.evidence')", null);
      p.page.goBack();
      p.waitFor("() => !document.querySelector('.evidence') && document.querySelector('a.fd-evidence')", null);
      assertSelected(p, "findings");
      p.page.goBack();
      assertSelected(p, "runs");
      p.page.goBack();
      assertSelected(p, "histograms");
      assertTrue(p.hash().contains("tagFilter=weights"), "the filter typed there: " + p.hash());
      p.page.goBack();
      assertSelected(p, "scalars");
      assertTrue(p.page.url().startsWith(s.base), "still in the app: " + p.page.url());
      assertEquals("", p.hash(), "the first entry, as it was opened");
      p.page.goForward();
      assertSelected(p, "histograms");
      p.assertNoErrors();
    }
  }

  static void assertSelected(DashboardPage p, String id) {
    p.waitFor("id => document.querySelector(`#tabs button[data-tab='${id}']`)?.getAttribute('aria-selected') === 'true'", id);
    assertTrue(p.page.url().contains("#tab=" + id) || id.equals("scalars"), p.page.url());
  }

  /** Until /api/runs answers the page says it is loading; when it fails, it says what failed and can try again. */
  @Test
  void loadingIndicator_untilTheRunsArrive_andAnErrorThatSaysWhatFailed(Chromium chromium) throws Exception {
    writeDemoLike();
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      AtomicReference<Route> held = new AtomicReference<>();
      p.page.route("**/api/runs", held::set);
      p.page.navigate(s.base + "/");
      p.await("the page to ask for the runs", () -> held.get() != null);
      assertTrue(p.locator("#loading").isVisible(), "loading shown while /api/runs has not answered");
      assertEquals(0, p.locator(".sc-root").count(), "no tab yet");
      p.page.unroute("**/api/runs");
      held.get().resume();
      p.waitForShell();
      p.waitFor("() => !document.getElementById('loading') && document.querySelector('.sc-root')", null);
      p.assertNoErrors();

      // the API fails: what the server said, and a button that tries again
      p.page.route("**/api/runs", r -> r.fulfill(new Route.FulfillOptions().setStatus(503).setBody("store not ready")));
      p.page.navigate(s.base + "/#tab=runs");
      p.page.reload();
      p.waitFor("() => document.querySelector('.load-error')", null);
      assertTrue(p.locator(".load-error").innerText().contains("The server answered 503: store not ready"),
          p.locator(".load-error").innerText());
      p.page.unroute("**/api/runs");
      p.locator(".load-error button").click();
      p.waitFor("() => document.querySelector('.runs-view') && !document.querySelector('.load-error')", null);
    }
  }

  /**
   * The Runs tab with nine hyperparameters: the metrics and status stand beside the run name,
   * in view without scrolling; a long value shows whole on hover; a run still training says
   * running; the columns count says how many tags are columns.
   */
  @Test
  void runsTab_showsResultsFirst_statusOfARunningRun_fullValuesAndTheRightCount(Chromium chromium) throws Exception {
    writeDemoLike();
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base, 1280, 800)) {
      p.open("tab=runs");
      p.waitFor("() => document.querySelector('table.runs-table td[data-col=\"m:val/accuracy\"]')"
          + " && !document.querySelector('.runs-summary').textContent.includes('loading')", null);
      JsonNode cols = p.json("() => document.querySelector('.runs-view').__tableData.columns.map(c => c.id)", null);
      assertEquals("name", cols.get(0).asText());
      assertEquals("status", cols.get(1).asText());
      assertEquals("m:val/accuracy", cols.get(2).asText());
      assertEquals("m:val/loss", cols.get(3).asText());
      // in view: right of the sticky run column, inside the table's visible box
      JsonNode view = p.json("""
          () => {
            const wrap = document.querySelector('.table-wrap').getBoundingClientRect();
            const r = sel => document.querySelector(sel).getBoundingClientRect();
            return { wrapRight: wrap.right, acc: r('th[data-col="m:val/accuracy"]').right, loss: r('th[data-col="m:val/loss"]').right,
              status: r('th[data-col=status]').right, scroll: document.querySelector('.table-wrap').scrollLeft };
          }""", null);
      assertEquals(0, view.get("scroll").asInt());
      for (String c : List.of("acc", "loss", "status")) {
        assertTrue(view.get(c).asDouble() <= view.get("wrapRight").asDouble(), c + " in view without scrolling: " + view);
      }
      Map<String, String> status = new LinkedHashMap<>();
      for (JsonNode r : p.json("() => document.querySelector('.runs-view').__tableData.rows", null)) {
        status.put(r.get("run").asText(), r.get("values").get("status").asText());
      }
      assertEquals("running", status.get("trial-live"), status.toString());
      assertEquals("finished?", status.get("trial-quiet"), status.toString());
      // the HParams tab's states, judged by the server: the same words for the same runs
      JsonNode states = p.json("async () => Object.fromEntries((await (await fetch('api/hparams')).json()).rows"
          + ".map(r => [r.run, r.state + (r.stateInferred ? '?' : '')]))", null);
      assertEquals("running?", states.get("trial-live").asText(), states.toString());
      assertEquals("finished?", states.get("trial-quiet").asText(), states.toString());
      assertEquals("success", status.get("trial-0"), status.toString());
      assertEquals("running", status.get("cnn"), "no session, events now: " + status);
      // the long value: cut in the cell, whole in its title
      String cell = "tr[data-run=trial-0] td[data-col='h:architecture']";
      p.waitFor("sel => document.querySelector(sel)", cell);
      assertEquals(LONG_VALUE, p.locator(cell).getAttribute("title"));
      assertTrue((Boolean) p.page.evaluate("sel => { const td = document.querySelector(sel); return td.scrollWidth > td.clientWidth; }", cell),
          "the value is longer than its cell");
      // the count: the two session metrics are columns (ticked, fixed), train/loss the one chosen by default
      String count = p.locator(".tag-picker .count").innerText();
      long sCols = 0;
      for (JsonNode c : cols) {
        if (c.asText().startsWith("s:") || c.asText().startsWith("m:")) {
          sCols++;
        }
      }
      assertTrue(count.startsWith(sCols + " of "), count + " while " + sCols + " tag columns are shown: " + cols);
      assertTrue(sCols >= 3, cols.toString());
      assertTrue(p.locator(".tag-picker input[data-tag='val/accuracy']").isChecked());
      assertTrue(p.locator(".tag-picker input[data-tag='val/accuracy']").isDisabled());
      p.assertNoErrors();
    }
  }
}
