package dev.trainscope.server;

import dev.trainscope.data.BlobInfo;
import dev.trainscope.data.LogdirData;
import dev.trainscope.data.NoSuchTagException;
import dev.trainscope.data.RunInfo;
import dev.trainscope.data.TagInfo;
import dev.trainscope.data.TagKind;
import dev.trainscope.diagnose.Finding;
import dev.trainscope.diagnose.FindingsService;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.diagnose.Roles;
import dev.trainscope.diagnose.TagRole;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.RunMetadataProto;
import dev.trainscope.graph.BadGraphException;
import dev.trainscope.graph.GraphLayout;
import dev.trainscope.graph.KerasModels;
import dev.trainscope.graph.ModelGraph;
import dev.trainscope.graph.OnnxModels;
import dev.trainscope.graph.ScopeTree;
import dev.trainscope.graph.TfGraphs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Graph tab's server side: which model graphs each run has, their parsed form (cached), views
 * laid out for a set of expanded scopes (cached, least recently used first out), node details, and
 * the ties from graph nodes to the run's layers: the weight, gradient and activation tags and the
 * findings of the layer a box stands for.
 *
 * <p>Graph sources of a run: its GraphDef ({@code run_graph}, the last one logged), its meta-graph
 * ({@code meta_graph}), each Keras model config ({@code keras:<tag>}), each ONNX file beside its event
 * files ({@code onnx:<file>}); and models given on the command line ({@code model:<name>}, run "").
 */
final class GraphService {
  static final String RUN_GRAPH = "run_graph";
  static final String META_GRAPH = "meta_graph";
  static final int LAYOUT_CACHE = 48;
  static final int GRAPH_CACHE = 16;
  /** A view with more boxes is refused: a person cannot read it, and ELK takes tens of seconds. */
  static final int MAX_VIEW_BOXES = 8_000;
  /** Layouts at once: the rest wait. */
  static final int LAYOUT_THREADS = 2;
  /** Views being laid out or waiting for it; one more is refused as busy. */
  static final int MAX_LAYOUTS_IN_FLIGHT = 8;
  /** A layout still running after this long is stopped. */
  static final long DEFAULT_LAYOUT_MILLIS = 20_000;
  /** The order a layer's histograms are shown in. */
  static final List<String> HISTOGRAM_ORDER = List.of("weights", "biases", "gradients", "pre_activations", "activations");

  /** A graph the dashboard can open. */
  record Source(String run, String source, String kind, String label) {}

  /** A parsed graph and what depends on it alone. */
  record Loaded(String version, ModelGraph graph, ScopeTree tree) {}

  private final LogdirData store;
  private final FindingsService findings;
  private final Roles roles;
  private final Map<String, Path> models;
  private final Map<String, Loaded> graphs = lru(GRAPH_CACHE);
  private final Map<String, GraphLayout.Layout> layouts = lru(LAYOUT_CACHE);
  /** Layouts under way by view key: a second request for the same view waits for the first's. */
  private final Map<String, Flight> flights = new HashMap<>();
  private final java.util.concurrent.ExecutorService layoutPool;
  private final long layoutMillis;
  private volatile boolean closed;
  final java.util.concurrent.atomic.AtomicInteger layoutsStarted = new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicInteger layoutsStopped = new java.util.concurrent.atomic.AtomicInteger();

  GraphService(LogdirData store, FindingsService findings, Roles roles, Map<String, Path> models) {
    this(store, findings, roles, models, DEFAULT_LAYOUT_MILLIS);
  }

