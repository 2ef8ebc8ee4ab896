package dev.trainscope.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import dev.trainscope.writer.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Graph tab's drawing, measured in the page's SVG: edge labels (their rendered text) overlap no
 * other label, no scope title bar and no box; no edge segment runs through a title bar; an arrowhead
 * is as long as {@code 5 x} its edge's stroke width, so a thin edge never wears a big one, and covers
 * no title. Over the TF1 RNN graph of ../shared (issue 19 saw "6 tensors" over "4 tensors" there,
 * and bundled edges with big arrowheads over the train scope's title; before the fix an edge ran
 * through that title bar and arrowheads were 7 stroke widths long, up to 28 px) and the DJL demo's
 * block tree (before the fix the input edge's label lay over the SequentialBlock title bar and the
 * edge ran through it).
 */
@ExtendWith(Chromium.Tests.class)
class GraphDrawingBrowserTest {
  static Served served;
  static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser, @TempDir Path dir) throws Exception {
    chromium = browser;
    Path shared = Served.shared();
    Path rnn = shared == null ? null : shared.resolve("tf1-MorvanZhou-tutorials/tensorflowTUT/tf20_RNN2.2/logs");
    if (rnn == null || !Files.isDirectory(rnn)) {
      throw new AssertionError("the TF1 RNN graph is missing: ../shared/data/tfevents/tf1-MorvanZhou-tutorials"
          + "/tensorflowTUT/tf20_RNN2.2/logs beside the checkout (or -Dtrainscope.shared=DIR); CI has it");
    }
    Served.copyRun(rnn, dir, "rnn");
    try (SummaryWriter log = SummaryWriter.create(dir.resolve("djl"))) {
      log.graph(djlDemoGraph());
    }
    served = Served.loaded(dir);
  }

  @AfterAll
  static void stop() {
    if (served != null) {
      served.close();
    }
  }

  /** The GraphDef the DJL listener writes for the demo's CNN (BlockGraph's class comment). */
  static GraphDefProto djlDemoGraph() {
    Object[][] nodes = {{"input", "Placeholder", new long[] {64, 1, 28, 28}},
        {"SequentialBlock/conv2d_1", "Conv2d", new long[] {64, 16, 28, 28}},
        {"SequentialBlock/relu_1", "LambdaBlock", new long[] {64, 16, 28, 28}},
        {"SequentialBlock/maxpool2d_1", "LambdaBlock", new long[] {64, 16, 14, 14}},
        {"SequentialBlock/conv2d_2", "Conv2d", new long[] {64, 32, 14, 14}},
        {"SequentialBlock/relu_2", "LambdaBlock", new long[] {64, 32, 14, 14}},
        {"SequentialBlock/maxpool2d_2", "LambdaBlock", new long[] {64, 32, 7, 7}},
        {"SequentialBlock/batchflatten_1", "LambdaBlock", new long[] {64, 1568}},
        {"SequentialBlock/dropout_1", "Dropout", new long[] {64, 1568}},
        {"SequentialBlock/linear_1", "Linear", new long[] {64, 10}},
        {"output", "Identity", new long[] {64, 10}}};
    List<NodeDef> defs = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      defs.add(new NodeDef((String) nodes[i][0], (String) nodes[i][1], i == 0 ? List.of() : List.of((String) nodes[i - 1][0]),
          "", Map.of("_output_shapes", AttrValue.shapes(List.of(TensorShape.of((long[]) nodes[i][2]))))));
    }
    return new GraphDefProto(defs, 0, List.of());
  }

  /** What the page drew, in the scene's coordinates. */
  static JsonNode drawing(DashboardPage p) {
    p.waitFor("() => document.querySelector('.graph-tab')?.dataset.state === 'ready'", null);
    return p.json("""
        () => {
          const at = g => { const m = g.transform.baseVal.consolidate(); return m ? [m.matrix.e, m.matrix.f] : [0, 0]; };
          const rect = (r, off) => { const b = r.getBBox(); return [b.x + off[0], b.y + off[1], b.width, b.height]; };
          const nums = d => d.match(/-?[0-9.]+(e-?[0-9]+)?/g).map(Number);
          const out = { labels: [], titles: [], boxes: [], edges: [] };
          for (const g of document.querySelectorAll('g.graph-box')) {
            const off = at(g);
            if (g.dataset.kind === 'expanded') out.titles.push({ key: g.dataset.key, r: rect(g.querySelector('.graph-header-bar'), off) });
            else out.boxes.push({ key: g.dataset.key, r: rect(g.querySelector('rect'), off) });
          }
          for (const g of document.querySelectorAll('g.graph-edge')) {
            const line = g.querySelector('path:not(.graph-arrowhead)');
            const head = g.querySelector('.graph-arrowhead');
            const label = g.querySelector('.graph-edge-label');
            const name = g.dataset.from + ' > ' + g.dataset.to;
            if (label) out.labels.push({ name: name + ' "' + label.textContent + '"', r: rect(label, [0, 0]) });
            out.edges.push({ name, width: Number(line.getAttribute('stroke-width')), points: nums(line.getAttribute('d')),
              head: head ? nums(head.getAttribute('d')) : null, headBox: head ? rect(head, [0, 0]) : null });
          }
          return out;
        }""", null);
  }

  static double[] r(JsonNode n) {
    return new double[] {n.get(0).asDouble(), n.get(1).asDouble(), n.get(2).asDouble(), n.get(3).asDouble()};
  }

  static boolean overlap(double[] a, double[] b) {
    double e = 0.5;
    return a[0] + e < b[0] + b[2] && b[0] + e < a[0] + a[2] && a[1] + e < b[1] + b[3] && b[1] + e < a[1] + a[3];
  }

  /** Whether the segment runs through the rectangle's inside (Liang-Barsky clipping against it shrunk by a hair). */
  static boolean crosses(double[] r, double x1, double y1, double x2, double y2) {
    double e = 0.5;
    double lo = 0;
    double hi = 1;
    double[] p = {-(x2 - x1), x2 - x1, -(y2 - y1), y2 - y1};
    double[] q = {x1 - (r[0] + e), (r[0] + r[2] - e) - x1, y1 - (r[1] + e), (r[1] + r[3] - e) - y1};
    for (int i = 0; i < 4; i++) {
      if (p[i] == 0) {
        if (q[i] < 0) {
          return false;
        }
      } else if (p[i] < 0) {
        lo = Math.max(lo, q[i] / p[i]);
      } else {
        hi = Math.min(hi, q[i] / p[i]);
      }
    }
    return lo < hi;
  }

  static void drawnCleanly(JsonNode d) {
    List<JsonNode> labels = new ArrayList<>();
    d.get("labels").forEach(labels::add);
    assertTrue(labels.size() > 3, "labels drawn: " + labels.size());
    for (int i = 0; i < labels.size(); i++) {
      double[] a = r(labels.get(i).get("r"));
      for (int j = i + 1; j < labels.size(); j++) {
        assertTrue(!overlap(a, r(labels.get(j).get("r"))), labels.get(i).get("name") + " overlaps " + labels.get(j).get("name"));
      }
      for (JsonNode t : d.get("titles")) {
        assertTrue(!overlap(a, r(t.get("r"))), labels.get(i).get("name") + " overlaps the title of " + t.get("key"));
      }
      for (JsonNode b : d.get("boxes")) {
        assertTrue(!overlap(a, r(b.get("r"))), labels.get(i).get("name") + " overlaps box " + b.get("key"));
      }
    }
    for (JsonNode e : d.get("edges")) {
      JsonNode p = e.get("points");
      for (int i = 0; i + 3 < p.size(); i += 2) {
        for (JsonNode t : d.get("titles")) {
          assertTrue(!crosses(r(t.get("r")), p.get(i).asDouble(), p.get(i + 1).asDouble(), p.get(i + 2).asDouble(),
              p.get(i + 3).asDouble()), e.get("name") + " runs through the title bar of " + t.get("key"));
        }
      }
    }
    for (JsonNode e : d.get("edges")) {
      JsonNode h = e.get("head");
      assertTrue(h != null && h.size() == 6, e.get("name") + " has an arrowhead");
      double w = e.get("width").asDouble();
      double length = Math.hypot(h.get(0).asDouble() - (h.get(2).asDouble() + h.get(4).asDouble()) / 2,
          h.get(1).asDouble() - (h.get(3).asDouble() + h.get(5).asDouble()) / 2);
      double across = Math.hypot(h.get(2).asDouble() - h.get(4).asDouble(), h.get(3).asDouble() - h.get(5).asDouble());
      assertEquals(5 * w, length, 0.05, e.get("name") + ": arrowhead length for stroke width " + w);
      assertEquals(4 * w, across, 0.05, e.get("name") + ": arrowhead width for stroke width " + w);
      assertTrue(w >= 1 && w <= 3, e.get("name") + " width " + w);
      for (JsonNode t : d.get("titles")) {
        assertTrue(!overlap(r(e.get("headBox")), r(t.get("r"))), e.get("name") + "'s arrowhead covers the title of " + t.get("key"));
      }
    }
  }

  @Test
  void tf1RnnGraph_labelsTitlesAndArrowheadsClear() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=graph&x.graph=" + GraphBrowserTest.q("rnn\nrun_graph"));
      JsonNode d = drawing(p);
      List<String> names = new ArrayList<>();
      d.get("labels").forEach(l -> names.add(l.get("name").asText()));
      assertTrue(names.stream().anyMatch(n -> n.endsWith("\"6 tensors\"")) && names.stream().anyMatch(n -> n.endsWith("\"4 tensors\"")),
          names.toString());
      assertTrue(d.get("titles").size() >= 1, "the train scope is open");
      List<Double> widths = new ArrayList<>();
      d.get("edges").forEach(e -> widths.add(e.get("width").asDouble()));
      assertTrue(widths.contains(1.0) && widths.stream().anyMatch(w -> w > 2), "thin and bundled edges: " + widths);
      drawnCleanly(d);
      p.assertNoErrors();
    }
  }

  @Test
  void djlDemoGraph_inputEdgeClearOfTheBlocksTitle() {
    try (DashboardPage p = chromium.open(served.base)) {
      p.open("tab=graph&x.graph=" + GraphBrowserTest.q("djl\nrun_graph"));
      JsonNode d = drawing(p);
      assertEquals("SequentialBlock/", d.get("titles").get(0).get("key").asText());
      drawnCleanly(d);
      p.assertNoErrors();
    }
  }
}
