package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainscope.data.RunStore;
import dev.trainscope.events.TfRecordFormat;
import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.Summary;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API on port 0, against the real fixtures and a log directory of hostile names. */
class ApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String XSS = "<img src=x onerror=alert(1)>";

  @TempDir
  static Path tmp;

  static RunStore store;
  static DashboardServer server;
  static HttpClient http = HttpClient.newHttpClient();
  static String base;

  @BeforeAll
  static void start() throws Exception {
    Path fixtures = Path.of(System.getProperty("trainscope.testdata", "../testdata")).resolve("tfevents");
    Path hostile = tmp.resolve("hostile");
    Files.createDirectories(hostile.resolve(XSS));
    writeHostileRun(hostile.resolve(XSS).resolve("events.out.tfevents.1700000000.host.1.0"));
    // a folder nobody can list, root included (see HostileFilesTest in trainscope-data)
    Files.createSymbolicLink(hostile.resolve("unlistable"), Path.of("/proc/1/map_files"));
    Path mine = tmp.resolve("mine");
    writeDiagnosedRun(mine.resolve("blowup"));
    try (dev.trainscope.writer.SummaryWriter log = dev.trainscope.writer.SummaryWriter.create(mine.resolve("sound"))) {
      float[] tone = new float[400];
      for (int i = 0; i < tone.length; i++) {
        tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
      }
      log.audio("voice", tone, 1, 8000, 7);
    }
    store = RunStore.builder()
        .logdirSpec("fx:" + fixtures + ",evil:" + hostile + ",mine:" + mine)
        .reloadInterval(Duration.ZERO)
        .build();
    store.reload();
    server = new DashboardServer(store, 50);
    base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
    store.close();
  }

  /** A run whose name, tags and text are HTML and script. */
  static void writeHostileRun(Path file) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SummaryMetadata text = SummaryMetadata.forPlugin(PluginNames.TEXT, new byte[0], SummaryMetadata.DATA_CLASS_TENSOR);
    for (int step = 0; step < 3; step++) {
      Summary s = Summary.of(
          SummaryValue.of(XSS, null, new SummaryValue.SimpleValue(step == 1 ? Float.NaN : step)),
          SummaryValue.of("notes", step == 0 ? text : null, TensorProto.ofStrings(TensorShape.of(1),
              List.of(("**bold** " + XSS + " <script>alert(2)</script> [x](javascript:alert(3))")
                  .getBytes(StandardCharsets.UTF_8)))));
      out.write(TfRecordFormat.frame(new Event(1.7e9 + step, step, s, null).toByteArray()));
    }
    Files.write(file, out.toByteArray());
  }

  /**
   * A training whose loss turns NaN at step 30, with a per-layer gradient norm named by
   * Trainscope's habit and a scalar whose description states its meaning with attributes.
   */
  static void writeDiagnosedRun(Path dir) {
    try (dev.trainscope.writer.SummaryWriter log = dev.trainscope.writer.SummaryWriter.create(dir)) {
      log.describe("probe/q", "probe", "A probe.\n\nrole: metric, split: val, layer: conv2d_1, channel: 3, dims: 8");
      for (long s = 0; s < 60; s++) {
        log.scalar("train/loss", s < 30 ? 2.0 / (1 + 0.1 * s) : Double.NaN, s);
        log.scalar("grad_norm/dense1", 0.5, s);
        log.scalar("probe/q", s, s);
      }
    }
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> getBytes(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static JsonNode json(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    return JSON.readTree(r.body());
  }

  @Test
  void runs_listsFixtureRunsWithSpecPrefixes() throws Exception {
    JsonNode runs = json("/api/runs").get("runs");
    List<String> names = new java.util.ArrayList<>();
    runs.forEach(r -> names.add(r.get("name").asText()));
    assertTrue(names.contains("fx/gen-tensorboardX/scalars"), names.toString());
    assertTrue(names.contains("evil/" + XSS));
    assertTrue(json("/api/runs").get("progress").get("firstPollDone").asBoolean());
  }

  @Test
  void problems_ofARunOrOfTheLogdir_sayWhatCouldNotBeRead() throws Exception {
    JsonNode logdir = json("/api/problems").get("problems");
    assertEquals(1, logdir.size(), logdir.toString());
    assertEquals("IO_ERROR", logdir.get(0).get("kind").asText());
    assertEquals(tmp.resolve("hostile").resolve("unlistable").toAbsolutePath().normalize().toString(),
        logdir.get(0).get("file").asText());
    assertTrue(logdir.get(0).get("message").asText().startsWith("cannot list this folder"), logdir.toString());
    JsonNode run = json("/api/problems?run=" + q("evil/" + XSS));
    assertEquals("evil/" + XSS, run.get("run").asText());
    assertEquals(0, run.get("problems").size(), "a sound run has none");
  }

  @Test
  void scalarsExact_returnColumnsWithNonFiniteAsStrings() throws Exception {
    JsonNode s = json("/api/scalars?tag=" + q(XSS) + "&run=" + q("evil/" + XSS)).get("series").get(0);
    assertEquals("[0,1,2]", s.get("steps").toString());
    assertEquals("[0.0,\"NaN\",2.0]", s.get("values").toString());
    assertFalse(s.get("more").asBoolean());
  }

  @Test
  void scalarsBuckets_cover1000PointsInAtMostTheAskedBuckets() throws Exception {
    JsonNode s = json("/api/scalars?tag=loss/train&run=fx/gen-tensorboardX/scalars&buckets=7").get("series").get(0);
    int n = s.get("count").size();
    assertTrue(n <= 7 && n >= 1, "buckets: " + n);
    long total = 0;
    for (JsonNode c : s.get("count")) {
      total += c.asLong();
    }
    assertEquals(1000, total);
    assertEquals(0, s.get("firstStep").get(0).asLong());
    assertEquals(999, s.get("lastStep").get(n - 1).asLong());
  }

  @Test
  void scalarsPaging_limitGivesMoreAndNextStep() throws Exception {
    JsonNode s = json("/api/scalars?tag=loss/train&run=fx/gen-tensorboardX/scalars&limit=300").get("series").get(0);
    assertEquals(300, s.get("steps").size());
    assertTrue(s.get("more").asBoolean());
    assertEquals(300, s.get("nextStep").asLong());
  }

  @Test
  void download_csvHasEveryPoint_inTheExportsColumns() throws Exception {
    HttpResponse<String> r = get("/api/scalars/download?run=fx/gen-tensorboardX/scalars&tag=loss/train&format=csv");
    assertEquals(200, r.statusCode());
    List<String> lines = r.body().lines().toList();
    assertEquals("run,tag,step,wall_time,value", lines.get(0));
    assertEquals(1001, lines.size());
    assertTrue(lines.get(1).startsWith("fx/gen-tensorboardX/scalars,loss/train,0,"), lines.get(1));
    // the float's own shortest digits, which read back as the float (its double is 0.04333892837166786)
    assertTrue(lines.get(1000).endsWith(",0.04333893"), lines.get(1000));
    assertEquals(0.04333892837166786, (double) Float.parseFloat("0.04333893"));
    for (String line : lines.subList(1, lines.size())) {
      String wall = line.split(",")[3];
      assertTrue(wall.matches("\\d+\\.\\d+"), "a wall time in plain seconds: " + line);
      assertTrue(Double.parseDouble(wall) > 1e9, line);
    }
    assertEquals("attachment; filename=\"fx_gen-tensorboardX_scalars_loss_train.csv\"",
        r.headers().firstValue("content-disposition").orElse(""));
    assertEquals("text/csv; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
  }

  @Test
  void export_runsAndTagFilter_everyPointOfEachSeries() throws Exception {
    HttpResponse<String> r = get("/api/export?run=fx/gen-tensorboardX/scalars&tags=%5Eloss/");
    assertEquals(200, r.statusCode(), r.body());
    List<String> lines = r.body().lines().toList();
    assertEquals("run,tag,step,wall_time,value", lines.get(0));
    List<String> series = lines.subList(1, lines.size()).stream()
        .map(l -> l.substring(0, l.indexOf(',', l.indexOf(',') + 1))).distinct().toList();
    assertEquals(List.of("fx/gen-tensorboardX/scalars,loss/train", "fx/gen-tensorboardX/scalars,loss/val"),
        series.stream().filter(x -> x.contains("loss/train") || x.contains("loss/val")).toList());
    assertTrue(series.stream().allMatch(x -> x.startsWith("fx/gen-tensorboardX/scalars,loss/")), series.toString());
    assertEquals(series.stream().sorted().toList(), series, "tags in name order");
    assertEquals("attachment; filename=\"fx_gen-tensorboardX_scalars-scalars.csv\"",
        r.headers().firstValue("content-disposition").orElse(""));
    HttpResponse<String> json = get("/api/export?run=fx/gen-tensorboardX/scalars&tags=loss/train&format=json");
    assertEquals(200, json.statusCode());
    assertEquals("application/x-ndjson; charset=utf-8", json.headers().firstValue("content-type").orElse(""));
    List<String> objects = json.body().lines().toList();
    assertEquals(1000, objects.size());
    JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(objects.get(0));
    assertEquals("loss/train", first.get("tag").asText());
    assertEquals(0, first.get("step").asLong());
  }

  @Test
  void export_refusals() throws Exception {
    HttpResponse<String> badRe = get("/api/export?tags=(");
    assertEquals(400, badRe.statusCode());
    assertTrue(badRe.body().startsWith("query parameter 'tags' is not a regular expression (RE2 syntax)"), badRe.body());
    assertEquals(400, get("/api/export?format=xlsx").statusCode());
    HttpResponse<String> unknown = get("/api/export?run=nope");
    assertEquals(404, unknown.statusCode());
    assertEquals("no run named 'nope'", unknown.body());
    HttpResponse<String> none = get("/api/export?run=fx/gen-tensorboardX/scalars&tags=no-such-tag-anywhere");
    assertEquals(404, none.statusCode());
    assertEquals("no scalar tag matching 'no-such-tag-anywhere' in the run 'fx/gen-tensorboardX/scalars'", none.body());
    // hostile strings: a clear 4xx, nothing streamed
    assertEquals(400, get("/api/export?tags=" + "a".repeat(5000)).statusCode());
    assertEquals(404, get("/api/export?run=%00%FF").statusCode());
    assertEquals(404, get("/api/export?run=fx/gen-tensorboardX/scalars&run=..%2F..%2Fetc").statusCode());
    assertEquals(400, get("/api/export?format=" + "x".repeat(100)).statusCode());
    assertEquals(404, get("/api/export?tags=%5E%24").statusCode()); // matches only the empty tag: none
  }

  @Test
  void badParameters_are400WithPlainMessages() throws Exception {
    HttpResponse<String> r = get("/api/scalars?tag=loss/train&run=fx/gen-tensorboardX/scalars&buckets=abc");
    assertEquals(400, r.statusCode());
    assertEquals("query parameter 'buckets' must be an integer, was 'abc'", r.body());
    assertEquals(400, get("/api/scalars?run=x").statusCode());
    assertEquals("missing query parameter 'tag'", get("/api/scalars?run=x").body());
    assertEquals(400, get("/api/scalars?tag=t&run=r&buckets=0").statusCode());
    assertEquals(400, get("/api/scalars?tag=t&run=r&from=5&to=1").statusCode());
    assertEquals(400, get("/api/scalars/download?run=r&tag=t&format=xml").statusCode());
  }

  @Test
  void unknownRunsAndTags_are404() throws Exception {
    HttpResponse<String> r = get("/api/scalars?tag=loss&run=nope");
    assertEquals(404, r.statusCode());
    assertEquals("no run named 'nope'", r.body());
    assertEquals(404, get("/api/scalars?tag=nope&run=fx/gen-tensorboardX/scalars").statusCode());
    HttpResponse<String> kind = get("/api/histograms?tag=loss/train&run=fx/gen-tensorboardX/scalars");
    assertEquals(404, kind.statusCode());
    assertTrue(kind.body().contains("holds SCALAR values, not HISTOGRAM"), kind.body());
  }

  /** tensorboardX's add_mesh tetrahedron: one mesh of three tags, its tensors served flat; bad asks refused. */
  @Test
  void meshes_groupTheTetrahedronsTags_andBadRequestsAreRefused() throws Exception {
    String run = q("fx/gen-tensorboardX/custom_scalars_mesh");
    JsonNode meshes = json("/api/meshes?run=" + run).get("meshes");
    assertEquals(1, meshes.size());
    assertEquals("mesh/tetrahedron", meshes.get(0).get("name").asText());
    assertEquals(3, meshes.get(0).get("parts").size());
    String at = "/api/mesh?run=" + run + "&name=" + q("mesh/tetrahedron");
    JsonNode m = json(at + "&step=0");
    assertEquals("[1.0,1.0,1.0,-1.0,-1.0,1.0,1.0,-1.0,-1.0,-1.0,1.0,-1.0]", m.get("vertices").toString());
    assertEquals("[0,2,3,0,3,1,0,1,2,1,3,2]", m.get("faces").toString());
    assertEquals(12, m.get("colors").size());
    assertEquals(1, m.get("samples").asInt());
    assertEquals(404, get("/api/meshes?run=nope").statusCode());
    assertEquals(404, get("/api/mesh?run=" + run + "&name=nope&step=0").statusCode());
    assertEquals(404, get(at + "&step=3").statusCode(), "no such step");
    assertEquals(400, get(at).statusCode(), "no step");
    assertEquals(400, get(at + "&step=x").statusCode());
    assertEquals(400, get(at + "&step=0&sample=-1").statusCode());
    HttpResponse<String> outside = get(at + "&step=0&sample=1");
    assertEquals(400, outside.statusCode());
    assertTrue(outside.body().contains("sample must be in 0..0"), outside.body());
    assertEquals(400, get("/api/mesh?run=" + run + "&step=0").statusCode(), "no name");
    assertEquals(404, get("/api/mesh?run=" + run + "&name=" + q(XSS) + "&step=0").statusCode());
  }

  @Test
  void craftedPaths_neverReachFilesOutsideTheApp() throws Exception {
    for (String path : List.of("/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
        "/js/..%2f..%2f..%2fpom.xml", "/webjars/../../../etc/passwd", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd")) {
      HttpResponse<String> r;
      try {
        r = get(path);
      } catch (IllegalArgumentException e) {
        continue; // the client refuses to send it at all
      }
      assertFalse(r.body().contains("root:"), path + " leaked /etc/passwd");
      assertTrue(r.statusCode() == 404 || r.statusCode() == 400, path + " gave " + r.statusCode());
    }
  }

  @Test
  void everyResponse_carriesTheSecurityHeaders() throws Exception {
    for (String path : List.of("/", "/api/runs", "/api/scalars?tag=x&run=y")) {
      HttpResponse<String> r = get(path);
      assertEquals(DashboardServer.CSP, r.headers().firstValue("content-security-policy").orElse(""), path);
      assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(""), path);
    }
    assertFalse(get("/").body().contains("<script>"), "no inline script in the page");
  }

  /** The page's one inline script, the import map for three.js, is the one the CSP allows by its hash. */
  @Test
  void theImportMap_isAllowedByItsHash() throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("<script type=\"importmap\">(.*?)</script>",
        java.util.regex.Pattern.DOTALL).matcher(get("/").body());
    assertTrue(m.find(), "an import map in the page");
    byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
    assertEquals("'sha256-" + java.util.Base64.getEncoder().encodeToString(hash) + "'", DashboardServer.IMPORT_MAP_HASH);
    assertTrue(DashboardServer.CSP.contains("script-src 'self' " + DashboardServer.IMPORT_MAP_HASH + ";"), DashboardServer.CSP);
    JsonNode map = JSON.readTree(m.group(1)).get("imports");
    for (String path : List.of(map.get("three").asText(), map.get("three/addons/").asText() + "controls/OrbitControls.js")) {
      assertTrue(path.startsWith("./"), "an address, not another bare specifier (which maps to null): " + path);
      assertEquals(200, get(path.substring(1)).statusCode(), path + " is served");
    }
  }

  @Test
  void textSummaries_renderMarkdownWithHtmlEscaped() throws Exception {
    JsonNode steps = json("/api/text?run=" + q("evil/" + XSS) + "&tag=notes").get("steps");
    String html = steps.get(0).get("html").get(0).asText();
    assertTrue(html.contains("<strong>bold</strong>"), html);
    assertFalse(html.contains("<img"), html);
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("javascript:"), html);
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), html);
    assertTrue(steps.get(0).get("text").get(0).asText().contains(XSS), "raw text kept as data");
  }

  @Test
  void images_blobIsTheFilesPngWithItsType() throws Exception {
    JsonNode list = json("/api/blobs?run=fx/gen-tensorboardX/media&tag=" + q("image/rgb_chw_uint8")).get("steps");
    JsonNode first = list.get(0);
    HttpResponse<byte[]> r = getBytes("/api/blob?run=fx/gen-tensorboardX/media&tag=" + q("image/rgb_chw_uint8")
        + "&step=" + first.get("step").asLong() + "&index=0");
    assertEquals(200, r.statusCode());
    assertEquals("image/png", r.headers().firstValue("content-type").orElse(""));
    assertEquals(Api.BLOB_CSP, r.headers().firstValue("content-security-policy").orElse(""));
    assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(""));
    var img = ImageIO.read(new ByteArrayInputStream(r.body()));
    assertEquals(first.get("width").asInt(), img.getWidth());
    assertEquals(first.get("height").asInt(), img.getHeight());
    assertEquals(404, get("/api/blob?run=fx/gen-tensorboardX/media&tag=" + q("image/rgb_chw_uint8")
        + "&step=123456&index=0").statusCode());
    assertEquals(400, get("/api/blob?run=fx/gen-tensorboardX/media&tag=" + q("image/rgb_chw_uint8")).statusCode());
  }

  @Test
  void audioFromOurWriter_isAWavClipServedInline() throws Exception {
    JsonNode steps = json("/api/blobs?run=mine/sound&tag=voice").get("steps");
    assertEquals(1, steps.size());
    assertEquals(7, steps.get(0).get("step").asLong());
    HttpResponse<byte[]> r = getBytes("/api/blob?run=mine/sound&tag=voice&step=7&index=0");
    assertEquals(200, r.statusCode());
    assertEquals("audio/wav", r.headers().firstValue("content-type").orElse(""));
    assertFalse(r.headers().firstValue("content-disposition").orElse("").startsWith("attachment"));
    try (var in = javax.sound.sampled.AudioSystem.getAudioInputStream(new ByteArrayInputStream(r.body()))) {
      assertEquals(400, in.getFrameLength());
      assertEquals(8000f, in.getFormat().getSampleRate());
    }
  }

  @Test
  void graphBlob_isServedAsAnAttachmentNotAPage() throws Exception {
    HttpResponse<byte[]> r = getBytes("/api/blob?run=fx/gen-tensorboardX/graph&tag=__run_graph__&step=0");
    assertEquals(200, r.statusCode());
    assertEquals("application/octet-stream", r.headers().firstValue("content-type").orElse(""));
    assertTrue(r.headers().firstValue("content-disposition").orElse("").startsWith("attachment"));
    assertEquals(Api.BLOB_CSP, r.headers().firstValue("content-security-policy").orElse(""));
    assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(""));
    assertEquals(5673, r.body().length, "the GraphDef bytes of the manifest");
  }

  @Test
  void histogramsAndDistributions_haveMatchingSteps() throws Exception {
    String q = "run=fx/gen-tensorboardX/histograms&tag=" + q("normal/moving_mean");
    JsonNode h = json("/api/histograms?" + q + "&maxSteps=5");
    assertTrue(h.get("steps").size() <= 5);
    JsonNode d = json("/api/distributions?" + q);
    assertEquals(h.get("total").asInt(), d.get("steps").size());
    assertEquals(9, d.get("bands").size());
    assertArrayEquals(new int[] {0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000},
        JSON.convertValue(d.get("basisPoints"), int[].class));
  }

  @Test
  void hparams_tableHasTheThreeTrials() throws Exception {
    JsonNode t = json("/api/hparams");
    int trials = 0;
    for (JsonNode row : t.get("rows")) {
      if (row.get("run").asText().startsWith("fx/gen-tensorboardX/hparams/trial_")) {
        trials++;
      }
    }
    assertEquals(3, trials);
  }

  @Test
  void findings_listTheDiagnosisWithCountsPerRun() throws Exception {
    JsonNode f = json("/api/findings");
    String run = "fx/tensorboard-reducer/tests/runs/duplicate_steps/run_1";
    boolean found = false;
    for (JsonNode x : f.get("findings")) {
      if (x.get("run").asText().equals(run) && x.get("rule").asText().equals("restarted")) {
        found = true;
        assertEquals("info", x.get("severity").asText());
        assertEquals(20, x.get("evidence").get("replaced_by_restart").asInt());
      }
    }
    assertTrue(found, f.toString());
    assertEquals(1, f.get("counts").get(run).get("info").asInt());
    assertEquals(1, json("/api/findings?run=" + q(run)).get("findings").size());
    assertEquals(404, get("/api/findings?run=nope").statusCode());
  }

  @Test
  void findings_groupEachTrainingIntoAVerdictWithItsSeverityAndChecks() throws Exception {
    JsonNode f = json("/api/findings?run=" + q("mine/blowup"));
    JsonNode findings = f.get("findings");
    assertEquals(1, f.get("verdicts").size(), f.toString());
    JsonNode v = f.get("verdicts").get(0);
    assertEquals("mine/blowup", v.get("subject").asText());
    assertEquals(List.of("mine/blowup"), List.of(v.get("runs").get(0).asText()));
    assertFalse(v.get("healthy").asBoolean());
    JsonNode root = findings.get(v.get("root").asInt());
    assertEquals("mine/blowup", root.get("run").asText());
    // the verdict's severity is the worst of its root and consequences
    String worst = root.get("severity").asText();
    for (JsonNode i : v.get("consequences")) {
      if (findings.get(i.asInt()).get("severity").asText().equals("error")) {
        worst = "error";
      }
    }
    assertEquals(worst, v.get("severity").asText());
    boolean nan = false;
    for (JsonNode x : findings) {
      assertTrue(x.has("basis"), x.toString());
      nan |= x.get("rule").asText().equals("nan-loss");
    }
    assertTrue(nan, findings.toString());
    // how many rules could examine it: the same as /api/explain lists, by status
    JsonNode explain = json("/api/explain?run=" + q("mine/blowup"));
    assertEquals("mine/blowup", explain.get("subject").asText());
    java.util.Map<String, Integer> counted = new java.util.TreeMap<>();
    for (JsonNode c : explain.get("coverage")) {
      assertTrue(List.of("checked", "partly", "not checked").contains(c.get("status").asText()), c.toString());
      assertFalse(c.get("rule").asText().isEmpty());
      counted.merge(c.get("status").asText(), 1, Integer::sum);
    }
    java.util.Map<String, Integer> checks = new java.util.TreeMap<>();
    v.get("checks").fields().forEachRemaining(e -> {
      if (e.getValue().asInt() > 0) {
        checks.put(e.getKey(), e.getValue().asInt());
      }
    });
    assertEquals(counted, checks);
    JsonNode grad = null;
    for (JsonNode r : explain.get("roles")) {
      if (r.get("tag").asText().equals("grad_norm/dense1")) {
        grad = r;
      }
    }
    assertEquals("{\"run\":\"mine/blowup\",\"tag\":\"grad_norm/dense1\",\"role\":\"grad_norm\",\"split\":\"train\","
        + "\"layer\":\"dense1\",\"param\":\"weight\",\"source\":\"name: Trainscope\"}", String.valueOf(grad));
    assertEquals(404, get("/api/explain?run=nope").statusCode());
    assertEquals(400, get("/api/explain").statusCode());
  }

  @Test
  void tags_carryTheirMeaningWithRoleAndSplitByTheirIds() throws Exception {
    JsonNode tags = json("/api/tags?run=" + q("mine/blowup")).get("tags");
    java.util.Map<String, String> meanings = new java.util.TreeMap<>();
    for (JsonNode t : tags) {
      meanings.put(t.get("tag").asText(), t.get("meaning").toString());
    }
    assertEquals("{\"role\":\"grad_norm\",\"split\":\"train\",\"layer\":\"dense1\",\"param\":\"weight\","
        + "\"attributes\":{},\"source\":\"name: Trainscope\"}", meanings.get("grad_norm/dense1"));
    assertEquals("{\"role\":\"loss\",\"split\":\"train\",\"layer\":\"\",\"param\":\"\",\"attributes\":{},"
        + "\"source\":\"name\"}", meanings.get("train/loss"));
    assertEquals("{\"role\":\"metric\",\"split\":\"val\",\"layer\":\"conv2d_1\",\"param\":\"\","
        + "\"attributes\":{\"channel\":\"3\",\"dims\":\"8\"},\"source\":\"metadata\"}", meanings.get("probe/q"));
    // the same in the listing of every run
    assertEquals(meanings.get("probe/q"), meaningOf(json("/api/tags").get("runs").get("mine/blowup"), "probe/q"));
  }

  private static String meaningOf(JsonNode list, String tag) {
    for (JsonNode t : list) {
      if (t.get("tag").asText().equals(tag)) {
        return t.get("meaning").toString();
      }
    }
    return null;
  }

  @Test
  void layers_giveOneHeatmapRowPerLayerInLoggedOrder() throws Exception {
    JsonNode h = json("/api/layers?run=" + q("fx/gen-tensorboardX/scalars") + "&columns=50").get("heatmaps");
    assertEquals(0, h.size(), "no per-layer tags in a plain scalars run");
    assertEquals(400, get("/api/layers?run=x&columns=0").statusCode());
  }

  @Test
  void liveEvents_streamHelloThenUpdates() throws Exception {
    HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
        .header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    String type = r.headers().firstValue("content-type").orElse("");
    assertTrue(type.startsWith("text/event-stream"), type);
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertEquals("event: hello", in.readLine());
      assertTrue(in.readLine().startsWith("data: {\"progress\":"));
    }
  }

  @Test
  void graphs_listedPerRun_viewAndNodeAgreeWithTheFile() throws Exception {
    String run = "fx/guildai/guild/tests/samples/projects/model-proxies/logs";
    JsonNode graphs = json("/api/graphs").get("graphs");
    List<String> ids = new java.util.ArrayList<>();
    graphs.forEach(g -> ids.add(g.get("run").asText() + " " + g.get("source").asText()));
    assertTrue(ids.contains(run + " run_graph") && ids.contains(run + " meta_graph"), ids.toString());
    JsonNode view = json("/api/graph?run=" + q(run) + "&source=run_graph");
    dev.trainscope.graph.ModelGraph g = dev.trainscope.graph.TfGraphs.read(
        store.blob(run, "__run_graph__", store.blobs(run, "__run_graph__").get(0).step(), 0));
    assertEquals(g.nodes().size(), view.get("nodes").asInt());
    assertEquals(g.edges().size(), view.get("edges").asInt());
    int ops = 0;
    for (JsonNode b : view.get("boxes")) {
      ops += b.get("kind").asText().equals("expanded") ? 0 : b.get("ops").asInt();
    }
    assertEquals(g.nodes().size(), ops, "every op is drawn, in its own box or its closed scope's");
    // everything closed, then one scope opened
    JsonNode closed = json("/api/graph?run=" + q(run) + "&source=run_graph&expanded=");
    assertEquals("[]", closed.get("expanded").toString());
    String scope = null;
    for (JsonNode b : closed.get("boxes")) {
      if (b.get("kind").asText().equals("group")) {
        scope = b.get("key").asText();
      }
    }
    String path = scope.substring(0, scope.length() - 1);
    JsonNode opened = json("/api/graph?run=" + q(run) + "&source=run_graph&expand=" + q(path));
    assertEquals("[\"" + path + "\"]", opened.get("expanded").toString());
    JsonNode node = json("/api/graph/node?run=" + q(run) + "&source=run_graph&node=" + q(g.node(0).name()));
    assertEquals(g.node(0).op(), node.get("op").asText());
    assertEquals(JSON.valueToTree(g.node(0).attrs()), node.get("attrs"));
    JsonNode found = json("/api/graph/search?run=" + q(run) + "&source=run_graph&q=" + q(g.node(0).name()));
    assertTrue(found.get("total").asInt() >= 1);
    // by POST, with every scope open
    HttpResponse<String> all = post("/api/graph", "{\"run\": " + JSON.writeValueAsString(run)
        + ", \"source\": \"run_graph\", \"all\": true}");
    assertEquals(200, all.statusCode(), all.body());
    JsonNode allView = JSON.readTree(all.body());
    int opBoxes = 0;
    for (JsonNode b : allView.get("boxes")) {
      opBoxes += b.get("kind").asText().equals("op") ? 1 : 0;
    }
    assertEquals(g.nodes().size(), opBoxes, "every op in its own box");
    HttpResponse<String> one = post("/api/graph", "{\"run\": " + JSON.writeValueAsString(run)
        + ", \"source\": \"run_graph\", \"expand\": [" + JSON.writeValueAsString(path) + "]}");
    assertEquals(opened.get("boxes"), JSON.readTree(one.body()).get("boxes"), "POST and GET give the same view");
    JsonNode meta = json("/api/graph?run=" + q(run) + "&source=meta_graph");
    assertEquals(562, meta.get("nodes").asInt(), "the meta-graph's graph, as TensorBoard's manifest counts it");
  }

  @Test
  void graphs_badQueriesAreClearErrors() throws Exception {
    String run = "fx/guildai/guild/tests/samples/projects/model-proxies/logs";
    assertEquals(404, get("/api/graph?run=nope&source=run_graph").statusCode());
    assertEquals(404, get("/api/graph?run=" + q(run) + "&source=" + q(XSS)).statusCode());
    assertTrue(!get("/api/graph?run=" + q(run) + "&source=" + q(XSS)).headers().firstValue("content-type").orElse("")
        .contains("html"));
    assertEquals(404, get("/api/graph?run=" + q(run) + "&source=onnx:" + q("../../etc/passwd")).statusCode());
    assertEquals(404, get("/api/graph?run=" + q(run) + "&source=keras:nope").statusCode());
    assertEquals(404, get("/api/graph?source=model:x").statusCode(), "no --model given");
    assertEquals(400, get("/api/graph?run=" + q(run)).statusCode(), "source missing");
    assertEquals(404, get("/api/graph/node?run=" + q(run) + "&source=run_graph&node=" + q(XSS)).statusCode());
    assertEquals(400, get("/api/graph/search?run=" + q(run) + "&source=run_graph&q=a&limit=0").statusCode());
    // unknown scopes to open are ignored, not errors
    assertEquals(200, get("/api/graph?run=" + q(run) + "&source=run_graph&expand=" + q(XSS)).statusCode());
    assertEquals(400, post("/api/graph", "not json").statusCode());
    assertEquals(400, post("/api/graph", "[1, 2]").statusCode());
    assertEquals(400, post("/api/graph", "{\"source\": \"run_graph\", \"run\": " + JSON.writeValueAsString(run)
        + ", \"expand\": \"x\"}").statusCode());
    // a run without a graph
    assertEquals(404, get("/api/graph?run=" + q("evil/" + XSS) + "&source=run_graph").statusCode());
  }
}