  GraphService(LogdirData store, FindingsService findings, Roles roles, Map<String, Path> models, long layoutMillis) {
    this.layoutMillis = layoutMillis;
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    this.layoutPool = java.util.concurrent.Executors.newFixedThreadPool(LAYOUT_THREADS, r -> {
      Thread t = new Thread(r, "trainscope-layout-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.store = store;
    this.findings = findings;
    this.roles = roles;
    this.models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models)); // in the order given
    Thread warm = new Thread(GraphLayout::warmUp, "trainscope-layout-warmup");
    warm.setDaemon(true);
    warm.setPriority(Thread.MIN_PRIORITY);
    warm.start();
  }

  private static <K, V> Map<K, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Every graph of every run (or of one run), and the command line's models. */
  List<Source> sources(String onlyRun) throws IOException {
    List<Source> out = new ArrayList<>();
    if (onlyRun == null) {
      for (Map.Entry<String, Path> m : models.entrySet()) {
        out.add(new Source("", "model:" + m.getKey(), kindOf(m.getKey()), m.getKey()));
      }
    }
    List<RunInfo> runs = onlyRun == null ? store.runs() : List.of(store.run(onlyRun));
    for (RunInfo r : runs) {
      try {
        sourcesOf(r, out);
      } catch (dev.trainscope.data.NoSuchRunException e) {
        // removed while listing
      }
    }
    return out;
  }

  private void sourcesOf(RunInfo r, List<Source> out) throws IOException {
    for (TagInfo t : store.tags(r.name())) {
      if (t.kind() != TagKind.GRAPH || t.count() == 0) {
        continue;
      }
      if (t.tag().equals("__run_graph__")) {
        out.add(new Source(r.name(), RUN_GRAPH, "graphdef", "graph"));
      } else {
        out.add(new Source(r.name(), "keras:" + t.tag(), "keras", "Keras model " + t.tag()));
      }
    }
    if (r.hasMetaGraph()) {
      out.add(new Source(r.name(), META_GRAPH, "graphdef", "meta-graph"));
    }
    for (String f : store.modelFiles(r.name(), ".onnx")) {
      out.add(new Source(r.name(), "onnx:" + f, "onnx", f));
    }
  }

  private static String kindOf(String file) {
    return file.toLowerCase(Locale.ROOT).endsWith(".onnx") ? "onnx" : "graphdef";
  }

  /** Parses (or takes from the cache) one graph; 404 for an unknown run or source, 400 for an unreadable one. */
  Loaded load(String run, String source) throws IOException {
    String version;
    byte[] bytes;
    if (source.startsWith("model:")) {
      Path p = models.get(source.substring("model:".length()));
      if (p == null || !run.isEmpty()) {
        throw new NoSuchTagException(run, source, "no model '" + source + "' was given with --model");
      }
      version = Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
      String key = run + "\n" + source + "\n" + version;
      Loaded cached = cached(key);
      if (cached != null) {
        return cached;
      }
      bytes = Files.readAllBytes(p);
      return remember(key, version, parse(kindOf(p.toString()), bytes, source));
    }
    store.run(run); // 404 for an unknown run
    String kind;
    if (source.equals(RUN_GRAPH) || source.startsWith("keras:")) {
      String tag = source.equals(RUN_GRAPH) ? "__run_graph__" : source.substring("keras:".length());
      List<BlobInfo> steps = store.blobs(run, tag);
      if (steps.isEmpty()) {
        throw new NoSuchTagException(run, tag, "run '" + run + "' has no graph under " + tag);
      }
      BlobInfo last = steps.get(steps.size() - 1);
      version = last.step() + "/" + last.bytes() + "/" + last.wallTime();
      kind = source.equals(RUN_GRAPH) ? "graphdef" : "keras";
      String key = run + "\n" + source + "\n" + version;
      Loaded cached = cached(key);
      if (cached != null) {
        return cached;
      }
      bytes = store.blob(run, tag, last.step(), 0);
      return remember(key, version, parse(kind, bytes, source));
    }
    if (source.equals(META_GRAPH)) {
      bytes = store.metaGraph(run);
      if (bytes == null) {
        throw new NoSuchTagException(run, source, "run '" + run + "' has no meta-graph");
      }
      version = Integer.toString(java.util.Arrays.hashCode(bytes));
      String key = run + "\n" + source + "\n" + version;
      Loaded cached = cached(key);
      return cached != null ? cached : remember(key, version, parse("meta", bytes, source));
    }
    if (source.startsWith("onnx:")) {
      String file = source.substring("onnx:".length());
      if (!store.modelFiles(run, ".onnx").contains(file)) {
        throw new NoSuchTagException(run, source, "run '" + run + "' has no ONNX file '" + file + "'");
      }
      bytes = store.modelFile(run, file, ".onnx");
      version = bytes.length + "/" + java.util.Arrays.hashCode(bytes);
      String key = run + "\n" + source + "\n" + version;
      Loaded cached = cached(key);
      return cached != null ? cached : remember(key, version, parse("onnx", bytes, source));
    }
    throw new NoSuchTagException(run, source, "unknown graph source '" + Params.shorten(source)
        + "': expected run_graph, meta_graph, keras:<tag>, onnx:<file> or model:<name>");
  }

  private static ModelGraph parse(String kind, byte[] bytes, String source) {
    try {
      switch (kind) {
        case "keras": return KerasModels.read(new String(bytes, StandardCharsets.UTF_8));
        case "onnx": return OnnxModels.read(bytes);
        case "meta": return TfGraphs.readMeta(bytes);
        default: return TfGraphs.read(bytes);
      }
    } catch (BadGraphException e) {
      throw new BadRequest("the graph " + source + " cannot be read: " + e.getMessage());
    }
  }

  private Loaded cached(String key) {
    synchronized (graphs) {
      return graphs.get(key);
    }
  }

  private Loaded remember(String key, String version, ModelGraph g) {
    Loaded l = new Loaded(version, g, ScopeTree.of(g));
    synchronized (graphs) {
      graphs.put(key, l);
    }
    return l;
  }

  /**
   * A laid-out view: boxes, lines and, per box, the layer it ties to and that layer's findings.
   * {@code expanded} null means the default view; {@code all} opens every scope.
   */
  Map<String, Object> view(String run, String source, Collection<String> expanded, boolean all) throws IOException {
    return view(run, source, expanded, all, () -> null);
  }

  /**
   * As {@link #view(String, String, Collection, boolean)}; {@code watch} is called when the view
   * must be laid out (not cached) and gives what says the client has gone, or null.
   */
  Map<String, Object> view(String run, String source, Collection<String> expanded, boolean all,
      java.util.function.Supplier<ClientWatch> watch) throws IOException {
    Loaded l = load(run, source);
    Set<String> open = all ? GraphLayout.allScopes(l.tree())
        : expanded == null ? GraphLayout.defaultExpanded(l.tree())
        : GraphLayout.closeUnder(l.tree(), expanded);
    String key = run + "\n" + source + "\n" + l.version() + "\n" + String.join("\n", new TreeSet<>(open));
    GraphLayout.Layout layout;
    synchronized (layouts) {
      layout = layouts.get(key);
    }
    if (layout == null) {
      ClientWatch gone = watch.get();
      try {
        layout = layOut(l, open, key, gone);
      } finally {
        if (gone != null) {
          gone.close();
        }
      }
    }
    Ties ties = ties(run, l);
    List<Map<String, Object>> boxes = new ArrayList<>(layout.boxes().size());
    for (GraphLayout.Box b : layout.boxes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", b.kind().name().toLowerCase(Locale.ROOT));
      m.put("key", b.key());
      m.put("label", b.label());
      m.put("op", b.op());
      m.put("parent", b.parent());
      m.put("x", round(b.x()));
      m.put("y", round(b.y()));
      m.put("w", round(b.width()));
      m.put("h", round(b.height()));
      m.put("ops", b.ops());
      m.put("params", b.params());
      if (b.kind() == GraphLayout.Kind.EXPANDED) { // the title bar in the top left corner, kept clear of edges
        m.put("titleW", round(Math.min(b.width(), GraphLayout.titleWidth(b.label()))));
      }
      String layer = b.kind() == GraphLayout.Kind.OP ? ties.layerOfNode(l, b.key()) : ties.layerOfPath(scopePath(b.key()));
      if (!layer.isEmpty()) {
        m.put("layer", layer);
        List<Finding> fs = ties.findingsOf(layer);
        if (!fs.isEmpty()) {
          m.put("findings", fs.size());
          m.put("severity", worst(fs));
        }
      }
      boxes.add(m);
    }
    List<Map<String, Object>> lines = new ArrayList<>(layout.lines().size());
    for (GraphLayout.Line ln : layout.lines()) {
      double[] pts = new double[ln.points().size() * 2];
      for (int i = 0; i < ln.points().size(); i++) {
        pts[2 * i] = round(ln.points().get(i)[0]);
        pts[2 * i + 1] = round(ln.points().get(i)[1]);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", ln.from());
      m.put("to", ln.to());
      m.put("points", pts);
      m.put("label", ln.label());
      if (ln.labelBox() != null) { // where the layout made room for the label: x, y, width, height
        double[] box = ln.labelBox();
        m.put("labelBox", new double[] {round(box[0]), round(box[1]), round(box[2]), round(box[3])});
      }
      m.put("count", ln.count());
      m.put("control", ln.control());
      lines.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run", run);
    out.put("source", source);
    out.put("format", l.graph().format().label);
    out.put("title", l.graph().title());
    out.put("info", l.graph().info());
    out.put("nodes", l.graph().nodes().size());
    out.put("edges", l.graph().edges().size());
    out.put("scopes", l.tree().groupCount());
    out.put("params", l.graph().totalParams());
    out.put("expanded", layout.expanded());
    out.put("width", round(layout.width()));
    out.put("height", round(layout.height()));
    out.put("layoutMillis", round(layout.layoutNanos() / 1e6));
    out.put("boxes", boxes);
    out.put("lines", lines);
    return out;
  }

  /** A layout under way, shared by every request for the same view while it runs. */
  private final class Flight {
    final java.util.concurrent.CompletableFuture<GraphLayout.Layout> result = new java.util.concurrent.CompletableFuture<>();
    final long deadline = System.nanoTime() + layoutMillis * 1_000_000L;
    int waiters; // guarded by flights
    volatile boolean abandoned;

    boolean timedOut() {
      return System.nanoTime() - deadline > 0;
    }

    boolean stop() {
      return abandoned || closed || timedOut();
    }
  }

  /**
   * Lays out a view, bounded: refused above {@value #MAX_VIEW_BOXES} boxes or when {@value
   * #MAX_LAYOUTS_IN_FLIGHT} other views are under way; shared with any request for the same view
   * under way; stopped when it outlasts the time limit, when every client waiting for it has gone,
   * or when the server stops.
   */
  private GraphLayout.Layout layOut(Loaded l, Set<String> open, String key, java.util.function.BooleanSupplier gone) {
    int boxes = GraphLayout.visibleBoxes(l.tree(), open);
    if (boxes > MAX_VIEW_BOXES) {
      throw new Refused(422, String.format(Locale.ROOT, "This view would show %,d boxes, more than the %,d laid out at once: "
          + "open fewer scopes (close some, or open one at a time).", boxes, MAX_VIEW_BOXES));
    }
    Flight f;
    boolean mine = false;
    synchronized (flights) {
      if (closed) {
        throw new Refused(503, "The server is stopping.");
      }
      f = flights.get(key);
      if (f == null || f.abandoned) {
        if (flights.size() >= MAX_LAYOUTS_IN_FLIGHT) {
          throw new Refused(503, "The server is laying out " + flights.size() + " other graph views: try again in a moment.");
        }
        f = new Flight();
        flights.put(key, f);
        mine = true;
      }
      f.waiters++;
    }
    if (mine) {
      Flight flight = f;
      try {
        layoutPool.execute(() -> run(l, open, key, flight));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        flight.result.completeExceptionally(new GraphLayout.LayoutCancelledException());
      }
    }
    boolean waiting = true;
    try {
      while (true) {
        try {
          return f.result.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          if (gone != null && gone.getAsBoolean()) {
            waiting = false;
            leave(f);
            throw new Refused(499, "the client has gone");
          }
        } catch (java.util.concurrent.CancellationException e) { // the layout was stopped
          throw closed ? new Refused(503, "The server is stopping.")
              : new Refused(503, String.format(Locale.ROOT, "Laying out this view (%,d boxes) took more than %,d s "
              + "and was stopped: open fewer scopes.", boxes, Math.max(1, layoutMillis / 1000)));
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          waiting = false;
          leave(f);
          throw new Refused(503, "The server is stopping.");
        }
      }
    } finally {
      if (waiting) {
        synchronized (flights) {
          f.waiters--;
        }
      }
    }
  }

  /** A client stops waiting; the last one to go stops the layout. */
  private void leave(Flight f) {
    synchronized (flights) {
      if (--f.waiters == 0) {
        f.abandoned = true;
      }
    }
  }

  private void run(Loaded l, Set<String> open, String key, Flight f) {
    try {
      if (f.stop()) {
        throw new GraphLayout.LayoutCancelledException();
      }
      layoutsStarted.incrementAndGet();
      GraphLayout.Layout layout = GraphLayout.layout(l.tree(), open, -1, f::stop);
      synchronized (layouts) {
        layouts.put(key, layout);
      }
      f.result.complete(layout);
    } catch (Throwable t) {
      if (t instanceof java.util.concurrent.CancellationException) {
        layoutsStopped.incrementAndGet();
      }
      f.result.completeExceptionally(t);
    } finally {
      synchronized (flights) {
        flights.remove(key, f);
      }
    }
  }

  /** Stops every layout under way and refuses new ones: the server is stopping. */
  void close() {
    closed = true;
    layoutPool.shutdownNow();
  }

  /** Everything about one node or scope, for the side panel. */
  Map<String, Object> node(String run, String source, String key) throws IOException {
    Loaded l = load(run, source);
    ModelGraph g = l.graph();
    Ties ties = ties(run, l);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", key);
    boolean scope = key.endsWith("/");
    int i = scope ? -1 : g.indexOf(key);
    ScopeTree.Group group = scope ? l.tree().group(scopePath(key), false) : null;
    String layer;
    if (i >= 0) {
      ModelGraph.Node n = g.node(i);
      out.put("kind", "op");
      out.put("op", n.op());
      out.put("device", n.device());
      out.put("params", n.params());
      out.put("outputShapes", n.outputShapes());
      out.put("attrs", n.attrs());
      List<Map<String, Object>> inputs = new ArrayList<>();
      List<Map<String, Object>> outputs = new ArrayList<>();
      for (ModelGraph.Edge e : g.edges()) {
        if (e.to() == i) {
          inputs.add(Map.of("node", g.node(e.from()).name(), "shape", e.shape(), "control", e.control()));
        } else if (e.from() == i) {
          outputs.add(Map.of("node", g.node(e.to()).name(), "shape", e.shape(), "control", e.control()));
        }
      }
      out.put("inputs", inputs);
      out.put("outputs", outputs);
      Map<String, Object> stats = ties.stats.get(key);
      if (stats != null) {
        out.put("runStats", stats);
      }
      layer = ties.layerOfNode(l, key);
    } else if (group != null && !group.isRoot()) {
      out.put("kind", "scope");
      out.put("ops", group.opCount());
      out.put("params", group.params());
      out.put("scopes", group.groups().size());
      Map<String, Integer> types = new HashMap<>();
      countOps(l.tree(), group, types);
      List<Map.Entry<String, Integer>> sorted = new ArrayList<>(types.entrySet());
      sorted.sort((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue() : a.getKey().compareTo(b.getKey()));
      Map<String, Integer> top = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> e : sorted.subList(0, Math.min(12, sorted.size()))) {
        top.put(e.getKey(), e.getValue());
      }
      out.put("opTypes", top);
      layer = ties.layerOfPath(group.path());
    } else {
      throw new NoSuchTagException(run, source, "graph " + source + " has no node or scope '" + Params.shorten(key) + "'");
    }
    out.put("layer", layer);
    Map<String, List<String>> tags = new LinkedHashMap<>();
    List<Map<String, String>> histograms = new ArrayList<>();
    for (TagRole t : ties.tagsOf(layer)) {
      String role = t.role().id();
      tags.computeIfAbsent(role, k -> new ArrayList<>()).add(t.tag());
      if (t.kind() == TagKind.HISTOGRAM) {
        histograms.add(Map.of("tag", t.tag(), "role", role));
      }
    }
    histograms.sort(java.util.Comparator.comparingInt(h -> HISTOGRAM_ORDER.indexOf(h.get("role")) < 0
        ? HISTOGRAM_ORDER.size() : HISTOGRAM_ORDER.indexOf(h.get("role"))));
    out.put("tags", tags);
    out.put("histograms", histograms);
    out.put("findings", ties.findingsOf(layer).stream().map(f -> FindingJson.finding(f, f.run())).toList());
    return out;
  }

  /** Nodes whose name contains {@code query} (case-insensitive), at most {@code limit}, shortest names first. */
  Map<String, Object> search(String run, String source, String query, int limit) throws IOException {
    Loaded l = load(run, source);
    String q = query.toLowerCase(Locale.ROOT);
    List<Map<String, Object>> hits = new ArrayList<>();
    int total = 0;
    for (ModelGraph.Node n : l.graph().nodes()) {
      if (n.name().toLowerCase(Locale.ROOT).contains(q) || n.op().toLowerCase(Locale.ROOT).equals(q)) {
        total++;
        if (hits.size() < limit) {
          hits.add(Map.of("name", n.name(), "op", n.op()));
        }
      }
    }
    return Map.of("query", query, "total", total, "hits", hits);
  }

  /** A scope's path from its box key ({@code "conv1/"}). */
  private static String scopePath(String key) {
    return key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
  }

  private static void countOps(ScopeTree tree, ScopeTree.Group g, Map<String, Integer> into) {
    for (int i : g.ops()) {
      into.merge(tree.graph().node(i).op(), 1, Integer::sum);
    }
    for (ScopeTree.Group c : g.groups()) {
      countOps(tree, c, into);
    }
  }

  private static String worst(List<Finding> fs) {
    dev.trainscope.diagnose.Severity s = fs.get(0).severity();
    for (Finding f : fs) {
      if (f.severity().compareTo(s) < 0) {
        s = f.severity();
      }
    }
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /**
   * How a run's layers map onto a graph's scopes. A box ties to a layer when the layer's name, as
   * the run's tags give it ({@code dense_6/kernel_0} -> {@code dense_6}, {@code layer1.0.conv1.weight}
   * -> {@code layer1.0.conv1}), ends the box's path ({@code sequential_3/dense_6}, torch's
   * {@code ResNet/Sequential[layer1]/BasicBlock[0]/Conv2d[conv1]}); a DJL node names its layer in an
   * attribute. Failing that, a scope ties to the tags logged under its own name scope
   * ({@code layer1/weights/...} under {@code layer1}), as TF1 summaries are.
   */
  private final class Ties {
    final Map<String, List<TagRole>> tagsByLayer = new HashMap<>();
    final Map<String, String> layerByTokens = new HashMap<>();
    final Map<String, Map<String, Object>> stats = new HashMap<>();
    final List<TagRole> all = new ArrayList<>();
    final List<Finding> runFindings = new ArrayList<>();
    final Map<String, List<TagRole>> byScope = new HashMap<>();

    String layerOfPath(String path) {
      List<String> tokens = tokens(path);
      // the longest layer name that ends the path wins: "layer1.0.conv1" over "conv1"
      for (int from = 0; from < tokens.size(); from++) {
        String layer = layerByTokens.get(String.join("/", tokens.subList(from, tokens.size())));
        if (layer != null) {
          return layer;
        }
      }
      return scopeTags(path).isEmpty() ? "" : path;
    }

    String layerOfNode(Loaded l, String name) {
      int i = l.graph().indexOf(name);
      if (i >= 0) {
        String attr = l.graph().node(i).attrs().get("layer");
        if (attr != null && tagsByLayer.containsKey(attr)) {
          return attr;
        }
      }
      for (String path = name; !path.isEmpty(); path = path.lastIndexOf('/') < 0 ? "" : path.substring(0, path.lastIndexOf('/'))) {
        String layer = layerOfPath(path);
        if (!layer.isEmpty()) {
          return layer;
        }
      }
      return "";
    }

    /** The scalar and histogram tags logged under a name scope. */
    List<TagRole> scopeTags(String path) {
      return byScope.computeIfAbsent(path, p -> {
        List<TagRole> out = new ArrayList<>();
        for (TagRole r : all) {
          if (r.tag().startsWith(p + "/")) {
            out.add(r);
          }
        }
        return out;
      });
    }

    List<TagRole> tagsOf(String layer) {
      List<TagRole> named = tagsByLayer.get(layer);
      return named != null ? named : layer.isEmpty() ? List.of() : scopeTags(layer);
    }

    List<Finding> findingsOf(String layer) {
      if (layer.isEmpty()) {
        return List.of();
      }
      java.util.Set<String> tags = new java.util.HashSet<>();
      for (TagRole r : tagsOf(layer)) {
        tags.add(r.tag());
      }
      List<Finding> out = new ArrayList<>();
      for (Finding f : runFindings) {
        // its own layer, or a layer whose tags it names (vanishing gradients name every faded layer)
        if (f.layer().equals(layer) || f.tags().stream().anyMatch(tags::contains)) {
          out.add(f);
        }
      }
      return out;
    }
  }

  private Ties ties(String run, Loaded l) throws IOException {
    Ties t = new Ties();
    if (run.isEmpty()) {
      return t;
    }
    for (TagInfo info : store.tags(run)) {
      TagRole r = roles.infer(info);
      if (info.kind() == TagKind.SCALAR || info.kind() == TagKind.HISTOGRAM) {
        t.all.add(r);
        if (!r.layer().isEmpty() && r.role() != Role.OTHER) {
          t.tagsByLayer.computeIfAbsent(r.layer(), k -> new ArrayList<>()).add(r);
          t.layerByTokens.putIfAbsent(String.join("/", tokens(r.layer())), r.layer());
        }
      }
      if (info.kind() == TagKind.RUN_METADATA && info.count() > 0) {
        addStats(run, info, t.stats);
      }
    }
    t.runFindings.addAll(findings.of(run));
    return t;
  }

  /** Compute time and memory per node from the last RunMetadata of a tag. */
  private void addStats(String run, TagInfo info, Map<String, Map<String, Object>> into) throws IOException {
    List<BlobInfo> steps = store.blobs(run, info.tag());
    if (steps.isEmpty()) {
      return;
    }
    BlobInfo last = steps.get(steps.size() - 1);
    RunMetadataProto md;
    try {
      md = RunMetadataProto.parse(store.blob(run, info.tag(), last.step(), 0));
    } catch (MalformedProtoException e) {
      return; // the graph still shows; its statistics do not
    }
    for (RunMetadataProto.NodeStats s : md.nodes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("tag", info.tag());
      m.put("step", last.step());
      m.put("device", s.device());
      m.put("micros", s.micros());
      m.put("memoryBytes", s.memoryBytes());
      into.put(s.nodeName(), m);
    }
  }

  /**
   * A name's parts as scopes and layers share them: split at '/' and '.', torch's
   * {@code Conv2d[conv1]} read as {@code conv1}.
   */
  static List<String> tokens(String name) {
    List<String> out = new ArrayList<>();
    for (String part : name.split("[/.]")) {
      int open = part.indexOf('[');
      if (open >= 0 && part.endsWith("]")) {
        part = part.substring(open + 1, part.length() - 1);
      }
      if (!part.isEmpty()) {
        out.add(part);
      }
    }
    return out;
  }
}
