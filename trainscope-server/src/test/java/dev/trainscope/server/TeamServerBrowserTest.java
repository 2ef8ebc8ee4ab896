package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A team's server in a real browser: under {@code /tb} (as behind a reverse proxy) and asking for
 * its access token, over testdata's tensorboardX runs (scalars, histograms, images, text, PR
 * curves, hparams, a graph). The address printed at start opens it and leaves the address bar
 * without the token; every tab then loads its data under the prefix with no failed request and
 * no error; without the token the page says how to get in; and a page of another site that the
 * same browser has open gets nothing, though the browser sends its requests the cookie.
 */
@ExtendWith(Chromium.Tests.class)
class TeamServerBrowserTest {
  static final String TOKEN = "browser-test-token-0123456789";
  /** Every tab of the page (the test checks the page has no other), each opened through the prefix with the cookie. */
  static final List<String> TABS = List.of("scalars", "histograms", "distributions", "images", "audio", "text",
      "prcurves", "customscalars", "runs", "findings", "layers", "graph", "features", "latent", "projector", "mesh", "hparams");

  static Served served;
  static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    served = Served.shared(Served.testdata().resolve("gen-tensorboardX"), PathPrefix.parse("/tb"), AccessToken.of(TOKEN));
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  /** Every request the page makes and how it ended: failures (network errors, 4xx, 5xx) and requests still open. */
  static final class Network {
    final List<String> urls = Collections.synchronizedList(new ArrayList<>());
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger open = new AtomicInteger();

    Network(Page page) {
      page.onRequest(r -> {
        urls.add(r.url());
        if (!r.url().contains("/api/events")) {
          open.incrementAndGet();
        }
      });
      page.onRequestFinished(r -> {
        if (!r.url().contains("/api/events")) {
          open.decrementAndGet();
        }
      });
      page.onRequestFailed(r -> {
        failures.add(r.url() + " " + r.failure());
        if (!r.url().contains("/api/events")) {
          open.decrementAndGet();
        }
      });
      page.onResponse(r -> {
        if (r.status() >= 400) {
          failures.add(r.url() + " " + r.status());
        }
      });
    }

    /** Waits until no request but the event stream has been open for 300 ms. */
    void awaitQuiet(DashboardPage p) {
      long quietSince = System.nanoTime();
      long end = System.nanoTime() + (long) (DashboardPage.TIMEOUT_MS * 1e6);
      while (System.nanoTime() - quietSince < 300_000_000L) {
        assertTrue(System.nanoTime() < end, "requests still open: " + open.get());
        p.page.waitForTimeout(50);
        if (open.get() > 0) {
          quietSince = System.nanoTime();
        }
      }
    }
  }

  @Test
  void theAddressWithTheToken_opensEveryTabUnderThePrefix() {
    try (DashboardPage p = chromium.open(served.base + "/tb")) {
      Network net = new Network(p.page);
      Response first = p.page.navigate(served.home + "?token=" + TOKEN + "#tab=scalars");
      assertEquals(200, first.status());
      assertEquals(served.home + "#tab=scalars", p.page.url(), "the token left the address, the state stayed");
      p.waitForShell();
      Cookie cookie = p.context.cookies().stream().filter(c -> c.name.startsWith("trainscope-token")).findFirst()
          .orElseThrow(() -> new AssertionError("no token cookie: " + p.context.cookies()));
      assertEquals(TOKEN, cookie.value);
      assertEquals("/tb", cookie.path);
      assertTrue(cookie.httpOnly, "HttpOnly");
      assertEquals(SameSiteAttribute.STRICT, cookie.sameSite);
      assertEquals("", p.page.evaluate("() => document.cookie"), "the page's scripts cannot read the token");

      Object pageTabs = p.page.evaluate("() => [...document.querySelectorAll('#tabs button[data-tab]')].map(b => b.dataset.tab).sort()");
      assertEquals(TABS.stream().sorted().toList(), pageTabs, "the tabs this test opens are all the page's tabs");
      Map<String, Object> shown = new LinkedHashMap<>();
      for (String tab : TABS) {
        p.tab(tab);
        net.awaitQuiet(p);
        if (TabsBrowserTest.CARDS.containsKey(tab)) {
          TabsBrowserTest.awaitSettled(p, TabsBrowserTest.CARDS.get(tab));
          shown.put(tab, p.page.evaluate("sel => document.querySelectorAll(sel + '[data-state=ready]').length",
              TabsBrowserTest.CARDS.get(tab)));
        }
        assertEquals(0, ((Number) p.page.evaluate("() => document.querySelectorAll('#content [data-state=error]').length"))
            .intValue(), tab + " shows an error");
        assertTrue(p.hash().contains("tab=" + tab) || tab.equals("scalars"), "the state in the address: " + p.page.url());
        assertTrue(p.page.url().startsWith(served.home), p.page.url());
      }
      // what the tabs drew came through the prefix with the cookie: cards, a picture, a table, a graph
      for (String tab : List.of("scalars", "histograms", "distributions", "images", "text")) {
        assertTrue(((Number) shown.get(tab)).intValue() > 0, tab + " drew nothing: " + shown);
      }
      p.tab("images");
      p.waitFor("() => [...document.querySelectorAll('#content img')].some(i => i.complete && i.naturalWidth > 0)", null);
      p.tab("runs");
      p.waitFor("n => { const v = document.querySelector('.runs-view'); return v && v.__tableData.rows.length === n; }",
          served.store.runs().size());
      p.tab("graph");
      p.waitFor("() => document.querySelector('div.graph-tab[data-state=ready]')", null);
      net.awaitQuiet(p);

      // a deep link: the address of a tab, opened again, comes back to it (the cookie still lets it in)
      String deep = p.page.url();
      assertTrue(deep.startsWith(served.home + "#") && deep.contains("tab=graph"), deep);
      p.page.reload();
      p.waitForShell();
      p.waitFor("() => document.querySelector('div.graph-tab[data-state=ready]')", null);
      p.page.goBack();
      p.waitFor("() => document.querySelector('#tabs button[aria-selected=true]').dataset.tab === 'runs'", null);
      net.awaitQuiet(p);

      List<String> outside = net.urls.stream().filter(u -> !u.startsWith(served.home) && !u.startsWith("data:")).toList();
      assertEquals(List.of(), outside, "requests outside the prefix");
      assertTrue(net.urls.stream().anyMatch(u -> u.startsWith(served.home + "api/events")), "the live events");
      assertTrue(net.urls.stream().anyMatch(u -> u.startsWith(served.home + "webjars/uplot/")), "uPlot from its WebJar");
      assertEquals(List.of(), List.copyOf(net.failures), "failed requests");
      p.assertNoErrors();
    }
  }

