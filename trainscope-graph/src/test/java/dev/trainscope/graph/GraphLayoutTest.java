package dev.trainscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GraphLayoutTest {

  static ModelGraph small() {
    ModelGraph.Builder b = ModelGraph.builder(ModelGraph.Format.TF_GRAPHDEF);
    for (String n : List.of("a/x", "a/y", "b/z", "c", "b")) {
      b.add(new ModelGraph.Node(n, n.equals("c") ? "Out" : "Op", "", List.of("[2]"), n.startsWith("a") ? 10 : 0, Map.of()));
    }
    b.connect("a/x", 0, "a/y", "[2]", false);
    b.connect("a/y", 0, "b/z", "[2]", false);
    b.connect("a/x", 0, "b/z", "[3]", false);
    b.connect("b/z", 0, "c", "[2]", false);
    b.connect("b", 0, "c", "", true);
    return b.build();
  }

  @Test
  void scopesNestAndAnOpNamedLikeAScopeSitsInsideIt() {
    ScopeTree t = ScopeTree.of(small());
    assertEquals(2, t.groupCount());
    assertEquals(Set.of("a", "b"), t.root().groups().stream().map(ScopeTree.Group::path).collect(Collectors.toSet()));
    assertEquals(2, t.group("a", true).opCount());
    assertEquals(20, t.group("a", true).params());
    assertEquals(2, t.group("b", true).opCount(), "b/z and the op b itself");
    assertEquals("b", t.groupOf(4).path());
    assertEquals(5, t.root().opCount());
  }

  @Test
  void collapsedScopesMergeTheirEdges() {
    ScopeTree t = ScopeTree.of(small());
    GraphLayout.Layout l = GraphLayout.layout(t, List.of());
    Map<String, GraphLayout.Box> boxes = boxes(l);
    assertEquals(Set.of("a/", "b/", "c"), boxes.keySet());
    assertEquals(GraphLayout.Kind.GROUP, boxes.get("a/").kind());
    assertEquals(2, boxes.get("a/").ops());
    Map<String, GraphLayout.Line> lines = lines(l);
    assertEquals(Set.of("a/>b/", "b/>c"), lines.keySet());
    assertEquals(2, lines.get("a/>b/").count());
    assertEquals("2 tensors", lines.get("a/>b/").label(), "two shapes merged");
    assertEquals(2, lines.get("b/>c").count());
    assertTrue(!lines.get("b/>c").control(), "a data edge among them: not drawn as control");
    LayoutChecks.boxesInsideTheirScopes(l);
    endsTouchTheirBoxes(l);
  }

  @Test
  void anExpandedScopeHoldsItsOpsAndEdgesCrossItsBorder() {
    ScopeTree t = ScopeTree.of(small());
    GraphLayout.Layout l = GraphLayout.layout(t, List.of("a", "no/such/scope"));
    Map<String, GraphLayout.Box> boxes = boxes(l);
    assertEquals(Set.of("a/", "a/x", "a/y", "b/", "c"), boxes.keySet());
    assertEquals(GraphLayout.Kind.EXPANDED, boxes.get("a/").kind());
    assertEquals("a/", boxes.get("a/x").parent());
    assertEquals(Set.of("a/x>a/y", "a/y>b/", "a/x>b/", "b/>c"), lines(l).keySet());
    assertEquals("[2]", lines(l).get("a/y>b/").label());
    assertEquals(Set.of("a"), l.expanded());
    LayoutChecks.boxesInsideTheirScopes(l);
    endsTouchTheirBoxes(l);
    // a layer below the other: the graph flows downwards
    assertTrue(boxes.get("a/y").y() > boxes.get("a/x").y());
    assertTrue(boxes.get("c").y() > boxes.get("b/").y());
  }

  @Test
  void anOpNamedLikeAnOpenScopeHasItsOwnBox() {
    ScopeTree t = ScopeTree.of(small());
    GraphLayout.Layout l = GraphLayout.layout(t, List.of("b"));
    Map<String, GraphLayout.Box> boxes = boxes(l);
    assertEquals(GraphLayout.Kind.EXPANDED, boxes.get("b/").kind());
    assertEquals(GraphLayout.Kind.OP, boxes.get("b").kind());
    assertEquals("b/", boxes.get("b").parent());
    assertTrue(lines(l).get("b>c").control());
    LayoutChecks.boxesInsideTheirScopes(l);
    endsTouchTheirBoxes(l);
  }

  @Test
  void nestedExpansionNeedsItsParentsAndGetsThem() {
    ModelGraph.Builder b = ModelGraph.builder(ModelGraph.Format.TF_GRAPHDEF);
    b.add(new ModelGraph.Node("m/l1/conv", "Conv2D", "", List.of(), 0, Map.of()));
    b.add(new ModelGraph.Node("m/l1/relu", "Relu", "", List.of(), 0, Map.of()));
    b.add(new ModelGraph.Node("m/l2/dense", "MatMul", "", List.of(), 0, Map.of()));
    b.connect("m/l1/conv", 0, "m/l1/relu", "", false);
    b.connect("m/l1/relu", 0, "m/l2/dense", "", false);
    ScopeTree t = ScopeTree.of(b.build());
    GraphLayout.Layout l = GraphLayout.layout(t, List.of("m/l1"));
    assertEquals(Set.of("m", "m/l1"), l.expanded());
    assertEquals(Set.of("m/", "m/l1/", "m/l1/conv", "m/l1/relu", "m/l2/dense"), boxes(l).keySet(),
        "a closed scope of one op shows the op");
    assertEquals("l2/dense", boxes(l).get("m/l2/dense").label());
    assertEquals("m/", boxes(l).get("m/l2/dense").parent());
    LayoutChecks.boxesInsideTheirScopes(l);
    endsTouchTheirBoxes(l);
    assertEquals(Set.of("m", "m/l1"), GraphLayout.defaultExpanded(t), "a small graph opens fully");
  }

  @Test
  void visibleBoxes_countsWhatTheLayoutDraws() {
    ScopeTree t = ScopeTree.of(small());
    for (List<String> open : List.of(List.<String>of(), List.of("a"), List.of("b"), List.of("a", "b"))) {
      assertEquals(GraphLayout.layout(t, open).boxes().size(), GraphLayout.visibleBoxes(t, open), open.toString());
    }
    assertEquals(3, GraphLayout.visibleBoxes(t, List.of()), "a/, b/ and c");
    assertEquals(2 + 2 + 2 + 1, GraphLayout.visibleBoxes(t, List.of("a", "b")), "two open scopes, their four ops, c");
  }

  @Test
  void layout_cancelled_throwsAndAsksAgainBetweenPhases() {
    ScopeTree t = ScopeTree.of(small());
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    org.junit.jupiter.api.Assertions.assertThrows(GraphLayout.LayoutCancelledException.class,
        () -> GraphLayout.layout(t, List.of("a", "b"), -1, () -> asked.incrementAndGet() > 3));
    assertTrue(asked.get() > 3, "ELK's phases asked the monitor: " + asked.get());
    assertEquals(7, GraphLayout.layout(t, List.of("a", "b"), -1, () -> false).boxes().size());
  }

  /** Each edge starts on its source box's border and ends on its target's: coordinates are absolute. */
  static void endsTouchTheirBoxes(GraphLayout.Layout l) {
    Map<String, GraphLayout.Box> boxes = boxes(l);
    for (GraphLayout.Line line : l.lines()) {
      double[] first = line.points().get(0);
      double[] last = line.points().get(line.points().size() - 1);
      assertTrue(onBorder(boxes.get(line.from()), first), line.from() + ">" + line.to() + " starts off its box");
      assertTrue(onBorder(boxes.get(line.to()), last), line.from() + ">" + line.to() + " ends off its box");
    }
  }

  private static boolean onBorder(GraphLayout.Box b, double[] p) {
    double e = 1.5;
    boolean inX = p[0] >= b.x() - e && p[0] <= b.x() + b.width() + e;
    boolean inY = p[1] >= b.y() - e && p[1] <= b.y() + b.height() + e;
    boolean nearEdge = Math.abs(p[0] - b.x()) < e || Math.abs(p[0] - b.x() - b.width()) < e
        || Math.abs(p[1] - b.y()) < e || Math.abs(p[1] - b.y() - b.height()) < e;
    return inX && inY && nearEdge;
  }

  static Map<String, GraphLayout.Box> boxes(GraphLayout.Layout l) {
    return l.boxes().stream().collect(Collectors.toMap(GraphLayout.Box::key, Function.identity()));
  }

  static Map<String, GraphLayout.Line> lines(GraphLayout.Layout l) {
    return l.lines().stream().collect(Collectors.toMap(x -> x.from() + ">" + x.to(), Function.identity()));
  }
}
