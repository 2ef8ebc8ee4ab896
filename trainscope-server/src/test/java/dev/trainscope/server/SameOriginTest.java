package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests from other sites' pages, as a browser marks them ({@code Origin}, {@code
 * Sec-Fetch-Site}): refused (403) for the API, the live events and anything that is not a GET,
 * served for the dashboard's own page; and no answer ever allows another origin (CORS).
 */
class SameOriginTest {
  static final String EVIL = "http://evil.example";
  static final String GRAPH = "{\"run\":\"graph\",\"source\":\"run_graph\",\"all\":true}";

  static Served served;

  @BeforeAll
  static void start() throws Exception {
    served = Served.loaded(Served.testdata().resolve("gen-tensorboardX"));
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  static int status(String path, String... headers) throws Exception {
    return Requests.get(served.base + path, headers).statusCode();
  }

  @Test
  void api_fromAnotherOriginsPage_isRefused() throws Exception {
    int port = served.server.port();
    for (String origin : List.of(EVIL, "http://127.0.0.1:" + (port == 1 ? 2 : 1),
        "http://localhost:" + port, "null", "http://127.0.0.1:" + port + "@evil.example")) {
      HttpResponse<String> r = Requests.get(served.base + "/api/runs", "Origin", origin);
      assertEquals(403, r.statusCode(), origin);
      assertTrue(r.body().contains("another origin") && !r.body().contains("\"runs\""), r.body());
    }
    for (String site : List.of("cross-site", "same-site", "something-new")) {
      HttpResponse<String> r = Requests.get(served.base + "/api/runs", "Sec-Fetch-Site", site);
      assertEquals(403, r.statusCode(), site);
      assertTrue(r.body().contains("Sec-Fetch-Site: " + site), r.body());
    }
    assertEquals(403, status("/api/blob?run=media&tag=image/rgb_chw_uint8&step=0&index=0", "Sec-Fetch-Site", "cross-site"),
        "an image of the runs, as a page of another site would embed it");
  }

  @Test
  void api_fromItsOwnPage_orTyped_isServed() throws Exception {
    String self = served.base;
    assertEquals(200, status("/api/runs"), "no Origin: a script, or a same-origin GET");
    assertEquals(200, status("/api/runs", "Origin", self));
    assertEquals(200, status("/api/runs", "Origin", self.toUpperCase(java.util.Locale.ROOT)));
    assertEquals(200, status("/api/runs", "Sec-Fetch-Site", "same-origin", "Origin", self));
    assertEquals(200, status("/api/runs", "Sec-Fetch-Site", "none"), "an address typed or bookmarked");
  }

  @Test
  void liveEvents_fromAnotherOrigin_areRefused() throws Exception {
    assertTrue(Requests.events(served.base + "/api/events", "Origin", EVIL).startsWith("403 "));
    assertTrue(Requests.events(served.base + "/api/events", "Sec-Fetch-Site", "cross-site").startsWith("403 "));
    String own = Requests.events(served.base + "/api/events", "Sec-Fetch-Site", "same-origin");
    assertTrue(own.startsWith("200 event: hello"), own);
  }

  /**
   * A page of another site can POST without asking (a form, or fetch with text/plain): refused
   * before the body is read, whatever the path; the dashboard's own POST works.
   */
  @Test
  void post_fromAnotherOrigin_isRefused() throws Exception {
    for (String[] h : List.of(new String[] {"Origin", EVIL}, new String[] {"Sec-Fetch-Site", "cross-site"})) {
      for (String type : List.of("application/json", "text/plain")) {
        HttpResponse<String> r = Requests.send("POST", served.base + "/api/graph", GRAPH, h[0], h[1], "Content-Type", type);
        assertEquals(403, r.statusCode(), h[0] + " " + type + ": " + r.body());
      }
      assertEquals(403, Requests.send("POST", served.base + "/", "x", h[0], h[1]).statusCode(), "a POST to the page");
      assertEquals(403, Requests.send("DELETE", served.base + "/api/runs", null, h[0], h[1]).statusCode());
    }
    HttpResponse<String> own = Requests.send("POST", served.base + "/api/graph", GRAPH, "Origin", served.base,
        "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json");
    assertEquals(200, own.statusCode(), own.body());
  }

  /** No CORS: a pre-flight from another origin is refused and allows nothing (Requests checks every answer). */
  @Test
  void preflight_fromAnotherOrigin_isRefused() throws Exception {
    HttpResponse<String> r = Requests.send("OPTIONS", served.base + "/api/runs", null, "Origin", EVIL,
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization");
    assertEquals(403, r.statusCode());
    assertEquals(List.of(), r.headers().allValues("Access-Control-Allow-Methods"));
  }

  /** A link to the dashboard in another site (a chat, a wiki) still opens it: the page holds no data itself. */
  @Test
  void thePage_opensFromALinkOnAnotherSite() throws Exception {
    assertEquals(200, status("/", "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate"));
    assertEquals(200, status("/js/main.js", "Sec-Fetch-Site", "cross-site"));
  }

  @Test
  void sameAuthority_comparesHostAndPort_withDefaultPorts() {
    assertTrue(SameOrigin.sameAuthority("http://example.com", "example.com"));
    assertTrue(SameOrigin.sameAuthority("http://example.com", "example.com:80"));
    assertTrue(SameOrigin.sameAuthority("https://example.com", "example.com"));
    assertTrue(SameOrigin.sameAuthority("https://example.com:443", "Example.COM"));
    assertTrue(SameOrigin.sameAuthority("http://example.com:8080", "example.com:8080"));
    assertTrue(SameOrigin.sameAuthority("http://[::1]:6006", "[::1]:6006"));
    assertFalse(SameOrigin.sameAuthority("http://example.com:8080", "example.com"));
    assertFalse(SameOrigin.sameAuthority("https://example.com", "example.com:80"));
    assertFalse(SameOrigin.sameAuthority("http://example.com.evil.example", "example.com"));
    assertFalse(SameOrigin.sameAuthority("http://example.com", null));
    assertFalse(SameOrigin.sameAuthority("null", "example.com"));
    assertFalse(SameOrigin.sameAuthority("file://example.com", "example.com"));
    assertFalse(SameOrigin.sameAuthority("http://exa mple.com", "exa mple.com"));
  }
}
