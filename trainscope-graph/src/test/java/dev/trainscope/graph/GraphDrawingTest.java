package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainscope.events.proto.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a drawing of a laid-out view must not have, computed from the layout's geometry: edge labels
 * over one another, over a scope's title or over a box, and edges through a scope's title bar. On
 * the TF1 RNN graph of ../shared (MorvanZhou's tf20_RNN2.2, where issue 19 saw "6 tensors" over "4
 * tensors" and bundled edges across the train scope's title) and on the DJL demo's block tree (whose
 * input edge crossed the SequentialBlock title bar). Labels were placed by the page before, beside
 * an edge's longest segment, so the old layout had no label boxes to check.
 */
class GraphDrawingTest {

  /** The GraphDef the RNN tutorial logged last (the run's graph, as the store serves it). */
  static ModelGraph rnnGraph() throws Exception {
    Path root = RealGraphsTest.shared();
    Path dir = root == null ? null : root.resolve("tf1-MorvanZhou-tutorials/tensorflowTUT/tf20_RNN2.2/logs");
    if (dir == null || !Files.isDirectory(dir)) {
      throw new AssertionError("the TF1 RNN graph is missing: ../shared/data/tfevents/tf1-MorvanZhou-tutorials"
          + "/tensorflowTUT/tf20_RNN2.2/logs beside the checkout (or -Dtrainscope.shared=DIR); CI has it");
    }
    List<Path> files;
    try (var s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().contains("tfevents")).sorted().toList();
    }
    Event.GraphDef last = null;
    for (Path f : files) {
      for (Event e : RealGraphsTest.graphEvents(f)) {
        if (e.what() instanceof Event.GraphDef g) {
          last = g;
        }
      }
    }
    return TfGraphs.read(last.bytes());
  }

  /** The DJL demo's CNN as BlockGraph writes it (see its class comment): input, the block's layers, output. */
  static ModelGraph djlDemoGraph() {
    String[][] nodes = {{"input", "Placeholder", "[64, 1, 28, 28]"},
        {"SequentialBlock/conv2d_1", "Conv2d", "[64, 16, 28, 28]"}, {"SequentialBlock/relu_1", "LambdaBlock", "[64, 16, 28, 28]"},
        {"SequentialBlock/maxpool2d_1", "LambdaBlock", "[64, 16, 14, 14]"}, {"SequentialBlock/conv2d_2", "Conv2d", "[64, 32, 14, 14]"},
        {"SequentialBlock/relu_2", "LambdaBlock", "[64, 32, 14, 14]"}, {"SequentialBlock/maxpool2d_2", "LambdaBlock", "[64, 32, 7, 7]"},
        {"SequentialBlock/batchflatten_1", "LambdaBlock", "[64, 1568]"}, {"SequentialBlock/dropout_1", "Dropout", "[64, 1568]"},
        {"SequentialBlock/linear_1", "Linear", "[64, 10]"}, {"output", "Identity", "[64, 10]"}};
    ModelGraph.Builder b = ModelGraph.builder(ModelGraph.Format.TF_GRAPHDEF);
    for (String[] n : nodes) {
      b.add(new ModelGraph.Node(n[0], n[1], "", List.of(n[2]), n[1].equals("Conv2d") || n[1].equals("Linear") ? 416 : 0,
          Map.of()));
    }
    for (int i = 1; i < nodes.length; i++) {
      b.connect(nodes[i - 1][0], 0, nodes[i][0], nodes[i - 1][2], false);
    }
    return b.build();
  }

  static void drawsCleanly(GraphLayout.Layout l) {
    LayoutChecks.boxesInsideTheirScopes(l);
    GraphLayoutTest.endsTouchTheirBoxes(l);
    LayoutChecks.labelsClearOfLabelsTitlesAndBoxes(l);
    LayoutChecks.noEdgeThroughATitle(l);
  }

  @Test
  void tf1RnnGraph_defaultView_labelsAndTitlesClear() throws Exception {
    ScopeTree t = ScopeTree.of(rnnGraph());
    GraphLayout.Layout l = GraphLayout.layout(t, GraphLayout.defaultExpanded(t));
    assertTrue(l.expanded().contains("train"), "the view the issue showed: train open, " + l.expanded());
    List<String> labels = new ArrayList<>();
    l.lines().forEach(x -> labels.add(x.label()));
    assertTrue(labels.contains("6 tensors") && labels.contains("4 tensors"), labels.toString());
    drawsCleanly(l);
  }

  @Test
  void tf1RnnGraph_moreScopesOpen_labelsAndTitlesClear() throws Exception {
    ScopeTree t = ScopeTree.of(rnnGraph());
    Set<String> open = new LinkedHashSet<>(GraphLayout.defaultExpanded(t));
    open.addAll(List.of("in_hidden", "out_hidden", "cost", "inputs"));
    assertTrue(GraphLayout.visibleBoxes(t, open) <= GraphLayout.BIG_VIEW, "a view laid out with its labels");
    GraphLayout.Layout l = GraphLayout.layout(t, open);
    assertEquals(GraphLayout.closeUnder(t, open), l.expanded());
    drawsCleanly(l);
  }

  @Test
  void djlDemoGraph_defaultView_inputEdgeClearOfTheBlocksTitle() {
    ScopeTree t = ScopeTree.of(djlDemoGraph());
    GraphLayout.Layout l = GraphLayout.layout(t, GraphLayout.defaultExpanded(t));
    assertEquals(Set.of("SequentialBlock"), l.expanded());
    drawsCleanly(l);
    GraphLayout.Line in = l.lines().stream().filter(x -> x.from().equals("input")).findFirst().orElseThrow();
    assertEquals("[64, 1, 28, 28]", in.label());
  }

  @Test
  void smallGraph_everyScopeOpen_labelsAndTitlesClear() {
    ScopeTree t = ScopeTree.of(GraphLayoutTest.small());
    drawsCleanly(GraphLayout.layout(t, List.of("a", "b")));
  }
}
