package dev.trainscope.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.options.HierarchyHandling;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays out what is visible of a graph for a set of expanded scopes, with the Eclipse Layout
 * Kernel's layered algorithm (Sugiyama style: layers top to bottom, crossings minimised, edges
 * routed orthogonally). Edge labels are ELK's own (centre labels: a place of their own in a layer
 * between the edge's ends, so they overlap no box, title or other label); an open scope's title is
 * drawn in its top left corner, {@link #titleWidth} wide and {@value #TITLE_HEIGHT} high, over a left
 * padding as wide, so no edge runs through it.
 *
 * <p>A collapsed scope is one box standing for all the ops below it; an expanded scope is a box
 * holding its visible children. Edges between ops hidden in the same collapsed scope disappear;
 * edges between the same two visible boxes are merged and counted. ELK lays out the whole hierarchy
 * in one pass ({@code INCLUDE_CHILDREN}), so edges may cross scope borders.
 *
 * <p>Coordinates in the result are absolute, in pixels, origin at the top left.
 */
public final class GraphLayout {

  static {
    LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
  }

  /** What a box on the screen stands for. */
  public enum Kind { OP, GROUP, EXPANDED }

  /**
   * One box.
   *
   * @param key the node's name for an op; the scope's path and a '/' for a scope ({@code "conv1/"}),
   *     so that an op named like a scope (TensorFlow allows {@code a} beside {@code a/b}) keeps its own key
   * @param parent the key of the expanded scope that holds it ("" for the top level)
   * @param ops ops the box stands for (1 for an op)
   */
  public record Box(Kind kind, String key, String label, String op, String parent, double x, double y,
      double width, double height, int ops, long params, String shape) {}

  /**
   * A merged edge: {@code count} model edges between two boxes, drawn along {@code points}, its
   * label (if any) in the box {@code labelBox} ({x, y, width, height}) that the layout kept clear of
   * boxes, title bars and other labels; null when the label has no place of its own (views over
   * {@value #BIG_VIEW} boxes are laid out without them).
   */
  public record Line(String from, String to, List<double[]> points, String label, int count, boolean control,
      double[] labelBox) {}

  /** A laid-out view. */
  public record Layout(List<Box> boxes, List<Line> lines, double width, double height, Set<String> expanded,
      long layoutNanos) {}

  static final double CHAR_WIDTH = 7.2;
  static final double OP_HEIGHT = 30;
  static final double GROUP_HEIGHT = 44;
  static final double HEADER = 26;
  /** How high an open scope's title bar is drawn. */
  public static final double TITLE_HEIGHT = 24;

  private GraphLayout() {}

  /** The default view opens scopes while it shows at most this many boxes. */
  static final int DEFAULT_VIEW_BOXES = 24;

  /**
   * The scopes to open when a graph is first shown: the biggest closed scope first, as long as the
   * view stays within {@value #DEFAULT_VIEW_BOXES} boxes (and always when it shows a single box), so
   * that a model wrapped in a name scope or two opens to its layers and a big graph shows its
   * outline.
   */
  public static Set<String> defaultExpanded(ScopeTree tree) {
    Set<String> open = new LinkedHashSet<>();
    java.util.PriorityQueue<ScopeTree.Group> closed = new java.util.PriorityQueue<>(
        (a, b) -> a.opCount() != b.opCount() ? Integer.compare(b.opCount(), a.opCount()) : a.path().compareTo(b.path()));
    for (ScopeTree.Group c : tree.root().groups()) {
      if (c.opCount() > 1) {
        closed.add(c);
      }
    }
    int visible = tree.root().groups().size() + tree.root().ops().size();
    while (!closed.isEmpty()) {
      ScopeTree.Group g = closed.poll();
      int after = visible - 1 + g.groups().size() + g.ops().size();
      if (after > DEFAULT_VIEW_BOXES && visible > 1) {
        break;
      }
      open.add(g.path());
      visible = after;
      for (ScopeTree.Group c : g.groups()) {
        if (c.opCount() > 1) { // a scope of one op shows as that op: nothing to open
          closed.add(c);
        }
      }
    }
    return open;
  }

  /**
   * Lays out a tiny graph once, so that the first view a user opens does not pay for loading and
   * compiling the layout engine (about a second on a cold JVM).
   */
  public static void warmUp() {
    ModelGraph.Builder b = ModelGraph.builder(ModelGraph.Format.TF_GRAPHDEF);
    for (int i = 0; i < 30; i++) {
      b.add(new ModelGraph.Node("s" + (i % 3) + "/n" + i, "Op", "", List.of(), 0, Map.of()));
      if (i > 0) {
        b.connect("s" + ((i - 1) % 3) + "/n" + (i - 1), 0, "s" + (i % 3) + "/n" + i, "", false);
      }
    }
    ScopeTree t = ScopeTree.of(b.build());
    layout(t, List.of("s0", "s1"));
  }

  /** Every scope's path: the view with everything open. */
  public static Set<String> allScopes(ScopeTree tree) {
    Set<String> out = new TreeSet<>();
    java.util.ArrayDeque<ScopeTree.Group> todo = new java.util.ArrayDeque<>(tree.root().groups());
    while (!todo.isEmpty()) {
      ScopeTree.Group g = todo.pop();
      out.add(g.path());
      todo.addAll(g.groups());
    }
    return out;
  }

  /** Expanded scopes as given, plus their ancestors (a scope inside a collapsed one cannot show). */
  public static Set<String> closeUnder(ScopeTree tree, Collection<String> expanded) {
    Set<String> out = new TreeSet<>();
    for (String path : expanded) {
      ScopeTree.Group g = tree.group(path, false);
      for (; g != null && !g.isRoot(); g = g.parent()) {
        out.add(g.path());
      }
    }
    return out;
  }

  /** Views with more boxes than this are laid out with less effort spent on crossings. */
  static final int BIG_VIEW = 300;

  /** ELK's default effort against edge crossings, for views up to {@value #BIG_VIEW} boxes. */
  public static final int THOROUGH = 7;

  /**
   * Lays out the view with {@code expanded} scopes open (unknown paths are ignored). Views over
   * {@value #BIG_VIEW} boxes get thoroughness 1 instead of ELK's default 7: on a 7,000-box view
   * that cuts the layout time by about 40 % (BENCHMARKS.md) for a few more crossings nobody could
   * count at that size anyway.
   */
  public static Layout layout(ScopeTree tree, Collection<String> expanded) {
    return layout(tree, expanded, -1);
  }

  /** As {@link #layout(ScopeTree, Collection)} with ELK's thoroughness fixed (-1: chosen by size). */
  public static Layout layout(ScopeTree tree, Collection<String> expanded, int thoroughness) {
    return layout(tree, expanded, thoroughness, () -> false);
  }

  /** A layout that was stopped because {@code cancelled} said so. */
  public static final class LayoutCancelledException extends java.util.concurrent.CancellationException {
    public LayoutCancelledException() {
      super("the layout was stopped");
    }
  }

  /**
   * The number of boxes the view with {@code expanded} scopes open shows: every op and closed scope
   * in an open one, and the open scopes themselves. It costs a walk of the open scopes, not a
   * layout, so a caller can refuse a view too big to lay out before it starts.
   */
  public static int visibleBoxes(ScopeTree tree, Collection<String> expanded) {
    Set<String> open = closeUnder(tree, expanded);
    int boxes = 0;
    java.util.ArrayDeque<ScopeTree.Group> todo = new java.util.ArrayDeque<>();
    todo.push(tree.root());
    while (!todo.isEmpty()) {
      ScopeTree.Group g = todo.pop();
      boxes += g.ops().size() + g.groups().size();
      for (ScopeTree.Group c : g.groups()) {
        if (open.contains(c.path())) {
          todo.push(c);
        }
      }
    }
    return boxes;
  }

  /**
   * As {@link #layout(ScopeTree, Collection, int)}, stopped between ELK's phases once {@code
   * cancelled} answers true (a client gone, a time limit passed, the server stopping): then it
   * throws {@link LayoutCancelledException}.
   */
  public static Layout layout(ScopeTree tree, Collection<String> expanded, int thoroughness,
      java.util.function.BooleanSupplier cancelled) {
    long t0 = System.nanoTime();
    Set<String> open = closeUnder(tree, expanded);
    ModelGraph graph = tree.graph();

    ElkNode root = ElkGraphUtil.createGraph();
    root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
    root.setProperty(CoreOptions.HIERARCHY_HANDLING, HierarchyHandling.INCLUDE_CHILDREN);
    configure(root);

    Map<ScopeTree.Group, ElkNode> containers = new HashMap<>();
    containers.put(tree.root(), root);
    Map<ElkNode, Object> owner = new LinkedHashMap<>();
    // the box of each visible thing: an op index, or a collapsed group
    Map<Object, ElkNode> boxOf = new HashMap<>();
    Map<Object, Integer> itemIndex = new HashMap<>();
    Map<Integer, ScopeTree.Group> homes = new HashMap<>();
    int[] visible = new int[graph.nodes().size()];
    List<Object> items = new ArrayList<>();

    for (int i = 0; i < visible.length; i++) {
      ScopeTree.Group g = tree.groupOf(i);
      ScopeTree.Group top = topCollapsed(g, open);
      // a closed scope holding a single op shows that op, named from where it is drawn
      boolean single = top != null && top.opCount() == 1;
      Object item = top == null || single ? Integer.valueOf(i) : top;
      ElkNode box = boxOf.get(item);
      if (box == null) {
        ScopeTree.Group parent = top == null ? g : top.parent();
        ElkNode container = container(parent, containers, open, owner);
        box = ElkGraphUtil.createNode(container);
        if (item instanceof Integer) {
          ModelGraph.Node n = graph.node(i);
          homes.put(i, parent);
          box.setDimensions(width(label(n.name(), parent), n.op()), OP_HEIGHT);
        } else {
          box.setDimensions(width(top.name(), top.opCount() + " ops"), GROUP_HEIGHT);
        }
        boxOf.put(item, box);
        owner.put(box, item);
        itemIndex.put(item, items.size());
        items.add(item);
      }
      visible[i] = itemIndex.get(item);
    }

    // merge edges between the same two boxes
    Map<Long, int[]> merged = new LinkedHashMap<>(); // key -> [count, firstEdge, allControl, sameShape]
    List<ModelGraph.Edge> edges = graph.edges();
    for (int e = 0; e < edges.size(); e++) {
      ModelGraph.Edge edge = edges.get(e);
      int a = visible[edge.from()];
      int b = visible[edge.to()];
      if (a == b) {
        continue;
      }
      long key = ((long) a << 32) | (b & 0xffffffffL);
      int[] m = merged.get(key);
      if (m == null) {
        merged.put(key, new int[] {1, e, edge.control() ? 1 : 0, 1});
      } else {
        m[0]++;
        if (!edge.control()) {
          m[2] = 0;
        }
        if (!edges.get(m[1]).shape().equals(edge.shape())) {
          m[3] = 0;
        }
      }
    }
    List<ElkEdge> elkEdges = new ArrayList<>(merged.size());
    List<int[]> edgeInfo = new ArrayList<>(merged.size());
    List<String> labels = new ArrayList<>(merged.size());
    boolean withLabels = owner.size() <= BIG_VIEW;
    for (Map.Entry<Long, int[]> en : merged.entrySet()) {
      int a = (int) (en.getKey() >>> 32);
      int b = (int) (long) en.getKey();
      ElkNode src = boxOf.get(items.get(a));
      ElkNode dst = boxOf.get(items.get(b));
      ElkEdge edge = ElkGraphUtil.createSimpleEdge(src, dst);
      ElkNode lca = commonContainer(src.getParent(), dst.getParent());
      if (edge.getContainingNode() != lca) {
        lca.getContainedEdges().add(edge);
      }
      elkEdges.add(edge);
      int[] m = en.getValue();
      edgeInfo.add(new int[] {a, b, m[0], m[1], m[2], m[3]});
      String label = m[3] == 1 ? edges.get(m[1]).shape() : "";
      labels.add(m[0] > 1 && label.isEmpty() ? m[0] + " tensors" : label);
      if (withLabels && !labels.get(labels.size() - 1).isEmpty()) {
        // ELK gives the label a place of its own beside the edge, clear of boxes and other labels
        ElkLabel l = ElkGraphUtil.createLabel(labels.get(labels.size() - 1), edge);
        l.setDimensions(labelWidth(l.getText()), LABEL_HEIGHT);
        l.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
      }
    }

    int effort = thoroughness > 0 ? thoroughness : owner.size() > BIG_VIEW ? 1 : THOROUGH;
    root.setProperty(LayeredOptions.THOROUGHNESS, effort);
    for (ElkNode c : containers.values()) {
      c.setProperty(LayeredOptions.THOROUGHNESS, effort);
    }
    if (cancelled.getAsBoolean()) {
      throw new LayoutCancelledException();
    }
    new RecursiveGraphLayoutEngine().layout(root, new Cancellable(cancelled));
    if (cancelled.getAsBoolean()) {
      throw new LayoutCancelledException(); // ELK returns early, its layout half done
    }

    List<Box> boxes = new ArrayList<>();
    for (Map.Entry<ElkNode, Object> en : owner.entrySet()) {
      ElkNode n = en.getKey();
      double[] at = absolute(n);
      Object item = en.getValue();
      if (item instanceof Integer i) {
        ModelGraph.Node node = graph.node(i);
        ScopeTree.Group home = homes.get(i);
        boxes.add(new Box(Kind.OP, node.name(), label(node.name(), home), node.op(), scopeKey(home), at[0], at[1],
            n.getWidth(), n.getHeight(), 1, node.params(), node.outputShape(0)));
      } else {
        ScopeTree.Group g = (ScopeTree.Group) item;
        boolean isOpen = open.contains(g.path());
        boxes.add(new Box(isOpen ? Kind.EXPANDED : Kind.GROUP, scopeKey(g), g.name(), commonOp(tree, g),
            scopeKey(g.parent()), at[0], at[1], n.getWidth(), n.getHeight(), g.opCount(), g.params(), ""));
      }
    }
    List<Line> lines = new ArrayList<>(elkEdges.size());
    for (int k = 0; k < elkEdges.size(); k++) {
      ElkEdge edge = elkEdges.get(k);
      int[] info = edgeInfo.get(k);
      double[] off = edge.getContainingNode() == root ? new double[2] : absolute(edge.getContainingNode());
      List<double[]> pts = new ArrayList<>();
      for (ElkEdgeSection s : edge.getSections()) {
        pts.add(new double[] {s.getStartX() + off[0], s.getStartY() + off[1]});
        for (ElkBendPoint bp : s.getBendPoints()) {
          pts.add(new double[] {bp.getX() + off[0], bp.getY() + off[1]});
        }
        pts.add(new double[] {s.getEndX() + off[0], s.getEndY() + off[1]});
      }
      double[] labelBox = null;
      if (!edge.getLabels().isEmpty()) {
        ElkLabel l = edge.getLabels().get(0);
        labelBox = new double[] {l.getX() + off[0], l.getY() + off[1], l.getWidth(), l.getHeight()};
      }
      lines.add(new Line(key(items.get(info[0]), graph), key(items.get(info[1]), graph), pts, labels.get(k), info[2],
          info[4] == 1, labelBox));
    }
    return new Layout(boxes, lines, root.getWidth(), root.getHeight(), open, System.nanoTime() - t0);
  }

  /** ELK's progress monitor, asked between the layered algorithm's phases whether to go on. */
  private static final class Cancellable extends BasicProgressMonitor {
    private final java.util.function.BooleanSupplier cancelled;

    Cancellable(java.util.function.BooleanSupplier cancelled) {
      this.cancelled = cancelled;
    }

    @Override
    public boolean isCanceled() {
      return cancelled.getAsBoolean();
    }

    @Override
    protected BasicProgressMonitor doSubTask(float work, int maxHierarchyLevels) {
      return new Cancellable(cancelled); // ELK's phases ask their own sub-monitor
    }
  }

  private static String key(Object item, ModelGraph graph) {
    return item instanceof Integer i ? graph.node(i).name() : scopeKey((ScopeTree.Group) item);
  }

  /** A scope's box key: its path and a '/'; "" for the top level. */
  public static String scopeKey(ScopeTree.Group g) {
    return g.isRoot() ? "" : g.path() + "/";
  }

  /** The outermost collapsed scope on the way from the top to {@code g}, or null when all are open. */
  private static ScopeTree.Group topCollapsed(ScopeTree.Group g, Set<String> open) {
    ScopeTree.Group top = null;
    for (ScopeTree.Group up = g; up != null && !up.isRoot(); up = up.parent()) {
      if (!open.contains(up.path())) {
        top = up;
      }
    }
    return top;
  }

  private static ElkNode container(ScopeTree.Group g, Map<ScopeTree.Group, ElkNode> containers, Set<String> open,
      Map<ElkNode, Object> owner) {
    ElkNode c = containers.get(g);
    if (c == null) {
      ElkNode parent = container(g.parent(), containers, open, owner);
      c = ElkGraphUtil.createNode(parent);
      configure(c);
      // the title sits in the top left corner, over a left padding as wide as it: whatever enters
      // the scope (ELK puts a hierarchical edge's port above the inner node it leads to) enters to
      // the right of the title, and the ops start below it
      c.setProperty(CoreOptions.PADDING, new ElkPadding(HEADER + 8, 12, 12, titleWidth(g.name())));
      containers.put(g, c);
      owner.put(c, g);
    }
    return c;
  }

  private static void configure(ElkNode n) {
    n.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
    n.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
    n.setProperty(CoreOptions.SPACING_NODE_NODE, 18.0);
    n.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 28.0);
    n.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 12.0);
  }

  private static ElkNode commonContainer(ElkNode a, ElkNode b) {
    Set<ElkNode> up = new java.util.HashSet<>();
    for (ElkNode n = a; n != null; n = n.getParent()) {
      up.add(n);
    }
    for (ElkNode n = b; n != null; n = n.getParent()) {
      if (up.contains(n)) {
        return n;
      }
    }
    throw new IllegalStateException("boxes in different graphs");
  }

  private static double[] absolute(ElkNode n) {
    double x = 0;
    double y = 0;
    for (ElkNode m = n; m != null && m.getParent() != null; m = m.getParent()) {
      x += m.getX();
      y += m.getY();
    }
    return new double[] {x, y};
  }

  /** A name as seen from the scope it is drawn in: what a box says (the full name is in the side panel). */
  static String label(String name, ScopeTree.Group home) {
    String s = home.isRoot() ? name
        : name.startsWith(home.path() + "/") ? name.substring(home.path().length() + 1)
        : name.substring(name.lastIndexOf('/') + 1);
    return s.length() > 40 ? "..." + s.substring(s.length() - 37) : s;
  }

  /** Edge labels are 9 px text: about this wide a character, and this high a line, with a margin. */
  static final double LABEL_CHAR_WIDTH = 5.4;
  static final double LABEL_HEIGHT = 12;

  static double labelWidth(String text) {
    return 6 + text.length() * LABEL_CHAR_WIDTH;
  }

  /**
   * How wide an open scope's title is drawn: "− name" in 11 px bold, cut at 40 characters, with 10
   * px on either side.
   */
  public static double titleWidth(String name) {
    return 20 + (2 + Math.min(name.length(), 40)) * TITLE_CHAR_WIDTH;
  }

  static final double TITLE_CHAR_WIDTH = 6.6;

  private static double width(String label, String second) {
    int chars = Math.max(Math.min(label.length(), 40), Math.min(second.length(), 40));
    return Math.max(60, 16 + chars * CHAR_WIDTH);
  }

  /** The op type most of a group's ops have, for its box's second line and colour. */
  private static String commonOp(ScopeTree tree, ScopeTree.Group g) {
    Map<String, Integer> counts = new HashMap<>();
    count(tree, g, counts, 0);
    String best = "";
    int n = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() > n || (e.getValue() == n && e.getKey().compareTo(best) < 0)) {
        best = e.getKey();
        n = e.getValue();
      }
    }
    return best;
  }

  private static int count(ScopeTree tree, ScopeTree.Group g, Map<String, Integer> counts, int seen) {
    for (int i : g.ops()) {
      counts.merge(tree.graph().node(i).op(), 1, Integer::sum);
      if (++seen > 2000) {
        return seen;
      }
    }
    for (ScopeTree.Group c : g.groups()) {
      seen = count(tree, c, counts, seen);
      if (seen > 2000) {
        return seen;
      }
    }
    return seen;
  }
}
