package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One browser page on the dashboard, with what tests need around it: every uncaught page error,
 * console error and dialog is recorded (and {@link #assertNoErrors()} fails on any), and the
 * test hooks the tabs document ({@code card.__chartData}, {@code data-*}) are read as JSON.
 */
final class DashboardPage implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final double TIMEOUT_MS = 20_000;

  final BrowserContext context;
  final Page page;
  final String base;
  final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());
  final List<String> consoleErrors = Collections.synchronizedList(new ArrayList<>());
  final List<String> dialogs = Collections.synchronizedList(new ArrayList<>());

  DashboardPage(BrowserContext context, String base) {
    this.context = context;
    this.base = base;
    context.setDefaultTimeout(TIMEOUT_MS);
    this.page = context.newPage();
    page.onPageError(e -> pageErrors.add(e));
    page.onConsoleMessage(m -> {
      if (m.type().equals("error")) {
        consoleErrors.add(m.text() + (m.location() == null ? "" : " @ " + m.location()));
      }
    });
    page.onDialog(d -> {
      dialogs.add(d.type() + ": " + d.message());
      d.dismiss();
    });
  }

  /** Opens the dashboard with the given URL state ("" for none) and waits until the shell has loaded the runs. */
  DashboardPage open(String hash) {
    page.navigate(base + "/" + (hash.isEmpty() ? "" : "#" + hash));
    waitForShell();
    return this;
  }

  void waitForShell() {
    waitFor("() => document.querySelectorAll('#tabs button[data-tab]').length === 12"
        + " && document.querySelector('#content').children.length > 0", null);
  }

  /** The URL's state: everything after '#'. */
  String hash() {
    String url = page.url();
    int i = url.indexOf('#');
    return i < 0 ? "" : url.substring(i + 1);
  }

  void tab(String id) {
    page.click("#tabs button[data-tab='" + id + "']");
    page.waitForFunction("id => document.querySelector(`#tabs button[data-tab='${id}']`)"
        + ".getAttribute('aria-selected') === 'true'", id);
  }

  Locator locator(String selector) {
    return page.locator(selector);
  }

  /**
   * Evaluates a JS function of one argument (it may be async) whose result JSON.stringify can
   * write, and parses that: JSON keeps nulls and nesting that Playwright's own conversion loses.
   */
  JsonNode json(String function, Object arg) {
    Object s = page.evaluate("async a => JSON.stringify(await (" + function + ")(a))", arg);
    try {
      return JSON.readTree(String.valueOf(s));
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  /** {@code card.__chartData} of the element a selector finds, as JSON; NaN becomes null. */
  JsonNode chartData(String selector) {
    Object s = page.evaluate("sel => { const c = document.querySelector(sel); return c ? JSON.stringify(c.__chartData) : 'null'; }",
        selector);
    try {
      return JSON.readTree(String.valueOf(s));
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  /** Waits until the element is ready ({@code data-state="ready"}) and exposes chart data. */
  JsonNode readyChartData(String selector) {
    page.waitForFunction("sel => { const c = document.querySelector(sel);"
        + " return c && c.dataset.state === 'ready' && c.__chartData; }", selector);
    return chartData(selector);
  }

  /** Waits until the predicate holds; on timeout, says which errors the page had met. */
  void waitFor(String jsPredicate, Object arg) {
    waitFor(jsPredicate, arg, TIMEOUT_MS);
  }

  /** As {@link #waitFor(String, Object)} with its own timeout, for work known to take long (a big layout). */
  void waitFor(String jsPredicate, Object arg, double timeoutMs) {
    try {
      page.waitForFunction(jsPredicate, arg, new com.microsoft.playwright.Page.WaitForFunctionOptions().setTimeout(timeoutMs));
    } catch (com.microsoft.playwright.TimeoutError e) {
      throw new AssertionError("timed out waiting for " + jsPredicate + "; page errors: " + pageErrors
          + "; console errors: " + consoleErrors, e);
    }
  }

  /** Polls a Java condition (with the page's clock running) until it holds or the timeout passes. */
  void await(String what, BooleanSupplier condition) {
    await(what, condition, () -> "");
  }

  void await(String what, BooleanSupplier condition, Supplier<String> state) {
    long end = System.nanoTime() + (long) (TIMEOUT_MS * 1e6);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("timed out waiting for " + what + " " + state.get());
      }
      page.waitForTimeout(50);
    }
  }

  /** Fails when the page threw, logged an error to the console or opened a dialog. */
  void assertNoErrors() {
    assertEquals(List.of(), List.copyOf(pageErrors), "uncaught errors in the page");
    assertEquals(List.of(), List.copyOf(consoleErrors), "console errors in the page");
    assertEquals(List.of(), List.copyOf(dialogs), "dialogs opened by the page");
  }

  void screenshot(Path file) {
    page.screenshot(new Page.ScreenshotOptions().setPath(file));
  }

  @Override
  public void close() {
    try {
      context.close();
    } catch (PlaywrightException e) {
      // the browser went away first: nothing left to close
    }
  }
}