  @Test
  void withoutTheToken_thePageSaysHowToGetIn() {
    try (DashboardPage p = chromium.open(served.base + "/tb")) {
      Response r = p.page.navigate(served.home + "#tab=images");
      assertEquals(401, r.status());
      String text = p.page.innerText("body");
      assertTrue(text.contains("This dashboard asks for its access token") && text.contains("printed in its terminal"), text);
      assertFalse(text.contains("scalars") || text.contains("media"), "no runs: " + text);
      assertEquals(0, p.context.cookies().size());
      Response wrong = p.page.navigate(served.home + "?token=" + TOKEN.toUpperCase(java.util.Locale.ROOT));
      assertEquals(401, wrong.status());
      assertTrue(p.page.innerText("body").contains("not this dashboard's"));
      assertEquals(0, p.context.cookies().size());
      // the page's own scripts cannot be loaded either, nor can the API be asked
      Object api = p.page.evaluate("() => fetch('api/runs').then(r => r.status)");
      assertEquals(401, ((Number) api).intValue());
    }
  }

  /**
   * Another site's page in the same browser (another port of this host: the same site for
   * cookies, so the browser sends its requests the token cookie): its fetch, event stream, embedded
   * picture and form post all reach a server that refuses them.
   */
  @Test
  void anotherSitesPage_getsNothing_thoughTheBrowserHoldsTheToken() throws Exception {
    String blob = served.home + "api/blob?run=media&tag=image/rgb_chw_uint8&step=0&index=0";
    String evil = "<!doctype html><html><body><img id=i src=\"" + blob + "\">"
        + "<form id=f method=post enctype=text/plain action=\"" + served.home + "api/graph\"><input name=x value=y></form>"
        + "<script>window.done = Promise.all(["
        + "fetch('" + served.home + "api/runs', {mode: 'no-cors', credentials: 'include'}).catch(() => 0),"
        + "new Promise(r => { const es = new EventSource('" + served.home + "api/events', {withCredentials: true});"
        + " es.onerror = () => { es.close(); r(); }; es.onopen = () => r(); }),"
        + "new Promise(r => { const i = document.getElementById('i'); if (i.complete) r(); else { i.onload = r; i.onerror = r; } })"
        + "]).then(() => document.getElementById('i').naturalWidth);</script></body></html>";
    HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext("/", ex -> {
      byte[] b = evil.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    other.start();
    try (DashboardPage p = chromium.open(served.base + "/tb")) {
      p.page.navigate(served.home + "?token=" + TOKEN);
      p.waitForShell();
      assertEquals(1, p.context.cookies().size());
      Page page = p.context.newPage();
      Map<String, Integer> answered = Collections.synchronizedMap(new LinkedHashMap<>());
      page.onResponse(r -> {
        if (r.url().startsWith(served.home)) {
          answered.put(r.request().method() + " " + r.url().substring(served.home.length()), r.status());
        }
      });
      page.navigate("http://127.0.0.1:" + other.getAddress().getPort() + "/");
      Object width = page.evaluate("() => window.done");
      assertEquals(0, ((Number) width).intValue(), "the picture of the runs was shown on the other site's page");
      page.evaluate("() => document.getElementById('f').submit()");
      page.waitForURL(served.home + "api/graph");
      // the browser hands the page no answer to the picture and the event stream (no CORS); the
      // fetch and the form show theirs
      assertEquals(403, answered.get("GET api/runs"), "a fetch: " + answered);
      assertEquals(403, answered.get("POST api/graph"), "a form: " + answered);
      answered.forEach((request, status) -> assertEquals(403, status, request));
      page.close();
    } finally {
      other.stop(0);
    }
  }
}
