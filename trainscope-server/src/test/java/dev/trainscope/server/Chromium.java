package dev.trainscope.server;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The system's Chromium driven by Playwright, one browser for the whole test run: the browser
 * tests ask for it as a parameter ({@code @ExtendWith(Chromium.Tests.class)}) and open a fresh
 * context per page.
 *
 * <p>Nothing is downloaded: {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD} is set for the driver (here
 * and by surefire), the driver runs from the Playwright jar, and Chromium is {@code
 * /usr/bin/chromium} ({@code -Dtrainscope.chromium=PATH} for another). The driver and the browser
 * get their home, temp and XDG folders under {@code target/} (surefire sets them), so the user's
 * home is never written.
 *
 * <p>Without Chromium the browser tests fail, naming what to install, unless {@code
 * -Dtrainscope.browser=skip} is given: a missing browser must not pass for a green build.
 */
final class Chromium implements AutoCloseable {
  static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");
  /** Names under {@code .rebind.test} resolve to 127.0.0.1, as a DNS-rebinding attacker's domain would. */
  static final String REBIND_DOMAIN = "rebind.test";
  static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync",
      "--host-resolver-rules=MAP *." + REBIND_DOMAIN + " 127.0.0.1");

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  static Path executable() {
    String p = System.getProperty("trainscope.chromium", "");
    return p.isBlank() ? DEFAULT_EXECUTABLE : Path.of(p);
  }

  static boolean skipRequested() {
    return "skip".equalsIgnoreCase(System.getProperty("trainscope.browser", ""));
  }

  /** Launches the browser, or fails (or, when asked to, skips) saying why it cannot. */
  static Chromium launch() {
    Path exe = executable();
    if (!Files.isExecutable(exe)) {
      throw new AssertionError("Chromium not found at " + exe + ": the browser tests need it. Install it "
          + "(apt-get install -y chromium, which ./test does), point -Dtrainscope.chromium=PATH at one, "
          + "or skip them explicitly with -Dtrainscope.browser=skip");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    String home = System.getProperty("trainscope.browserHome");
    if (home != null && !home.isBlank()) {
      try {
        for (String d : List.of("", "config", "cache", "data", "state")) {
          Files.createDirectories(Path.of(home, d));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(env));
    try {
      Browser b = pw.chromium().launch(new BrowserType.LaunchOptions()
          .setExecutablePath(exe)
          .setHeadless(true)
          .setArgs(ARGS)
          .setTimeout(60_000));
      return new Chromium(pw, b);
    } catch (RuntimeException e) {
      pw.close();
      throw e;
    }
  }

  /**
   * Set before a test's page runs a script: the page then defines its test hooks
   * ({@code __chartData}, see web/js/testhooks.js), which a user's page does not.
   */
  static final String TEST_FLAG = "window.__trainscopeTest = true;";

  /**
   * A page for a test in a fresh context (no cookies, storage or cache shared with other pages),
   * every page of which defines the test hooks.
   */
  DashboardPage open(String baseUrl, int width, int height) {
    BrowserContext ctx = newContext(width, height);
    ctx.addInitScript(TEST_FLAG);
    return new DashboardPage(ctx, baseUrl);
  }

  /** A page as a user's browser opens it: no test hooks. */
  DashboardPage openAsUser(String baseUrl, int width, int height) {
    return new DashboardPage(newContext(width, height), baseUrl);
  }

  private BrowserContext newContext(int width, int height) {
    return browser.newContext(new Browser.NewContextOptions()
        .setViewportSize(width, height)
        .setColorScheme(com.microsoft.playwright.options.ColorScheme.LIGHT));
  }

  DashboardPage open(String baseUrl) {
    return open(baseUrl, 1400, 900);
  }

  String version() {
    return browser.version();
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      playwright.close();
    }
  }

  /**
   * Resolves {@code Chromium} parameters with the one browser of the test run, kept in JUnit's
   * root store so that it is closed when the run ends; disables the tests when asked to skip them.
   */
  static final class Tests implements ParameterResolver, ExecutionCondition {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Chromium.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext ctx) {
      return skipRequested()
          ? ConditionEvaluationResult.disabled("SKIPPED: browser tests (-Dtrainscope.browser=skip)")
          : ConditionEvaluationResult.enabled("browser tests run");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
      return p.getParameter().getType() == Chromium.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
      return ctx.getRoot().getStore(NS).getOrComputeIfAbsent(Chromium.class, k -> launch(), Chromium.class);
    }
  }
}
