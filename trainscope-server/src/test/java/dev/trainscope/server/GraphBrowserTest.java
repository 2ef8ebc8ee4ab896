package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Download;
import dev.trainscope.graph.ModelGraph;
import dev.trainscope.graph.TfGraphs;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Graph tab in a real browser, over a TF1 FileWriter graph with histograms in its name scopes
 * (testdata's tf15_tensorboard), a tensorboardX CNN graph and an ONNX file beside a run's event
 * file: the drawing has the boxes the API laid out, a scope opens on a click, search finds a node
 * and opens the scopes around it, the side panel shows the node's attributes as the file holds
 * them and the histograms of its layer, and the drawing downloads as SVG and PNG.
 */
@ExtendWith(Chromium.Tests.class)
class GraphBrowserTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TF15 = "tf15";
  static Served served;
  static Chromium chromium;
  static Path tf15File;

  @BeforeAll
  static void start(Chromium browser, @TempDir Path dir) throws Exception {
    chromium = browser;
    Path src = Served.testdata().resolve("tf1-MorvanZhou-tutorials/tensorflowTUT/tf15_tensorboard/logs");
    Files.createDirectories(dir.resolve(TF15));
    try (var s = Files.list(src)) {
      for (Path f : s.toList()) {
        tf15File = Files.copy(f, dir.resolve(TF15).resolve(f.getFileName()));
      }
    }
    Path cnn = Served.testdata().resolve("gen-tensorboardX/graph");
    Files.createDirectories(dir.resolve("cnn"));
    try (var s = Files.list(cnn)) {
      for (Path f : s.toList()) {
        Files.copy(f, dir.resolve("cnn").resolve(f.getFileName()));
      }
    }
    // an ONNX file saved beside a run's event files
    Path onnxRun = Files.createDirectories(dir.resolve("onnx"));
    Files.copy(Path.of("../trainscope-graph/src/test/resources/onnx/small_cnn.onnx"), onnxRun.resolve("small_cnn.onnx"));
    Files.write(onnxRun.resolve("events.out.tfevents.1.host"), new byte[0]);
    served = Served.loaded(dir);
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(served.base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String show(String run, String source) {
    return "tab=graph&x.graph=" + q(run + "\n" + source);
  }

  static Set<String> keysOnPage(DashboardPage p) {
    JsonNode keys = p.json("() => [...document.querySelectorAll('g.graph-box')].map(g => g.dataset.key)", null);
    Set<String> out = new HashSet<>();
    keys.forEach(k -> out.add(k.asText()));
    return out;
  }

  static void waitReady(DashboardPage p) {
    p.waitFor("() => document.querySelector('.graph-tab')?.dataset.state === 'ready'", null);
  }

  @Test
  void theDrawingHasTheLaidOutBoxes_andAScopeOpensOnAClick() throws Exception {
    JsonNode sources = get("/api/graphs").get("graphs");
    Set<String> ids = new HashSet<>();
    sources.forEach(s -> ids.add(s.get("run").asText() + " " + s.get("source").asText()));
    assertEquals(Set.of("tf15 run_graph", "tf15 meta_graph", "cnn run_graph", "onnx onnx:small_cnn.onnx"), ids);

    JsonNode view = get("/api/graph?run=tf15&source=run_graph");
    Set<String> want = new HashSet<>();
    view.get("boxes").forEach(b -> want.add(b.get("key").asText()));
    try (DashboardPage p = chromium.open(served.base)) {
      p.open(show(TF15, "run_graph"));
      waitReady(p);
      assertEquals(want, keysOnPage(p));
      assertEquals(view.get("lines").size(), p.locator("g.graph-edge").count());
      String group = p.json("() => document.querySelector(\"g.graph-box[data-kind='group']\").dataset.key", null).asText();
      int ops = get("/api/graph/node?run=tf15&source=run_graph&node=" + q(group)).get("ops").asInt();
      p.locator("g.graph-box[data-key='" + group + "']").click();
      p.waitFor("k => document.querySelector(`g.graph-box[data-kind='expanded'][data-key='${k}']`)", group);
      waitReady(p);
      JsonNode inside = p.json("k => [...document.querySelectorAll('g.graph-box')].filter(g => g.getAttribute('data-key').startsWith(k)"
          + " && g.getAttribute('data-key') !== k).length", group);
      assertTrue(inside.asInt() >= 1 && inside.asInt() <= ops, "the scope's contents are drawn: " + inside);
      // clicking its title bar closes it again
      p.locator("g.graph-box[data-key='" + group + "'] .graph-header").click();
      p.waitFor("k => document.querySelector(`g.graph-box[data-kind='group'][data-key='${k}']`)", group);
      p.assertNoErrors();
    }
  }

  @Test
  void searchFindsANode_andThePanelShowsItsAttributesAsTheFileHasThem() throws Exception {
    ModelGraph g = TfGraphs.read(served.store.blob(TF15, "__run_graph__", served.store.blobs(TF15, "__run_graph__").get(0).step(), 0));
    ModelGraph.Node target = g.nodes().stream().filter(n -> n.name().endsWith("/Wx_plus_b/Add") || n.name().endsWith("/MatMul"))
        .filter(n -> n.name().contains("/")).findFirst().orElseThrow();
    try (DashboardPage p = chromium.open(served.base)) {
      p.open(show(TF15, "run_graph"));
      waitReady(p);
      assertTrue(!keysOnPage(p).contains(target.name()), "hidden in a collapsed scope at first");
      p.locator("input.graph-search").fill(target.name());
      p.locator("li.graph-hit[data-name='" + target.name() + "'] button").click();
      p.waitFor("k => document.querySelector(`g.graph-box.selected[data-key='${k}']`)", target.name());
      p.waitFor("k => document.querySelector(`aside.graph-panel[data-key='${k}'][data-state='ready']`)", target.name());
      JsonNode rows = p.json("() => Object.fromEntries([...document.querySelectorAll('aside.graph-panel table tr')]"
          + ".map(r => [r.querySelector('th').textContent, r.querySelector('td').textContent]))", null);
      assertEquals(target.op(), rows.get("op").asText());
      for (var e : target.attrs().entrySet()) {
        assertEquals(e.getValue(), rows.get(e.getKey()).asText(), "attribute " + e.getKey());
      }
      p.assertNoErrors();
    }
  }

  @Test
  void aLayerShowsItsHistograms_andTheDrawingDownloads() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open(show(TF15, "run_graph"));
      waitReady(p);
      // open in the default view (click its title bar) or closed (click the box): either selects it
      String kind = p.json("() => document.querySelector(\"g.graph-box[data-key='layer1/']\").dataset.kind", null).asText();
      p.locator("g.graph-box[data-key='layer1/']" + (kind.equals("expanded") ? " .graph-header" : "")).click();
      p.waitFor("() => document.querySelector(\"aside.graph-panel[data-key='layer1/'][data-state='ready']\")", null);
      JsonNode hist = p.json("() => [...document.querySelectorAll('aside.graph-panel .graph-hist')].map(h => h.dataset.tag)", null);
      Set<String> tags = new HashSet<>();
      hist.forEach(h -> tags.add(h.asText()));
      assertTrue(tags.contains("layer1/weights/layer1/weights") && tags.contains("layer1/biases/layer1/biases"), tags.toString());

      Download svg = p.page.waitForDownload(() -> p.locator(".graph-toolbar button:text('SVG')").click());
      String text = Files.readString(svg.path());
      assertTrue(text.startsWith("<svg"), text.substring(0, Math.min(80, text.length())));
      assertTrue(text.contains(">layer1<") || text.contains("layer1"), "the scope's label is in the SVG");
      Download png = p.page.waitForDownload(() -> p.locator(".graph-toolbar button:text('PNG')").click());
      byte[] bytes = Files.readAllBytes(png.path());
      assertEquals(List.of(0x89, (int) 'P', (int) 'N', (int) 'G'), List.of(bytes[0] & 0xff, (int) bytes[1], (int) bytes[2], (int) bytes[3]));
      java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.path().toFile());
      assertTrue(img.getWidth() > 100 && img.getHeight() > 100, img.getWidth() + "x" + img.getHeight());
      p.assertNoErrors();
    }
  }

  @Test
  void anOnnxFileBesideTheRunOpens() throws Exception {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open(show("onnx", "onnx:small_cnn.onnx"));
      waitReady(p);
      assertTrue(p.locator(".graph-status").textContent().startsWith("ONNX model"), p.locator(".graph-status").textContent());
      assertTrue(keysOnPage(p).contains("conv1/") || keysOnPage(p).contains("conv1/Conv"), keysOnPage(p).toString());
      if (Boolean.getBoolean("trainscope.screenshots")) {
        p.page.setViewportSize(1400, 900);
        p.screenshot(Path.of("../docs/screenshots/graph-onnx.png"));
      }
      p.assertNoErrors();
    }
  }

  /** A graph whose layers are the ones a diagnosed run's tags name: the faulty layers carry a mark. */
  @Test
  void layersWithFindingsAreMarked_andThePanelListsTheFindings(@TempDir Path logdir) throws Exception {
    java.util.List<dev.trainscope.events.proto.NodeDef> nodes = new java.util.ArrayList<>();
    String prev = null;
    for (String n : List.of("input", "net/dense0", "net/relu0", "net/dense1", "net/relu1", "net/dense2", "output")) {
      nodes.add(new dev.trainscope.events.proto.NodeDef(n, n.contains("dense") ? "Linear" : "Op",
          prev == null ? List.of() : List.of(prev), "", java.util.Map.of()));
      prev = n;
    }
    try (dev.trainscope.writer.SummaryWriter log = dev.trainscope.writer.SummaryWriter.create(logdir.resolve("broken"))) {
      log.graph(new dev.trainscope.events.proto.GraphDefProto(nodes, 0, List.of()));
      FindingsBrowserTest.faulty(log, 200);
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      JsonNode f = JSON.createObjectNode();
      for (int i = 0; i < 100; i++) {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.base + "/api/findings")).build(),
            HttpResponse.BodyHandlers.ofString());
        f = JSON.readTree(r.body()).get("findings");
        if (f.size() > 0) {
          break;
        }
        Thread.sleep(100);
      }
      Set<String> faultyLayers = new HashSet<>();
      f.forEach(x -> {
        if (!x.get("layer").asText().isEmpty()) {
          faultyLayers.add(x.get("layer").asText());
        }
        x.get("tags").forEach(t -> {
          if (t.asText().startsWith("grad_norm/dense0") || t.asText().startsWith("grad_norm/dense1")) {
            faultyLayers.add(t.asText().substring("grad_norm/".length()));
          }
        });
      });
      assertTrue(faultyLayers.contains("dense0"), "the diagnosis blames the first layer: " + f);
      p.open(show("broken", "run_graph"));
      waitReady(p);
      p.waitFor("() => document.querySelector(\"g.graph-box.has-finding[data-key='net/dense0']\")", null);
      assertTrue(p.locator("g.graph-box.has-finding[data-key='net/dense2']").count() == 0, "the healthy layer is not marked");
      p.locator("g.graph-box[data-key='net/dense0']").click();
      p.waitFor("() => document.querySelector(\"aside.graph-panel[data-key='net/dense0'][data-state='ready'] .graph-findings li\")", null);
      String text = p.locator("aside.graph-panel .graph-findings").textContent();
      assertTrue(text.contains("Try:"), text);
      if (Boolean.getBoolean("trainscope.screenshots")) {
        p.page.setViewportSize(1400, 900);
        p.screenshot(Path.of("../docs/screenshots/graph-findings.png"));
      }
      p.assertNoErrors();
    }
  }

  /** A view bigger than SVG_MAX_BOXES is painted on a canvas: clicks still hit boxes, zoom repaints, PNG downloads. */
  @Test
  void aBigViewIsPaintedOnACanvasAndStillAnswersClicks(@TempDir Path logdir) throws Exception {
    java.util.List<dev.trainscope.events.proto.NodeDef> nodes = new java.util.ArrayList<>();
    // 40 blocks side by side, each a chain of 40 ops: cheap to lay out, 1,641 boxes with everything open
    for (int b = 0; b < 40; b++) {
      String prev = null;
      for (int j = 0; j < 40; j++) {
        String name = "net/block" + b + (j == 39 ? "/out" : "/op" + j);
        nodes.add(new dev.trainscope.events.proto.NodeDef(name, j % 3 == 0 ? "Conv2D" : "Relu",
            prev == null ? List.of() : List.of(prev), "", java.util.Map.of()));
        prev = name;
      }
    }
    try (dev.trainscope.writer.SummaryWriter log = dev.trainscope.writer.SummaryWriter.create(logdir.resolve("big"))) {
      log.graph(new dev.trainscope.events.proto.GraphDefProto(nodes, 0, List.of()));
    }
    try (Served s = Served.loaded(logdir); DashboardPage p = chromium.open(s.base)) {
      p.open(show("big", "run_graph"));
      waitReady(p);
      assertEquals("svg", p.json("() => document.querySelector('.graph-surface').dataset.renderer", null).asText());
      p.locator(".graph-toolbar button:text('Expand all')").click();
      p.waitFor("() => document.querySelector('.graph-surface').dataset.renderer === 'canvas'"
          + " && +document.querySelector('.graph-surface').dataset.painted > 0", null, 90_000);
      waitReady(p);
      assertEquals(0, p.locator("g.graph-box").count(), "no SVG elements for a canvas view");
      // zoom in on a box, then click its middle: the panel opens for it
      String target = "net/block3/op7";
      JsonNode at = p.json("""
          k => { const v = document.querySelector('.graph-surface').__graphView; v.focus(k); v.paint();
            const b = v.data.boxes.find(x => x.key === k); const r = v.surface.getBoundingClientRect();
            return { x: r.left + v.tx + (b.x + b.w / 2) * v.k, y: r.top + v.ty + (b.y + b.h / 2) * v.k, boxes: v.data.boxes.length }; }""",
          target);
      assertTrue(at.get("boxes").asInt() > 1500, at.toString());
      p.page.mouse().click(at.get("x").asDouble(), at.get("y").asDouble());
      p.waitFor("k => document.querySelector(`aside.graph-panel[data-key='${k}'][data-state='ready']`)", target);
      int painted = p.json("() => +document.querySelector('.graph-surface').dataset.painted", null).asInt();
      p.page.mouse().wheel(0, -300);
      p.waitFor("n => +document.querySelector('.graph-surface').dataset.painted > n", painted);
      Download png = p.page.waitForDownload(() -> p.locator(".graph-toolbar button:text('PNG')").click());
      java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.path().toFile());
      JsonNode size = p.json("() => { const d = document.querySelector('.graph-surface').__graphView.data;"
          + " return [d.width + 20, d.height + 20]; }", null);
      double scale = img.getWidth() / size.get(0).asDouble();
      assertTrue(scale > 0.2 && scale <= 2.01, "the whole drawing, scaled: " + img.getWidth() + "x" + img.getHeight() + " for " + size);
      assertEquals(size.get(1).asDouble() * scale, img.getHeight(), 2 + scale, "the drawing's proportions");
      Download svgFile = p.page.waitForDownload(() -> p.locator(".graph-toolbar button:text('SVG')").click());
      String text = Files.readString(svgFile.path());
      assertEquals(at.get("boxes").asInt(), text.split("<g transform=", -1).length - 1, "one group per box in the SVG");
      assertTrue(text.contains(">op7<") && text.startsWith("<svg"), "the ops' labels are in the SVG");
      p.assertNoErrors();
    }
  }

  /**
   * With {@code -Dtrainscope.screenshots=true -Dtrainscope.screenshotGraphLogdir=DIR} (a demo run's
   * log directory), rewrites docs/screenshots/graph-djl.png: the DJL block tree with conv2d_1 selected.
   */
  @org.junit.jupiter.api.Tag("screenshots")
  @Test
  void screenshot_ofADemoRunsGraph() throws Exception {
    String dir = System.getProperty("trainscope.screenshotGraphLogdir", "");
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("trainscope.screenshots") && !dir.isEmpty(),
        "SKIPPED: needs -Dtrainscope.screenshots=true and -Dtrainscope.screenshotGraphLogdir=DIR");
    try (Served s = Served.loaded(Path.of(dir)); DashboardPage p = chromium.open(s.base)) {
      String run = s.store.runs().get(0).name();
      p.open(show(run, "run_graph") + "&x.gnode=" + q("SequentialBlock/conv2d_1"));
      waitReady(p);
      p.waitFor("() => document.querySelector(\"aside.graph-panel[data-state='ready'] .graph-hist\")", null);
      Thread.sleep(1500); // the histograms draw
      p.screenshot(Path.of("../docs/screenshots/graph-djl.png"));
      p.assertNoErrors();
    }
  }
}
