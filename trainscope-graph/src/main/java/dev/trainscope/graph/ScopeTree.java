package dev.trainscope.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The name scopes of a {@link ModelGraph}: every proper prefix of a node's '/'-separated name is a
 * scope (a group), nested as the names nest. A node whose whole name is also a scope (TensorFlow
 * allows an op {@code a} beside ops {@code a/b}) sits inside that scope, as TensorBoard shows it.
 *
 * <p>Each group knows its direct groups and ops, how many ops it holds at any depth, their parameter
 * total and the most common op type, so a collapsed group can be drawn and described without
 * walking it again.
 */
public final class ScopeTree {

  /** One scope. The root has the path "". */
  public static final class Group {
    private final String path;
    private final Group parent;
    private final int depth;
    private final List<Group> groups = new ArrayList<>();
    private final List<Integer> ops = new ArrayList<>();
    private int opCount;
    private long params;

    Group(String path, Group parent) {
      this.path = path;
      this.parent = parent;
      this.depth = parent == null ? 0 : parent.depth + 1;
    }

    public String path() {
      return path;
    }

    /** The last element of the path. */
    public String name() {
      return path.substring(path.lastIndexOf('/') + 1);
    }

    public Group parent() {
      return parent;
    }

    public int depth() {
      return depth;
    }

    public List<Group> groups() {
      return Collections.unmodifiableList(groups);
    }

    /** Indexes of the nodes directly in this group. */
    public List<Integer> ops() {
      return Collections.unmodifiableList(ops);
    }

    /** Ops at any depth below this group. */
    public int opCount() {
      return opCount;
    }

    public long params() {
      return params;
    }

    public boolean isRoot() {
      return parent == null;
    }
  }

  private final ModelGraph graph;
  private final Group root = new Group("", null);
  private final Map<String, Group> groups = new HashMap<>();
  private final Group[] groupOf;

  private ScopeTree(ModelGraph graph) {
    this.graph = graph;
    this.groupOf = new Group[graph.nodes().size()];
    groups.put("", root);
  }

  public static ScopeTree of(ModelGraph graph) {
    ScopeTree t = new ScopeTree(graph);
    List<ModelGraph.Node> nodes = graph.nodes();
    // every name that is a proper prefix of another name is a scope
    for (ModelGraph.Node n : nodes) {
      String name = n.name();
      for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
        t.group(name.substring(0, slash));
      }
    }
    for (int i = 0; i < nodes.size(); i++) {
      String name = nodes.get(i).name();
      Group g = t.groups.get(name);
      if (g == null) {
        int slash = name.lastIndexOf('/');
        g = slash < 0 ? t.root : t.groups.get(name.substring(0, slash));
      }
      g.ops.add(i);
      t.groupOf[i] = g;
      long p = nodes.get(i).params();
      for (Group up = g; up != null; up = up.parent) {
        up.opCount++;
        up.params += p;
      }
    }
    return t;
  }

  private Group group(String path) {
    Group g = groups.get(path);
    if (g == null) {
      int slash = path.lastIndexOf('/');
      Group parent = slash < 0 ? root : group(path.substring(0, slash));
      g = new Group(path, parent);
      parent.groups.add(g);
      groups.put(path, g);
    }
    return g;
  }

  public ModelGraph graph() {
    return graph;
  }

  public Group root() {
    return root;
  }

  /** The group with this path, or null. */
  public Group group(String path, boolean mustExist) {
    Group g = groups.get(path);
    if (g == null && mustExist) {
      throw new IllegalArgumentException("no scope " + path);
    }
    return g;
  }

  /** The group a node sits in directly. */
  public Group groupOf(int node) {
    return groupOf[node];
  }

  public int groupCount() {
    return groups.size() - 1;
  }

  /** The deepest nesting of groups (0 when the graph has no scopes). */
  public int maxDepth() {
    int d = 0;
    for (Group g : groups.values()) {
      d = Math.max(d, g.depth);
    }
    return d;
  }
}
