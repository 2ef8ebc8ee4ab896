package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.writer.SummaryWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/tags} a page at a time (issue 17, item 9), and tags too long to name in a URL. */
class TagPagesTest {
  static final int TAGS = 25_000;
  static final String LONG = "x".repeat(100_000);
  /** The longest tag taken, of characters that URL-encode to six bytes each. */
  static final String LONGEST = "é".repeat(1024);
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  static Path logdir;
  static Served served;

  static String tagName(int i) {
    return "layer" + i / 100 + "/m" + i % 100;
  }

  @BeforeAll
  static void start() throws Exception {
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("big"))) {
      for (int i = 0; i < TAGS; i++) {
        log.scalar(tagName(i), i, 0);
      }
      log.histogram("weights", new float[] {1, 2, 3}, 0);
    }
    try (SummaryWriter log = SummaryWriter.create(logdir.resolve("long"))) {
      log.scalar("short", 1, 0);
      log.scalar(LONG, 2, 0);
      log.scalar(LONGEST, 3, 0);
    }
    served = Served.loaded(logdir);
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(served.base + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  static List<String> names(JsonNode tags) {
    List<String> out = new ArrayList<>();
    tags.forEach(t -> out.add(t.get("tag").asText()));
    return out;
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void allRuns_atMost10000TagsPerRun_withTotals() throws Exception {
    JsonNode r = json("/api/tags");
    assertEquals(10_000, r.get("runs").get("big").size());
    assertEquals(TAGS + 1, r.get("totals").get("big").asInt());
    assertEquals(tagName(0), r.get("runs").get("big").get(0).get("tag").asText());
    assertEquals(tagName(9_999), r.get("runs").get("big").get(9_999).get("tag").asText());
    assertEquals(2, r.get("totals").get("long").asInt());
  }

  @Test
  void oneRun_pagedByOffsetAndLimit() throws Exception {
    JsonNode r = json("/api/tags?run=big&offset=24990&limit=20");
    List<String> expected = new ArrayList<>();
    for (int i = 24_990; i < TAGS; i++) {
      expected.add(tagName(i));
    }
    expected.add("weights");
    assertEquals(expected, names(r.get("tags")));
    assertEquals(TAGS + 1, r.get("total").asInt());
    assertEquals(24_990, r.get("offset").asInt());
    assertEquals(0, json("/api/tags?run=big&offset=30000").get("tags").size());
    assertEquals(400, get("/api/tags?run=big&limit=100001").statusCode());
    assertEquals(400, get("/api/tags?run=big&offset=-1").statusCode());
  }

  @Test
  void filterAndKind_searchEveryTag_notJustThePageSent() throws Exception {
    JsonNode r = json("/api/tags?run=big&filter=" + q("^LAYER249/m9"));
    List<String> expected = new ArrayList<>(List.of("layer249/m9"));
    for (int i = 90; i < 100; i++) {
      expected.add("layer249/m" + i);
    }
    assertEquals(expected, names(r.get("tags")));
    assertEquals(11, r.get("total").asInt());
    assertEquals(List.of("weights"), names(json("/api/tags?run=big&kind=histogram").get("tags")));
    assertEquals(1, json("/api/tags?filter=" + q("^layer249/m99$") + "&kind=scalar").get("totals").get("big").asInt());
    assertEquals(400, get("/api/tags?filter=" + q("a[b")).statusCode());
    assertEquals(400, get("/api/tags?kind=nope").statusCode());
  }

  @Test
  void filter_withCatastrophicBacktracking_answersAtOnce() throws Exception {
    long t0 = System.nanoTime();
    JsonNode r = json("/api/tags?filter=" + q("^(.|.)*Q"));
    assertEquals(0, r.get("totals").get("big").asInt());
    assertTrue(System.nanoTime() - t0 < 5e9, "linear-time matching over 25,000 tags");
  }

  @Test
  void tagTooLongForAUrl_isReportedNotListed_andTheLongestTakenIsFetchable() throws Exception {
    List<String> tags = names(json("/api/tags?run=long").get("tags"));
    assertEquals(List.of("short", LONGEST), tags);
    JsonNode problems = json("/api/problems?run=long").get("problems");
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("MALFORMED_VALUE", problems.get(0).get("kind").asText());
    assertTrue(problems.get(0).get("message").asText().contains("a tag of 100000 characters, more than the 1024"),
        problems.toString());
    JsonNode s = json("/api/scalars?run=long&tag=" + q(LONGEST));
    assertEquals(3.0, s.get("series").get(0).get("values").get(0).asDouble());
    assertFalse(json("/api/tags").toString().contains(LONG));
  }
}
