package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --path_prefix}: the dashboard over testdata's tensorboardX runs served under {@code /tb},
 * as behind a reverse proxy. Every API route, the live events, the page and every asset it loads
 * answer under the prefix and nowhere else, and the page's scripts build no address outside it.
 */
class PathPrefixTest {
  static final PathPrefix TB = PathPrefix.parse("/tb");
  /** The committed fuzzing corpus holds a valid request for every route of the API. */
  static final Path ROUTES = Path.of("src/test/resources/dev/trainscope/server/ApiFuzzerInputs/"
      + "request_anyTarget_answersWithoutServerError");
  static final Path WEB = Path.of("src/main/resources/web");

  static Served served;
  /** The same runs served at the root, as before prefixes: what each request should answer. */
  static Served atRoot;

  @BeforeAll
  static void start() throws Exception {
    served = Served.shared(Served.testdata().resolve("gen-tensorboardX"), TB, Access.open());
    atRoot = Served.loaded(Served.testdata().resolve("gen-tensorboardX"));
  }

  @AfterAll
  static void stop() {
    served.close();
    atRoot.close();
  }

  /** Each route's valid request (target, and a JSON body for POST or null) from the corpus, and the one it lacks. */
  static List<String[]> routes() throws IOException {
    List<String[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROUTES)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("seed-")).sorted().toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        out.add(nl < 0 ? new String[] {text.strip(), null} : new String[] {text.substring(0, nl), text.substring(nl + 1)});
      }
    }
    out.add(new String[] {"/api/explain?run=scalars", null});
    return out;
  }

  /** Each request answers under the prefix what it answers from a server at the root, and 404 outside it. */
  @Test
  void everyApiRoute_answersUnderThePrefix_andNotOutsideIt() throws Exception {
    List<String[]> routes = routes();
    assertTrue(routes.size() >= 28, "the corpus lost its routes: " + routes.size());
    TreeMap<String, String> wrong = new TreeMap<>();
    int ok = 0;
    for (String[] r : routes) {
      String method = r[1] == null ? "GET" : "POST";
      int expected = Requests.send(method, atRoot.base + r[0], r[1], "Content-Type", "application/json").statusCode();
      HttpResponse<String> in = Requests.send(method, served.base + "/tb" + r[0], r[1], "Content-Type", "application/json");
      if (in.statusCode() != expected) {
        wrong.put(method + " /tb" + r[0], in.statusCode() + ", at the root " + expected);
      }
      ok += in.statusCode() == 200 ? 1 : 0;
      HttpResponse<String> out = Requests.send(method, served.base + r[0], r[1], "Content-Type", "application/json");
      if (out.statusCode() != 404) {
        wrong.put(method + " " + r[0], Integer.toString(out.statusCode()));
      }
    }
    assertEquals(new TreeMap<>(), wrong, "routes answered wrongly (under /tb: as at the root; outside: 404)");
    assertTrue(ok >= routes.size() - 3, "only " + ok + " of " + routes.size() + " answered 200");
  }

  @Test
  void liveEvents_streamUnderThePrefix_only() throws Exception {
    String under = Requests.events(served.base + "/tb/api/events");
    assertTrue(under.startsWith("200 event: hello\ndata: {\"progress\":"), under);
    assertTrue(Requests.events(served.base + "/api/events").startsWith("404 "));
  }

  @Test
  void thePage_andEveryAssetItNames_areUnderThePrefix() throws Exception {
    HttpResponse<String> page = Requests.get(served.home);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<title>Trainscope</title>"), page.body());
    Matcher m = Pattern.compile("(?:href|src)=\"([^\"]*)\"").matcher(page.body());
    List<String> assets = new ArrayList<>();
    while (m.find()) {
      if (!m.group(1).startsWith("data:")) {
        assets.add(m.group(1));
      }
    }
    assertEquals(3, assets.size(), "uPlot's stylesheet, the app's, and main.js: " + assets);
    for (String a : assets) {
      assertFalse(a.startsWith("/"), a + " is an absolute path: outside a path prefix");
      assertEquals(200, Requests.get(served.home + a).statusCode(), a + " under the prefix");
      assertEquals(404, Requests.get(served.base + "/" + a).statusCode(), a + " outside the prefix");
    }
    // the address without the prefix's slash, and the root, lead to the page
    HttpResponse<String> bare = Requests.get(served.base + "/tb");
    assertEquals(302, bare.statusCode());
    assertEquals(served.home, bare.headers().firstValue("Location").orElse(""));
    HttpResponse<String> root = Requests.get(served.base + "/");
    assertEquals(302, root.statusCode());
    assertEquals("/tb/", root.headers().firstValue("Location").orElse(""));
    // and nothing else: a path beside the prefix, or one that climbs out of it
    for (String path : List.of("/tbx/", "/tbx/api/runs", "/index.html", "/js/main.js", "/tb/../api/runs", "/x/tb/")) {
      HttpResponse<String> r = Requests.get(served.base + path);
      assertTrue(r.statusCode() == 404 || r.statusCode() == 400, path + ": " + r.statusCode());
      assertFalse(r.body().contains("\"runs\""), path + " gave the runs");
    }
  }

  /**
   * The page's scripts ask for nothing by an absolute path ('/api/...', '/webjars/...'): such an
   * address leaves the prefix. Module imports, fetches, event streams, links and media are all
   * relative to the page.
   */
  @Test
  void scripts_nameNoAbsolutePath() throws Exception {
    Pattern absolute = Pattern.compile("(['\"`])/(api|webjars|js|vendor|app\\.css)\\b");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(WEB)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".js") || f.toString().endsWith(".html")
          || f.toString().endsWith(".css")).toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          String code = lines.get(i).replaceFirst("^\\s*(//|\\*).*", "");
          if (absolute.matcher(code).find()) {
            found.add(WEB.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertEquals(List.of(), found, "absolute addresses in the page's files");
  }

  @Test
  void parse_normalisesATrailingSlash_andTheRoot() {
    assertEquals("/tb", PathPrefix.parse("/tb/").path());
    assertEquals("/a/b-c.d", PathPrefix.parse("/a/b-c.d").path());
    assertEquals(PathPrefix.ROOT, PathPrefix.parse("/"));
    assertEquals(PathPrefix.ROOT, PathPrefix.parse(""));
    assertEquals(PathPrefix.ROOT, PathPrefix.parse(null));
    assertEquals("/tb/", PathPrefix.parse("/tb").home());
    assertEquals("/", PathPrefix.ROOT.home());
  }

  @Test
  void parse_refusesWhatIsNotAPlainPath() {
    for (String bad : List.of("tb", "tb/", "/tb//", "//", "/a//b", "/..", "/a/../b", "/./a", "/a/.", "/a b",
        "/%2e%2e", "/a?b", "/a#b", "/a\\b", "/tb\n")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PathPrefix.parse(bad), bad);
      assertTrue(e.getMessage().contains("prefix"), e.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PathPrefix.parse("tb")).getMessage()
        .contains("must start with '/', was 'tb'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PathPrefix.parse("/a/../b")).getMessage()
        .contains("'..'"));
  }
}
