package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.data.RunInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every tab in a real browser over the 112 real event files of ../shared (TensorFlow 1 and 2,
 * Keras, PyTorch, Lightning, tensorboardX): each loads and draws every card with no error in the
 * page, histogram and distribution cards hold what the API serves, the runs table sorts, and the
 * dark theme toggles. With {@code -Dtrainscope.screenshots=true} it also rewrites the screenshots
 * in docs/screenshots.
 */
@ExtendWith(Chromium.Tests.class)
class TabsBrowserTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> TABS = List.of("scalars", "histograms", "distributions", "images", "audio", "text",
      "prcurves", "customscalars", "runs");
  /** The cards of each tab, and when they are done: every one that has been asked for has answered. */
  static final Map<String, String> CARDS = Map.of(
      "scalars", ".sc-card", "histograms", ".card[data-tab=histograms]", "distributions", ".card[data-tab=distributions]",
      "images", ".card[data-tab=images]", "text", ".card[data-tab=text]", "audio", ".card[data-tab=audio]",
      "prcurves", ".pr-card", "customscalars", ".cs-card");

  static Served served;
  static Chromium chromium;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    Path shared = Served.shared();
    if (shared != null) {
      served = Served.loaded(shared);
    }
  }

  @BeforeEach
  void needsShared() {
    Assumptions.assumeTrue(served != null, "SKIPPED: ../shared absent (../shared/data/tfevents), so the tabs were not checked on it");
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  static JsonNode api(String path, Map<String, String> params) throws Exception {
    StringBuilder q = new StringBuilder();
    for (var e : params.entrySet()) {
      q.append(q.length() == 0 ? "?" : "&").append(e.getKey()).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(served.base + path + q)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + q + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /**
   * Waits until every card in the main area's viewport has loaded and drawn (not waiting, idle or
   * loading), and fails if any card shows an error.
   */
  static void awaitSettled(DashboardPage p, String cards) {
    p.waitFor("""
        sel => {
          const view = document.getElementById('content').getBoundingClientRect();
          const cs = [...document.querySelectorAll(sel)];
          const inView = cs.filter(c => { const b = c.getBoundingClientRect();
            return b.height > 0 && b.bottom > view.top && b.top < view.bottom; });
          return inView.length > 0 && inView.every(c => ['ready', 'empty', 'error'].includes(c.dataset.state)
            && c.dataset.busy === undefined);
        }""", cards);
    List<String> errors = FiltersBrowserTest.list(p.json("sel => [...document.querySelectorAll(sel + '[data-state=error]')]"
        + ".map(c => (c.dataset.key || c.dataset.run + ' ' + c.dataset.tag) + ': ' + c.innerText)", cards));
    assertEquals(List.of(), errors, "cards in error");
  }

  /** Scrolls the main area down a screen at a time, letting every card load and draw; returns how many cards there are. */
  static int scrollThrough(DashboardPage p, String cards) {
    awaitSettled(p, cards);
    while (true) {
      boolean more = (Boolean) p.page.evaluate("() => { const c = document.getElementById('content');"
          + " const before = c.scrollTop; c.scrollTop += c.clientHeight; return c.scrollTop > before; }");
      // intersection observers report after the next frame
      p.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
      awaitSettled(p, cards);
      if (!more) {
        break;
      }
    }
    return ((Number) p.page.evaluate("sel => document.querySelectorAll(sel).length", cards)).intValue();
  }

  @Test
  void everyTab_loadsAndDrawsEveryCardWithoutErrors() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String tab : TABS) {
        p.tab(tab);
        assertEquals(0, ((Number) p.page.evaluate("() => document.getElementById('content').scrollTop")).intValue(),
            tab + " opens at its top, not where the last tab was scrolled to");
        if (tab.equals("runs")) {
          p.waitFor("n => { const v = document.querySelector('.runs-view');"
              + " return v && v.__tableData.rows.length === n && !v.textContent.includes('loading'); }", served.store.runs().size());
          counts.put(tab, served.store.runs().size());
        } else {
          // a group of many cards shows the first ones and a button for the rest
          p.page.evaluate("() => document.querySelectorAll('#content button.more:not([hidden])').forEach(b => b.click())");
          counts.put(tab, scrollThrough(p, CARDS.get(tab)));
          if (!tab.equals("scalars")) {
            assertEquals(0, ((Number) p.page.evaluate("sel => document.querySelectorAll(sel + '[data-state=idle]').length",
                CARDS.get(tab))).intValue(), tab + ": cards never loaded");
          }
        }
      }
      System.out.println("../shared: cards per tab " + counts);
      counts.forEach((tab, n) -> assertTrue(n > 0, tab + " shows nothing"));
      p.assertNoErrors();
    }
  }

  @Test
  void histogramsAndDistributions_holdWhatTheApiServes() throws Exception {
    try (DashboardPage p = chromium.open(served.base, 1400, 1400)) {
      p.open("tab=histograms");
      awaitSettled(p, CARDS.get("histograms"));
      List<String[]> cards = readyCards(p, CARDS.get("histograms"));
      assertTrue(cards.size() >= 4, "histogram cards drawn: " + cards.size());
      for (String[] c : cards) {
        String sel = ".card[data-tab=histograms][data-run=" + cssString(c[0]) + "][data-tag=" + cssString(c[1]) + "]";
        JsonNode shown = p.chartData(sel);
        JsonNode api = api("/api/histograms", Map.of("run", c[0], "tag", c[1], "maxSteps", "50"));
        assertEquals(api.get("total").asInt(), shown.get("total").asInt(), c[0] + " " + c[1]);
        assertEquals(api.get("steps").size(), shown.get("steps").size(), c[0] + " " + c[1]);
        for (int i = 0; i < api.get("steps").size(); i++) {
          JsonNode a = api.get("steps").get(i);
          JsonNode s = shown.get("steps").get(i);
          String where = c[0] + " " + c[1] + " step " + i;
          assertEquals(a.get("step").asLong(), s.get("step").asLong(), where);
          assertEquals(numbers(a.get("count")), numbers(s.get("count")), where + " counts");
          // the page puts each bucket's edges in order (TensorBoard's first bucket runs from min to the first limit, either way)
          List<Double> left = numbers(a.get("left"));
          List<Double> right = numbers(a.get("right"));
          List<Double> lo = new ArrayList<>();
          List<Double> hi = new ArrayList<>();
          for (int k = 0; k < left.size(); k++) {
            lo.add(Math.min(left.get(k), right.get(k)));
            hi.add(Math.max(left.get(k), right.get(k)));
          }
          assertEquals(lo, numbers(s.get("left")), where + " left edges");
          assertEquals(hi, numbers(s.get("right")), where + " right edges");
        }
        assertEquals(served.store.histograms(c[0], c[1]).size(), shown.get("total").asInt());
      }

      p.tab("distributions");
      awaitSettled(p, CARDS.get("distributions"));
      cards = readyCards(p, CARDS.get("distributions"));
      assertTrue(cards.size() >= 4, "distribution cards drawn: " + cards.size());
      for (String[] c : cards) {
        String sel = ".card[data-tab=distributions][data-run=" + cssString(c[0]) + "][data-tag=" + cssString(c[1]) + "]";
        JsonNode shown = p.chartData(sel);
        JsonNode api = api("/api/distributions", Map.of("run", c[0], "tag", c[1]));
        assertEquals(numbers(api.get("steps")), numbers(shown.get("steps")), c[0] + " " + c[1]);
        assertEquals(numbers(api.get("basisPoints")), numbers(shown.get("basisPoints")));
        assertEquals(9, shown.get("bands").size());
        for (int b = 0; b < 9; b++) {
          assertEquals(numbers(api.get("bands").get(b)), numbers(shown.get("bands").get(b)), c[0] + " " + c[1] + " band " + b);
        }
        assertEquals(numbers(shown.get("steps")), numbers(shown.get("xs")), "x is the step");
      }
      p.assertNoErrors();
    }
  }

  static String cssString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** [run, tag] of the cards that have drawn. */
  static List<String[]> readyCards(DashboardPage p, String selector) {
    List<String[]> out = new ArrayList<>();
    p.json("sel => [...document.querySelectorAll(sel + '[data-state=ready]')].map(c => [c.dataset.run, c.dataset.tag])", selector)
        .forEach(n -> out.add(new String[] {n.get(0).asText(), n.get(1).asText()}));
    return out;
  }

  /** Numbers of a JSON array as doubles (NaN and infinities as they come), for comparing page and API. */
  static List<Double> numbers(JsonNode n) {
    List<Double> out = new ArrayList<>();
    if (!n.isArray()) {
      out.add(n.isNull() ? Double.NaN : n.isTextual() ? Double.parseDouble(n.asText()) : n.asDouble());
      return out;
    }
    n.forEach(x -> out.add(x.isNull() ? Double.NaN : x.isTextual() ? Double.parseDouble(x.asText()) : x.asDouble()));
    return out;
  }

  @Test
  void runsTable_sortsByAnyColumn() {
    Map<String, Long> events = new LinkedHashMap<>();
    for (RunInfo r : served.store.runs()) {
      events.put(r.name(), r.events());
    }
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=runs");
      String rowsJs = "() => document.querySelector('.runs-view').__tableData.rows.map(r => [r.run, r.events])";
      p.waitFor("n => { const v = document.querySelector('.runs-view'); return v && v.__tableData.rows.length === n; }",
          events.size());
      List<String> byName = runsOf(p.json(rowsJs, null));
      assertEquals(new TreeSet<>(events.keySet()), new TreeSet<>(byName), "every run once");
      assertEquals(events.size(), byName.size());
      assertEquals("[]", p.json(NOT_IN_NATURAL_ORDER, byName).toString(), "by name at first, in natural order");

      p.locator("table.runs-table th[data-col=events]").click();
      assertEquals("ascending", p.locator("table.runs-table th[data-col=events]").getAttribute("aria-sort"));
      JsonNode up = p.json(rowsJs, null);
      for (int i = 0; i < up.size(); i++) {
        assertEquals((long) events.get(up.get(i).get(0).asText()), up.get(i).get(1).asLong(), "events of a run");
        if (i > 0) {
          assertTrue(up.get(i - 1).get(1).asLong() <= up.get(i).get(1).asLong(), "ascending at " + i);
        }
      }
      assertEquals(up.get(0).get(0).asText(), p.locator("table.runs-table tr[data-run]").first().getAttribute("data-run"),
          "the table shows the first row");

      p.locator("table.runs-table th[data-col=events]").click();
      assertEquals("descending", p.locator("table.runs-table th[data-col=events]").getAttribute("aria-sort"));
      JsonNode down = p.json(rowsJs, null);
      for (int i = 1; i < down.size(); i++) {
        assertTrue(down.get(i - 1).get(1).asLong() >= down.get(i).get(1).asLong(), "descending at " + i);
      }
      assertTrue(p.hash().contains("x.runSort=-events"), p.hash());

      // the keyboard sorts too: Enter on the name header, then again to reverse
      p.locator("table.runs-table th[data-col=name]").focus();
      p.page.keyboard().press("Enter");
      assertEquals(byName, runsOf(p.json(rowsJs, null)));
      p.page.keyboard().press("Enter");
      assertEquals("descending", p.locator("table.runs-table th[data-col=name]").getAttribute("aria-sort"));
      List<String> reversed = new ArrayList<>(byName);
      Collections.reverse(reversed);
      assertEquals(reversed, runsOf(p.json(rowsJs, null)));
      p.assertNoErrors();
    }
  }

  /** Adjacent names out of natural order (case-insensitive, numbers by value), as people sort run names. */
  static final String NOT_IN_NATURAL_ORDER = """
      names => { const c = new Intl.Collator(undefined, { numeric: true });
        return names.slice(1).map((n, i) => [names[i], n]).filter(([a, b]) => c.compare(a, b) > 0); }""";

  static List<String> runsOf(JsonNode rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get(0).asText()));
    return out;
  }

  @Test
  void themeButton_togglesDarkAndBack() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tagFilter=%5Eloss%2Ftrain%24");
      p.readyChartData(".sc-card[data-key='t:loss/train']");
      String bg = "() => getComputedStyle(document.body).backgroundColor";
      String theme = "() => document.documentElement.dataset.theme";
      assertEquals("light", p.page.evaluate(theme));
      Object light = p.page.evaluate(bg);
      byte[] before = p.locator(".sc-card[data-key='t:loss/train'] canvas").first().screenshot();

      p.locator("#theme").click();
      assertEquals("dark", p.page.evaluate(theme));
      assertTrue(p.hash().contains("theme=dark"), p.hash());
      Object dark = p.page.evaluate(bg);
      assertNotEquals(light, dark);
      p.page.waitForTimeout(100);
      byte[] after = p.locator(".sc-card[data-key='t:loss/train'] canvas").first().screenshot();
      assertTrue(ImagesBrowserTest.meanLuma(after) < ImagesBrowserTest.meanLuma(before) - 50,
          "the chart was redrawn dark");

      p.page.reload();
      p.waitForShell();
      assertEquals("dark", p.page.evaluate(theme), "the theme is kept in the URL");
      p.locator("#theme").click();
      assertEquals("light", p.page.evaluate(theme));
      assertEquals(light, p.page.evaluate(bg));
      p.assertNoErrors();
    }
  }

  /** What each screenshot shows: a tab with filters that make it tell something. */
  static final Map<String, String> SHOTS = new LinkedHashMap<>();

  static {
    SHOTS.put("scalars", "tagFilter=%5Eepoch_(loss%7Caccuracy)%24%7C%5Eloss%2F%7C%5Elr%24");
    SHOTS.put("histograms", "tab=histograms&tagFilter=kernel");
    SHOTS.put("distributions", "tab=distributions&tagFilter=kernel");
    SHOTS.put("images", "tab=images");
    SHOTS.put("text", "tab=text");
    SHOTS.put("runs", "tab=runs&x.runSort=s%3Aepoch_loss");
  }

  @org.junit.jupiter.api.Tag("screenshots")
  @Test
  void screenshots_ofEveryTab_lightAndDark() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots"),
        "SKIPPED: screenshots are rewritten only with -Dtrainscope.screenshots=true");
    Path dir = Path.of(System.getProperty("trainscope.screenshotDir", "../docs/screenshots"));
    Files.createDirectories(dir);
    try (DashboardPage p = chromium.open(served.base, 1400, 900)) {
      for (var shot : SHOTS.entrySet()) {
        for (String theme : List.of("light", "dark")) {
          p.open(shot.getValue() + (theme.equals("dark") ? "&theme=dark" : "&theme=light"));
          if (shot.getKey().equals("runs")) {
            p.waitFor("() => { const v = document.querySelector('.runs-view');"
                + " return v && v.__tableData.rows.length > 0 && !v.textContent.includes('loading'); }", null);
          } else {
            awaitSettled(p, CARDS.get(shot.getKey()));
            p.waitFor("() => [...document.querySelectorAll('#content img')].every(i => i.complete)", null);
          }
          p.page.mouse().move(0, 0);
          p.page.waitForTimeout(300);
          Path file = dir.resolve(shot.getKey() + (theme.equals("dark") ? "-dark" : "") + ".png");
          p.screenshot(file);
          System.out.println("wrote " + file);
        }
      }
      p.assertNoErrors();
    }
  }
}
