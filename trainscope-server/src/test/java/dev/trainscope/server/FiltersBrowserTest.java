package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.TagInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sidebar's filters in a real browser, on tensorboardX's runs: the tag regex decides which
 * cards exist, the run regex and the ticks decide which runs a card draws, a bad regex is
 * reported and does no harm, '/' jumps to the tag filter, and the URL brings the view back.
 */
@ExtendWith(Chromium.Tests.class)
class FiltersBrowserTest {
  static final String TRIALS_CARD = ".sc-card[data-key='t:hparam/accuracy']";
  static final String CARD_TAGS = "sel => [...document.querySelectorAll(sel)].map(c => c.dataset.tag).sort()";

  static Served served;
  static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) throws Exception {
    chromium = browser;
    served = Served.loaded(Served.testdata().resolve("gen-tensorboardX"));
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  /** The tags of a kind, in any run, that the dashboard's case-insensitive regex matches, sorted. */
  static Set<String> tagsMatching(String kind, String regex) {
    Pattern p = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    Set<String> out = new TreeSet<>();
    for (RunInfo r : served.store.runs()) {
      for (TagInfo t : served.store.tags(r.name())) {
        if (t.kind().toString().equalsIgnoreCase(kind) && p.matcher(t.tag()).find()) {
          out.add(t.tag());
        }
      }
    }
    return out;
  }

  static Set<String> strings(JsonNode array) {
    Set<String> out = new TreeSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static List<String> list(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static Set<String> cardTags(DashboardPage p, String selector) {
    return strings(p.json(CARD_TAGS, selector));
  }

  static List<String> runsOf(DashboardPage p, String selector) {
    return list(p.json("sel => JSON.parse(document.querySelector(sel).dataset.runs)", selector));
  }

  static Set<String> seriesOf(DashboardPage p, String selector) {
    return strings(p.json("sel => { const d = document.querySelector(sel).__chartData; return d ? Object.keys(d.series) : []; }",
        selector));
  }

  void awaitCardTags(DashboardPage p, String selector, Set<String> expected) {
    p.await("cards " + expected, () -> cardTags(p, selector).equals(expected), () -> "; shown: " + cardTags(p, selector));
  }

  @Test
  void tagFilter_leavesOnlyTheMatchingCards() {
    Set<String> everyScalar = tagsMatching("scalar", "");
    Set<String> lossOrAcc = tagsMatching("scalar", "LOSS|acc");
    assertTrue(lossOrAcc.size() >= 3 && lossOrAcc.size() < everyScalar.size(), lossOrAcc + " of " + everyScalar);
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      awaitCardTags(p, ".sc-card[data-kind=tag]", everyScalar);
      p.locator("#tag-filter").fill("LOSS|acc");
      awaitCardTags(p, ".sc-card[data-kind=tag]", lossOrAcc);
      assertTrue(p.hash().contains("tagFilter=LOSS%7Cacc"), p.hash());

      p.tab("histograms");
      Set<String> hist = tagsMatching("histogram", "normal|INTS");
      assertEquals(Set.of("normal/moving_mean", "ints/fd_bins"), hist);
      p.locator("#tag-filter").fill("normal|INTS");
      awaitCardTags(p, ".card[data-tab=histograms]", hist);
      p.locator("#tag-filter").fill("");
      awaitCardTags(p, ".card[data-tab=histograms]", tagsMatching("histogram", ""));
      p.assertNoErrors();
    }
  }

  @Test
  void runFilterAndTicks_changeTheRunsACardDraws() {
    List<String> trials = List.of("hparams/trial_0", "hparams/trial_1", "hparams/trial_2");
    int runs = served.store.runs().size();
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tagFilter=hparam%2Faccuracy");
      p.readyChartData(TRIALS_CARD);
      assertEquals(trials, runsOf(p, TRIALS_CARD));
      assertEquals(runs + " of " + runs, p.locator("#run-count").textContent());

      p.locator("#run-filter").fill("TRIAL_[01]$");
      p.await("the run filter", () -> runsOf(p, TRIALS_CARD).equals(trials.subList(0, 2)),
          () -> runsOf(p, TRIALS_CARD).toString());
      assertEquals("2 of " + runs, p.locator("#run-count").textContent());
      assertEquals(List.of("hparams/trial_0", "hparams/trial_1"),
          list(p.json("() => [...document.querySelectorAll('#run-list .run-item')].map(r => r.dataset.run)", null)));
      // the chart follows: it draws exactly the runs the card names
      p.await("the chart's series", () -> seriesOf(p, TRIALS_CARD).equals(Set.copyOf(trials.subList(0, 2))),
          () -> seriesOf(p, TRIALS_CARD).toString());

      p.locator("#run-list [data-run='hparams/trial_1'] input[type=checkbox]").uncheck();
      p.await("the untick", () -> runsOf(p, TRIALS_CARD).equals(List.of("hparams/trial_0")));
      assertEquals("1 of " + runs, p.locator("#run-count").textContent());

      p.locator("#runs-none").click();
      p.await("no run ticked", () -> p.locator(TRIALS_CARD).count() == 0);
      // the shell says so in the tab's place (main.js: an empty tab shows its reason)
      assertTrue(p.locator(".tab-empty[data-tab=scalars]").textContent().contains("No runs selected"));
      p.locator("#runs-all").click();
      p.await("all ticked", () -> p.locator(TRIALS_CARD).count() == 1 && runsOf(p, TRIALS_CARD).equals(trials.subList(0, 2)));

      p.locator("#run-filter").fill("");
      p.await("the filter cleared", () -> runsOf(p, TRIALS_CARD).equals(trials));
      p.assertNoErrors();
    }
  }

  @Test
  void invalidRegex_isReportedAndFiltersNothing() {
    Set<String> everyScalar = tagsMatching("scalar", "");
    int runs = served.store.runs().size();
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tagFilter=loss");
      awaitCardTags(p, ".sc-card[data-kind=tag]", tagsMatching("scalar", "loss"));
      p.locator("#tag-filter").fill("loss(");
      p.await("the tag filter's error", () -> p.locator("#tag-filter-error").isVisible());
      // RE2's message (the page's filters are RE2, issue 17): what is wrong, in the pattern as typed
      assertTrue(p.locator("#tag-filter-error").textContent().contains("missing closing ): `loss(`"),
          p.locator("#tag-filter-error").textContent());
      awaitCardTags(p, ".sc-card[data-kind=tag]", everyScalar);

      p.locator("#run-filter").fill("trial[");
      p.await("the run filter's error", () -> p.locator("#run-filter-error").isVisible());
      assertEquals(runs + " of " + runs, p.locator("#run-count").textContent());
      assertTrue(p.locator("#run-list .run-item").count() > 0);

      p.locator("#run-filter").fill("trial");
      p.await("the run filter's error gone", () -> !p.locator("#run-filter-error").isVisible());
      p.locator("#tag-filter").fill("loss");
      p.await("the tag filter's error gone", () -> !p.locator("#tag-filter-error").isVisible());
      awaitCardTags(p, ".sc-card[data-kind=tag]", Set.of("hparam/loss"));
      p.assertNoErrors();
    }
  }

  @Test
  void slash_focusesTheTagFilter_butTypesInOtherFields() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      p.locator(".sc-card").first().click(new com.microsoft.playwright.Locator.ClickOptions().setPosition(5, 5));
      assertFalse("tag-filter".equals(p.page.evaluate("() => document.activeElement.id")));
      p.page.keyboard().press("/");
      assertEquals("tag-filter", p.page.evaluate("() => document.activeElement.id"));
      p.page.keyboard().type("lr");
      assertEquals("lr", p.locator("#tag-filter").inputValue(), "the '/' itself is not typed into the filter");
      p.locator("#run-filter").focus();
      p.page.keyboard().type("a/b");
      assertEquals("run-filter", p.page.evaluate("() => document.activeElement.id"));
      assertEquals("a/b", p.locator("#run-filter").inputValue());
      p.assertNoErrors();
    }
  }

  @Test
  void viewState_comesBackFromTheUrl() {
    String url;
    Set<String> cards;
    List<String> runs;
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("");
      p.locator("#tag-filter").fill("hparam/");
      p.locator("#run-filter").fill("trial");
      p.locator("#run-list [data-run='hparams/trial_2'] input[type=checkbox]").uncheck();
      p.locator("#sc-smoothing").fill("0.85");
      p.await("the filtered view", () -> p.locator(TRIALS_CARD).count() == 1
          && runsOf(p, TRIALS_CARD).equals(List.of("hparams/trial_0", "hparams/trial_1"))
          && cardTags(p, ".sc-card[data-kind=tag]").equals(Set.of("hparam/accuracy", "hparam/loss")));
      cards = cardTags(p, ".sc-card[data-kind=tag]");
      runs = runsOf(p, TRIALS_CARD);
      url = p.page.url();
      for (String part : List.of("tagFilter=hparam%2F", "runFilter=trial", "hidden=hparams%2Ftrial_2", "smoothing=0.85")) {
        assertTrue(url.contains(part), part + " in " + url);
      }
      p.assertNoErrors();
    }
    try (DashboardPage p = chromium.open(served.base)) {
      p.page.navigate(url);
      p.waitForShell();
      p.readyChartData(TRIALS_CARD);
      assertEquals(cards, cardTags(p, ".sc-card[data-kind=tag]"));
      assertEquals(runs, runsOf(p, TRIALS_CARD));
      assertEquals("hparam/", p.locator("#tag-filter").inputValue());
      assertEquals("trial", p.locator("#run-filter").inputValue());
      assertEquals("0.85", p.locator("#sc-smoothing").inputValue());
      assertFalse(p.locator("#run-list [data-run='hparams/trial_2'] input[type=checkbox]").isChecked());
      assertTrue(p.locator("#run-list [data-run='hparams/trial_0'] input[type=checkbox]").isChecked());
      assertEquals(0.85, p.chartData(TRIALS_CARD).get("smoothing").asDouble());

      // another tab, then back and forward through a reload
      p.tab("histograms");
      assertTrue(p.hash().contains("tab=histograms"), p.hash());
      p.page.reload();
      p.waitForShell();
      assertEquals("true", p.locator("#tabs button[data-tab=histograms]").getAttribute("aria-selected"));
      assertEquals("hparam/", p.locator("#tag-filter").inputValue());
      p.assertNoErrors();
    }
  }
}
