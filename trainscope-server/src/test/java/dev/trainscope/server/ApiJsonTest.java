package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.data.RunStore;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.writer.CustomScalars;
import dev.trainscope.writer.HParam;
import dev.trainscope.writer.HParamMetric;
import dev.trainscope.writer.SessionStatus;
import dev.trainscope.writer.SummaryWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JSON endpoint's whole answer, compared with an expected document in
 * {@code src/test/resources/dev/trainscope/server/api/}, for a small log directory written here with
 * Trainscope's writer at fixed wall times. The documents are the HTTP API the page and its browser
 * tests read: a field renamed in the store, the diagnosis or a response record changes a document
 * and fails here. Objects are compared as trees (key order is not part of the API); when one
 * differs, the answer is written to {@code target/api-json/} to read beside the expected one. The
 * one value measured, a graph view's {@code layoutMillis}, is compared as 0.
 */
class ApiJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  static RunStore store;
  static DashboardServer server;
  static final HttpClient http = HttpClient.newHttpClient();
  static String base;

  @BeforeAll
  static void start() throws Exception {
    Path logdir = tmp.resolve("logs");
    writeLogdir(logdir);
    store = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build();
    store.reload();
    server = new DashboardServer(store, 50);
    base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
  }

  /**
   * Two runs at wall times 1700000000 + step: {@code train} with one tag of every kind, a graph and
   * an hparams session, whose loss turns NaN at step 4; {@code val} with a loss. Each event file is
   * renamed to a name without host or process id, so that the answers do not depend on the machine.
   */
  static void writeLogdir(Path logdir) throws IOException {
    InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L));
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("train")).clock(clock).build()) {
      log.hparamsExperiment(List.of(HParam.of("lr", HParam.Type.FLOAT64)), List.of(HParamMetric.of("loss")));
      log.hparamsSessionStart(Map.of("lr", 0.5));
      log.graph(new GraphDefProto(List.of(
          new NodeDef("input", "Placeholder", List.of(), "", Map.of()),
          new NodeDef("dense/MatMul", "MatMul", List.of("input"), "", Map.of()),
          new NodeDef("dense/Relu", "Relu", List.of("dense/MatMul"), "", Map.of())), 0, List.of()), 1_700_000_000.0);
      log.describe("loss", "Loss", "The training loss.");
      for (long s = 0; s < 6; s++) {
        double t = 1_700_000_000.0 + s;
        log.scalar("loss", s < 4 ? 1.0 / (1 + s) : Double.NaN, s, t);
        log.scalar("grad_norm/dense", 0.25 * (s + 1), s, t);
      }
      for (long s = 0; s < 2; s++) {
        log.histogram("dense/weights", new double[] {-1, -0.5, 0, 0.5 + s, 1 + s}, s, 1_700_000_000.0 + s);
      }
      BufferedImage image = new BufferedImage(2, 3, BufferedImage.TYPE_INT_RGB);
      image.setRGB(1, 2, 0xff0000);
      log.image("digits", image, 1, 1_700_000_001.0);
      log.audio("voice", new float[] {0f, 0.5f, -0.5f, 1f}, 1, 8000, 2, 1_700_000_002.0);
      log.text("notes", "**bold** and `code`", 0, 1_700_000_000.0);
      log.prCurve("pr", new boolean[] {true, false, true, false}, new float[] {0.9f, 0.2f, 0.6f, 0.7f}, 3, 3,
          1_700_000_003.0);
      log.mesh("shape", new float[][] {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}, new int[][] {{0, 1, 2}},
          new int[][] {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}}, 0);
      log.hparamsSessionEnd(SessionStatus.SUCCESS);
    }
    try (SummaryWriter log = SummaryWriter.builder(logdir.resolve("val")).clock(clock).build()) {
      for (long s = 0; s < 6; s += 2) {
        log.scalar("loss", 1.5 / (1 + s), s, 1_700_000_000.0 + s);
      }
      log.embedding("features", EMBEDDING, List.of("digit", "parity"), List.of(List.of("1", "odd"), List.of("2", "even"),
          List.of("3", "odd"), List.of("4", "even"), List.of("5", "odd"), List.of("6", "even")), null, 4);
    }
    for (String run : List.of("train", "val")) {
      try (Stream<Path> files = Files.list(logdir.resolve(run))) {
        List<Path> all = files.filter(f -> f.getFileName().toString().contains("tfevents")).toList();
        assertEquals(1, all.size(), run + ": " + all);
        Files.move(all.get(0), all.get(0).resolveSibling("events.out.tfevents.1700000000.host.1.0"));
      }
    }
  }

  /** The embedding of run {@code val}: six points in 3-D whose first two principal axes are clear. */
  static final float[][] EMBEDDING = {{1, 0, 0}, {2, 0.5f, 0}, {3, 0, 0.25f}, {-1, 0, 0}, {-2, -0.5f, 0}, {-3, 0, -0.25f}};

  /** Asserts that {@code GET pathAndQuery} answers 200 with the JSON of {@code api/<name>.json}. */
  /** A text answer (CSV, JSON Lines) compared exactly with {@code api/NAME}. */
  static void text(String name, String pathAndQuery) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
    String expected = null;
    try (InputStream in = ApiJsonTest.class.getResourceAsStream("api/" + name)) {
      if (in != null) {
        expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    if (!r.body().equals(expected)) {
      Path out = Path.of("target", "api-json", name);
      Files.createDirectories(out.getParent());
      Files.writeString(out, r.body(), StandardCharsets.UTF_8);
      assertEquals(expected == null ? "(no expected document api/" + name + ")" : expected, r.body(),
          pathAndQuery + " (answer in " + out + ")");
    }
  }

  static void answers(String name, String pathAndQuery) throws Exception {
    answers(base, name, pathAndQuery);
  }

  /** As {@link #answers(String, String)}, of the server at {@code base}. */
  static void answers(String base, String name, String pathAndQuery) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
    String body = r.body().replace(JSON.writeValueAsString(tmp.toString()).replaceAll("^\"|\"$", ""), "$TMP");
    JsonNode actual = JSON.readTree(body);
    if (actual.path("layoutMillis").isNumber()) { // a graph view's layout time, measured
      ((com.fasterxml.jackson.databind.node.ObjectNode) actual).put("layoutMillis", 0.0);
    }
    if (actual.path("millis").isNumber()) { // a projection's computing time, measured
      ((com.fasterxml.jackson.databind.node.ObjectNode) actual).put("millis", 0);
    }
    matches(name, actual, pathAndQuery);
  }

  /** Asserts that {@code actual} is the JSON of {@code api/<name>.json}, else writes it to target/api-json. */
  static void matches(String name, JsonNode actual, String what) throws Exception {
    JsonNode expected = null;
    try (InputStream in = ApiJsonTest.class.getResourceAsStream("api/" + name + ".json")) {
      if (in != null) {
        expected = JSON.readTree(in);
      }
    }
    if (!actual.equals(expected)) {
      Path out = Path.of("target", "api-json", name + ".json");
      Files.createDirectories(out.getParent());
      String shown = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual);
      Files.writeString(out, shown + "\n", StandardCharsets.UTF_8);
      assertEquals(expected == null ? "(no expected document api/" + name + ".json)"
          : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(expected), shown,
          what + " (answer in " + out + ")");
    }
  }

  @Test
  void runs() throws Exception {
    answers("runs", "/api/runs");
  }

  @Test
  void progress() throws Exception {
    answers("progress", "/api/progress");
  }

  @Test
  void tagsOfEveryRun() throws Exception {
    answers("tags", "/api/tags");
  }

  @Test
  void tagsOfOneRun_filteredAndPaged() throws Exception {
    answers("tags-train", "/api/tags?run=train&kind=scalar&filter=lo&offset=0&limit=5");
  }

  @Test
  void scalarPoints() throws Exception {
    answers("scalars", "/api/scalars?tag=loss&run=train&run=val");
  }

  @Test
  void scalarPoints_limited() throws Exception {
    answers("scalars-limited", "/api/scalars?tag=loss&run=train&from=1&limit=2");
  }

  @Test
  void scalarBuckets() throws Exception {
    answers("scalars-buckets", "/api/scalars?tag=loss&run=train&run=val&buckets=2");
  }

  @Test
  void scalarDownload_json() throws Exception {
    text("scalars-download.jsonl", "/api/scalars/download?run=train&tag=loss&format=json");
  }

  @Test
  void export_csv() throws Exception {
    text("export.csv", "/api/export?tags=loss%7Cgrad");
  }

  @Test
  void export_json() throws Exception {
    text("export.jsonl", "/api/export?run=val&format=json");
  }

  @Test
  void histograms() throws Exception {
    answers("histograms", "/api/histograms?run=train&tag=dense/weights");
  }

  @Test
  void histograms_spread() throws Exception {
    answers("histograms-spread", "/api/histograms?run=train&tag=dense/weights&maxSteps=1");
  }

  @Test
  void distributions() throws Exception {
    answers("distributions", "/api/distributions?run=train&tag=dense/weights");
  }

  @Test
  void blobs_images() throws Exception {
    answers("blobs-images", "/api/blobs?run=train&tag=digits");
  }

  @Test
  void blobs_audio() throws Exception {
    answers("blobs-audio", "/api/blobs?run=train&tag=voice");
  }

  @Test
  void audio() throws Exception {
    answers("audio", "/api/audio?run=train&tag=voice&step=2");
  }

  @Test
  void customScalars_none() throws Exception {
    answers("customscalars-none", "/api/customscalars");
  }

  /** Two runs of their own, both with a layout: categories of one title merged, a chart logged alike kept once. */
  @Test
  void customScalars_mergedAcrossRuns() throws Exception {
    Path logdir = tmp.resolve("layouts");
    InstantSource clock = InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L));
    try (SummaryWriter a = SummaryWriter.builder(logdir.resolve("a")).clock(clock).build();
        SummaryWriter b = SummaryWriter.builder(logdir.resolve("b")).clock(clock).build()) {
      a.customScalars(CustomScalars.builder().category("Training")
          .multiline("losses", "^loss/(train|val)$")
          .margin("accuracy in its interval", "acc", "acc/low", "acc/high")
          .category("Hidden", true).multiline("lr", "lr")
          .build());
      b.customScalars(CustomScalars.builder().category("Training")
          .multiline("losses", "^loss/(train|val)$")
          .multiline("gradients", "grad_norm/.*")
          .build());
    }
    try (RunStore layouts = RunStore.builder().logdir(logdir).reloadInterval(Duration.ZERO).build()) {
      layouts.reload();
      try (DashboardServer s = new DashboardServer(layouts, 50)) {
        answers("http://127.0.0.1:" + s.start("127.0.0.1", 0), "customscalars", "/api/customscalars");
      }
    }
  }

  @Test
  void text() throws Exception {
    answers("text", "/api/text?run=train&tag=notes");
  }

  @Test
  void prCurves() throws Exception {
    answers("prcurves", "/api/prcurves?run=train&tag=pr");
  }

  @Test
  void meshes() throws Exception {
    answers("meshes", "/api/meshes?run=train");
  }

  @Test
  void mesh() throws Exception {
    answers("mesh", "/api/mesh?run=train&name=shape&step=0");
  }

  @Test
  void embeddings() throws Exception {
    answers("embeddings", "/api/embeddings?run=val");
  }

  @Test
  void embeddingMetadata() throws Exception {
    answers("embedding-metadata", "/api/embedding/metadata?run=val&tag=features&step=4");
  }

  @Test
  void embeddingProjection() throws Exception {
    answers("embedding-projection", "/api/embedding/projection?run=val&tag=features&step=4&method=pca&dims=3");
  }

  /**
   * A t-SNE asked for the first time answers at once, 202 with its progress (its measured parts, the
   * iterations done, the time, the layout so far, zeroed here), then, asked again, the projection.
   */
  @Test
  void embeddingProjection_tsneInProgress_thenDone() throws Exception {
    String q = "/api/embedding/projection?run=val&tag=features&step=4&method=tsne&dims=2&perplexity=2";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + q)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
    com.fasterxml.jackson.databind.node.ObjectNode progress = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(r.body());
    assertTrue(List.of("waiting", "running").contains(progress.get("state").asText()), r.body());
    progress.put("state", "running").put("iteration", 0).put("elapsedMillis", 0).put("layoutIteration", 0)
        .putNull("indices").putNull("coords");
    matches("embedding-projection-progress", progress, q);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (r.statusCode() == 202 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      r = http.send(HttpRequest.newBuilder(URI.create(base + q)).build(), HttpResponse.BodyHandlers.ofString());
    }
    assertEquals(200, r.statusCode(), r.body());
    JsonNode done = JSON.readTree(r.body());
    List<String> fields = new ArrayList<>();
    done.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("run", "tag", "step", "method", "dims", "rows", "indices", "coords", "variance", "millis"), fields);
    assertEquals(12, done.get("coords").size());
  }

  /** The progress of a t-SNE with the layout so far: every field, as the page reads them. */
  @Test
  void embeddingProjection_progressWithItsLayout() throws Exception {
    var params = new dev.trainscope.data.projector.Projections.Params(
        dev.trainscope.data.projector.Projections.Method.TSNE, 2, 30, 1000, 15, 0.1);
    var p = new dev.trainscope.data.projector.Projections.Progress(params, 12000, false, 360, 1000, 4250, 350,
        new int[] {0, 11999}, new float[] {1.5f, -2f, 0.25f, 3f});
    matches("embedding-projection-progress-layout",
        JSON.readTree(Json.MAPPER.writeValueAsString(Responses.ProjectionProgress.of("val", "features", 4, p, 300))),
        "a progress with its layout");
    JsonNode without = JSON.readTree(Json.MAPPER.writeValueAsString(Responses.ProjectionProgress.of("val", "features", 4, p, 350)));
    assertTrue(without.get("coords").isNull() && without.get("indices").isNull(), "no layout the page already has: " + without);
  }

  @Test
  void embeddingNeighbours() throws Exception {
    answers("embedding-neighbors", "/api/embedding/neighbors?run=val&tag=features&step=4&index=0&k=3&metric=euclidean");
  }

  @Test
  void hparams() throws Exception {
    answers("hparams", "/api/hparams");
  }

  @Test
  void problemsOfTheLogdir() throws Exception {
    answers("problems", "/api/problems");
  }

  @Test
  void problemsOfOneRun() throws Exception {
    answers("problems-train", "/api/problems?run=train");
  }

  @Test
  void findings() throws Exception {
    answers("findings", "/api/findings");
  }

  @Test
  void findingsOfOneRun() throws Exception {
    answers("findings-val", "/api/findings?run=val");
  }

  @Test
  void explain() throws Exception {
    answers("explain", "/api/explain?run=train");
  }

  @Test
  void layers() throws Exception {
    answers("layers", "/api/layers?run=train&columns=4");
  }

  @Test
  void graphs() throws Exception {
    answers("graphs", "/api/graphs");
  }

  @Test
  void graphView() throws Exception {
    answers("graph", "/api/graph?run=train&source=run_graph&expanded=1&expand=dense");
  }

  @Test
  void graphNode() throws Exception {
    answers("graph-node", "/api/graph/node?run=train&source=run_graph&node=dense/MatMul");
  }

  @Test
  void graphSearch() throws Exception {
    answers("graph-search", "/api/graph/search?run=train&source=run_graph&q=relu");
  }

  @Test
  void liveEvents_hello() throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertEquals("event: hello", in.readLine());
      String data = in.readLine();
      assertEquals(JSON.readTree("{\"progress\":" + JSON.writeValueAsString(JSON.readTree(
          ApiJsonTest.class.getResourceAsStream("api/progress.json"))) + "}"), JSON.readTree(data.substring("data: ".length())));
    }
  }

  /** The live update as the page reads it (sent when data arrives; built here from this store's progress). */
  @Test
  void liveEvents_update() throws Exception {
    String update = Json.MAPPER.writeValueAsString(new Responses.Update(true, false,
        List.of(new Responses.TagStep("train", "loss", 7)), Api.progress(store)));
    assertEquals("""
        {"runsChanged":true,"findingsChanged":false,"tags":[{"run":"train","tag":"loss","lastStep":7}],\
        "progress":{"bytesRead":3841,"bytesKnown":3841,"runsLoaded":2,"runsKnown":2,"firstPollDone":true,\
        "problems":[]}}""", update);
  }
}
