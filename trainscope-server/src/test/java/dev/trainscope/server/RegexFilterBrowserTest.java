package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.writer.SummaryWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filters from a link (issue 17, item 8): {@code #runFilter=^(.|.)*Q} backtracks exponentially in
 * the browser's own RegExp on any name without a Q and froze the tab on every reload. The page
 * must come up, filter, and say what it cannot compile.
 */
@ExtendWith(Chromium.Tests.class)
class RegexFilterBrowserTest {
  static final String PLAIN = "an_ordinary_training_run_with_a_plain_name";
  static final String WITH_Q = "an_ordinary_training_run_ending_in_Q";
  static final String EVIL = "^(.|.)*Q";

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void catastrophicRegexInTheUrl_pageStaysResponsive_andFilters(Chromium chromium, @TempDir Path logdir) throws Exception {
    for (String run : new String[] {PLAIN, WITH_Q}) {
      try (SummaryWriter log = SummaryWriter.create(logdir.resolve(run))) {
        log.scalar("loss/an_ordinary_scalar_tag_name_here", 1, 0);
        log.scalar("loss/an_ordinary_scalar_tag_name_Q", 2, 0);
      }
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      long t0 = System.nanoTime();
      p.page.navigate(s.base + "/#runFilter=" + q(EVIL) + "&tagFilter=" + q(EVIL));
      // a frozen tab answers nothing, not even Playwright's own timeout: the wait is bounded from here
      java.util.concurrent.ExecutorService waiter = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        waiter.submit(() -> p.waitFor("() => document.querySelector('#run-count')?.textContent === '1 of 2'"
            + " && document.querySelectorAll('.sc-card').length > 0", null, 10_000)).get(15, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the page froze on the filter " + EVIL, e);
      } finally {
        waiter.shutdownNow();
      }
      assertTrue(System.nanoTime() - t0 < 10e9);
      assertEquals(WITH_Q, p.json("() => [...document.querySelectorAll('#run-list .run-name')].map(e => e.textContent)", null)
          .get(0).asText());
      assertEquals("[\"loss/an_ordinary_scalar_tag_name_Q\"]",
          p.json("() => [...document.querySelectorAll('.sc-card[data-kind=tag]')].map(c => c.dataset.tag)", null).toString());
      // the page still answers at once
      long t1 = System.nanoTime();
      p.json("() => 1", null);
      assertTrue(System.nanoTime() - t1 < 1e9);
      // what RE2 cannot do (a lookahead) is said, and filters nothing out
      p.page.navigate(s.base + "/#runFilter=" + q("run(?=_with)"));
      p.waitFor("() => !document.querySelector('#run-filter-error').hidden"
          + " && document.querySelector('#run-count')?.textContent === '2 of 2'", null, 10_000);
      assertTrue(p.page.textContent("#run-filter-error").contains("(?="), p.page.textContent("#run-filter-error"));
      p.assertNoErrors();
    }
  }
}
