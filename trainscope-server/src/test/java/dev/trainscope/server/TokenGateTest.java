package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared server (under /tb, with an access token) over testdata's tensorboardX runs: nothing
 * without the token (the page, its assets, the API, the live events), the token taken from the
 * address into a cookie, a Bearer header for scripts; and two replicas that read one token file
 * let in the same requests and answer them alike.
 */
class TokenGateTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "team-token-0123456789abcdef";
  static final String RUNS = "/tb/api/runs";

  @TempDir
  static Path dir;
  static Served served;
  static Served replica;
  static String cookie;

  @BeforeAll
  static void start() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, TOKEN + "\n");
    Path logdir = Served.testdata().resolve("gen-tensorboardX");
    served = Served.shared(logdir, PathPrefix.parse("/tb"), AccessToken.fromFile(file));
    replica = Served.shared(logdir, PathPrefix.parse("/tb"), AccessToken.fromFile(file));
    cookie = TokenGate.cookieName("127.0.0.1:" + served.server.port()) + "=" + TOKEN;
  }

  @AfterAll
  static void stop() {
    served.close();
    replica.close();
  }

  static void assertRefused(HttpResponse<String> r) {
    assertEquals(401, r.statusCode(), r.uri().toString());
    assertEquals("Bearer realm=\"trainscope\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
    assertFalse(r.body().contains("scalars") || r.body().contains("histograms"), "data in a refusal: " + r.body());
  }

  @Test
  void withoutTheToken_thePageAssetsApiAndEventsAreRefused() throws Exception {
    HttpResponse<String> page = Requests.get(served.home);
    assertRefused(page);
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("?token=") && page.body().contains("printed in its terminal"), page.body());
    assertTrue(page.body().contains("href=\"/tb/\""), "a link to try again from here: " + page.body());
    for (String asset : List.of("/tb/js/main.js", "/tb/app.css", "/tb/index.html",
        "/tb/webjars/uplot/1.6.30/dist/uPlot.esm.js")) {
      assertRefused(Requests.get(served.base + asset));
    }
    HttpResponse<String> api = Requests.get(served.base + RUNS);
    assertRefused(api);
    JsonNode error = JSON.readTree(api.body());
    assertEquals("unauthorized", error.path("error").asText());
    assertTrue(error.path("message").asText().contains("Authorization: Bearer"), api.body());
    assertRefused(Requests.send("POST", served.base + "/tb/api/graph", "{\"run\":\"graph\",\"source\":\"run_graph\"}",
        "Content-Type", "application/json"));
    String events = Requests.events(served.base + "/tb/api/events");
    assertTrue(events.startsWith("401 {") && events.contains("\"error\":\"unauthorized\""), events);
  }

  @Test
  void aWrongToken_isRefused_whereverItIsGiven() throws Exception {
    String wrong = TOKEN.substring(0, TOKEN.length() - 1) + "0";
    HttpResponse<String> page = Requests.get(served.home + "?token=" + wrong);
    assertRefused(page);
    assertTrue(page.body().contains("not this dashboard's"), page.body());
    assertTrue(page.headers().allValues("Set-Cookie").isEmpty());
    assertRefused(Requests.get(served.base + RUNS, "Authorization", "Bearer " + wrong));
    assertRefused(Requests.get(served.base + RUNS, "Authorization", "Bearer " + TOKEN + "x"));
    assertRefused(Requests.get(served.base + RUNS, "Authorization", "Basic " + TOKEN));
    assertRefused(Requests.get(served.base + RUNS, "Cookie", TokenGate.cookieName("127.0.0.1:1") + "=" + TOKEN));
    assertRefused(Requests.get(served.base + RUNS, "Cookie", cookie.replace(TOKEN, wrong)));
    // the API does not take it from the address, where it would be logged: scripts send a header
    assertRefused(Requests.get(served.base + RUNS + "?token=" + TOKEN));
  }

  /**
   * The address printed at start: the answer sets the cookie (HttpOnly, SameSite=Strict, Path the
   * prefix) and sends the browser to the same address without the token, other parameters kept.
   */
  @Test
  void theTokenInTheAddress_becomesACookie_andLeavesTheAddress() throws Exception {
    HttpResponse<String> r = Requests.get(served.home + "?token=" + TOKEN + "&x=1");
    assertEquals(303, r.statusCode());
    assertEquals("/tb/?x=1", r.headers().firstValue("Location").orElse(""));
    assertEquals(List.of(cookie + "; Path=/tb; Max-Age=2592000; HttpOnly; SameSite=Strict"), r.headers().allValues("Set-Cookie"));
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    assertEquals("/tb/", Requests.get(served.home + "?token=" + TOKEN).headers().firstValue("Location").orElse(""));
    // behind a proxy that ends TLS, the cookie is sent over https only
    HttpResponse<String> tls = Requests.get(served.home + "?token=" + TOKEN, "X-Forwarded-Proto", "https");
    assertTrue(tls.headers().firstValue("Set-Cookie").orElse("").endsWith("; Secure"), tls.headers().toString());

    HttpResponse<String> page = Requests.get(served.home, "Cookie", cookie);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<title>Trainscope</title>"));
    assertEquals(200, Requests.get(served.base + "/tb/js/main.js", "Cookie", cookie).statusCode());
    assertEquals(200, Requests.get(served.base + RUNS, "Cookie", cookie).statusCode());
    assertTrue(Requests.events(served.base + "/tb/api/events", "Cookie", cookie).startsWith("200 event: hello"));
  }

  @Test
  void aBearerHeader_letsScriptsIn() throws Exception {
    HttpResponse<String> r = Requests.get(served.base + RUNS, "Authorization", "Bearer " + TOKEN);
    assertEquals(200, r.statusCode());
    assertTrue(JSON.readTree(r.body()).path("runs").size() > 5, r.body());
    assertEquals(200, Requests.get(served.base + RUNS, "Authorization", "bearer  " + TOKEN + " ").statusCode());
    HttpResponse<String> graph = Requests.send("POST", served.base + "/tb/api/graph",
        "{\"run\":\"graph\",\"source\":\"run_graph\"}", "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
    assertEquals(200, graph.statusCode(), graph.body());
    assertTrue(Requests.events(served.base + "/tb/api/events", "Authorization", "Bearer " + TOKEN).startsWith("200 event: hello"));
  }

  /** The token does not pass another origin's request: the origin check comes first. */
  @Test
  void theToken_fromAnotherOrigin_isStillRefused() throws Exception {
    assertEquals(403, Requests.get(served.base + RUNS, "Cookie", cookie, "Origin", "http://evil.example").statusCode());
    assertEquals(403, Requests.get(served.base + RUNS, "Authorization", "Bearer " + TOKEN, "Sec-Fetch-Site", "cross-site")
        .statusCode());
    assertEquals(200, Requests.get(served.base + RUNS, "Cookie", cookie, "Origin", served.base).statusCode());
  }

  /**
   * Replicas behind a load balancer: a cookie one of them gave lets the browser into the other
   * (nothing is kept per session), and both answer the same.
   */
  @Test
  void replicas_withOneTokenFile_letInAndAnswerAlike() throws Exception {
    HttpResponse<String> first = Requests.get(served.home + "?token=" + TOKEN);
    String given = first.headers().firstValue("Set-Cookie").orElseThrow();
    String value = given.substring(given.indexOf('=') + 1, given.indexOf(';'));
    String onReplica = TokenGate.cookieName("127.0.0.1:" + replica.server.port()) + "=" + value;
    for (String path : List.of(RUNS, "/tb/api/tags", "/tb/api/scalars?run=scalars&tag=loss/train&buckets=50",
        "/tb/api/histograms?run=histograms&tag=normal/moving_mean&maxSteps=3", "/tb/api/graphs?run=graph")) {
      HttpResponse<String> a = Requests.get(served.base + path, "Authorization", "Bearer " + TOKEN);
      HttpResponse<String> b = Requests.get(replica.base + path, "Cookie", onReplica);
      assertEquals(200, a.statusCode(), path);
      assertEquals(200, b.statusCode(), path);
      assertEquals(JSON.readTree(a.body()), JSON.readTree(b.body()), path);
    }
  }

  @Test
  void cookieName_isTheBrowsersPort() {
    assertEquals("trainscope-token-6006", TokenGate.cookieName("example.com:6006"));
    assertEquals("trainscope-token-8080", TokenGate.cookieName("[::1]:8080"));
    assertEquals("trainscope-token", TokenGate.cookieName("example.com"));
    assertEquals("trainscope-token", TokenGate.cookieName("[::1]"));
    assertEquals("trainscope-token", TokenGate.cookieName("example.com:x"));
    assertEquals("trainscope-token", TokenGate.cookieName(null));
  }

  @Test
  void withoutToken_keepsOtherParameters_andNeverLeavesTheHost() {
    assertEquals("/tb/", TokenGate.withoutToken("/tb/", "token=x"));
    assertEquals("/tb/?a=1&b", TokenGate.withoutToken("/tb/", "a=1&token=x&b&token"));
    assertEquals("/tb/?tokens=1", TokenGate.withoutToken("/tb/", "tokens=1"));
    assertEquals("/evil.example/", TokenGate.withoutToken("//evil.example/", "token=x"));
    assertEquals("/tb/", TokenGate.withoutToken("/tb/", null));
  }
}
