package dev.trainscope.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's structure as one model, whatever wrote it: a TensorFlow GraphDef, a Keras model config,
 * a PyTorch or tensorboardX graph, an ONNX file or a DJL block tree. Nodes are operations or layers;
 * their names are '/'-separated paths whose prefixes are name scopes ({@link ScopeTree}); edges carry
 * tensors from one node to another.
 *
 * <p>Immutable once built; build with {@link Builder}, which makes node names unique and refuses
 * edges to nodes that do not exist.
 */
public final class ModelGraph {

  /** Where a graph came from; decides nothing but labels and a few display habits. */
  public enum Format {
    /** A TensorFlow GraphDef (TF1 FileWriter, TF2 trace_export, a meta-graph's graph). */
    TF_GRAPHDEF("TensorFlow GraphDef"),
    /** A GraphDef written by torch.utils.tensorboard or tensorboardX ({@code add_graph}). */
    TORCH("PyTorch graph"),
    /** A Keras model config (plugin {@code graph_keras_model}). */
    KERAS("Keras model"),
    /** An ONNX model file. */
    ONNX("ONNX model"),
    /** A DJL block tree logged by the Trainscope listener. */
    DJL("DJL block tree");

    public final String label;

    Format(String label) {
      this.label = label;
    }
  }

  /**
   * One operation or layer.
   *
   * @param name unique, '/'-separated; the prefixes are its name scopes
   * @param op the operation or layer type ({@code Conv2D}, {@code aten::relu}, {@code Dense}, ...)
   * @param device where it ran, or ""
   * @param outputShapes one entry per output, as text ({@code [-1, 28, 28, 32]}), "" when unknown
   * @param params parameters this node holds (weights it owns), 0 when none or unknown
   * @param attrs its attributes as readable text, in the file's order
   */
  public record Node(
      String name, String op, String device, List<String> outputShapes, long params, Map<String, String> attrs) {
    public Node {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(device, "device");
      outputShapes = List.copyOf(outputShapes);
      attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }

    /** The shape of output {@code index} as text, or "" when not known. */
    public String outputShape(int index) {
      return index >= 0 && index < outputShapes.size() ? outputShapes.get(index) : "";
    }
  }

  /**
   * A tensor (or, when {@code control}, an ordering constraint) from node {@code from} to node
   * {@code to}, both indexes into {@link #nodes()}.
   *
   * @param output which output of {@code from} the tensor is
   * @param shape the tensor's shape as text, or "" when not known
   */
  public record Edge(int from, int to, int output, String shape, boolean control) {}

  private final Format format;
  private final String title;
  private final List<Node> nodes;
  private final List<Edge> edges;
  private final Map<String, Integer> index;
  private final Map<String, String> info;

  private ModelGraph(Format format, String title, List<Node> nodes, List<Edge> edges, Map<String, Integer> index,
      Map<String, String> info) {
    this.format = format;
    this.title = title;
    this.nodes = Collections.unmodifiableList(nodes);
    this.edges = Collections.unmodifiableList(edges);
    this.index = index;
    this.info = Collections.unmodifiableMap(info);
  }

  public Format format() {
    return format;
  }

  /** A short description: the model's name, producer and version where the file says. */
  public String title() {
    return title;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public List<Edge> edges() {
    return edges;
  }

  /** Facts about the whole graph (producer, versions, opset, ...), for the side panel. */
  public Map<String, String> info() {
    return info;
  }

  /** The index of the node called {@code name}, or -1. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  /** The sum of {@link Node#params()} over all nodes. */
  public long totalParams() {
    long n = 0;
    for (Node node : nodes) {
      n += node.params();
    }
    return n;
  }

  public static Builder builder(Format format) {
    return new Builder(format);
  }

  /** Collects nodes, then edges by name; node names are made unique with a {@code _1}, {@code _2} suffix. */
  public static final class Builder {
    private final Format format;
    private String title = "";
    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, String> info = new LinkedHashMap<>();
    /** The next suffix to try per taken name: a million unnamed nodes stay linear. */
    private final Map<String, Integer> nextSuffix = new HashMap<>();

    private Builder(Format format) {
      this.format = Objects.requireNonNull(format, "format");
    }

    public Builder title(String title) {
      this.title = Objects.requireNonNull(title, "title");
      return this;
    }

    public Builder info(String key, String value) {
      if (value != null && !value.isEmpty()) {
        info.put(key, value);
      }
      return this;
    }

    /** Adds a node and returns the name it got (its own, or with a suffix when taken or empty). */
    public String add(Node node) {
      String name = cleanName(node.name(), node.op());
      if (index.containsKey(name)) {
        int k = nextSuffix.getOrDefault(name, 1);
        while (index.containsKey(name + "_" + k)) {
          k++;
        }
        nextSuffix.put(name, k + 1);
        name = name + "_" + k;
      }
      if (!name.equals(node.name())) {
        node = new Node(name, node.op(), node.device(), node.outputShapes(), node.params(), node.attrs());
      }
      index.put(name, nodes.size());
      nodes.add(node);
      return name;
    }

    public boolean has(String name) {
      return index.containsKey(name);
    }

    public int indexOf(String name) {
      Integer i = index.get(name);
      return i == null ? -1 : i;
    }

    public Node node(int i) {
      return nodes.get(i);
    }

    public int size() {
      return nodes.size();
    }

    /** Adds an edge between two nodes added before; false (and nothing added) when either is unknown. */
    public boolean connect(String from, int output, String to, String shape, boolean control) {
      Integer f = index.get(from);
      Integer t = index.get(to);
      if (f == null || t == null) {
        return false;
      }
      edges.add(new Edge(f, t, output, shape == null ? "" : shape, control));
      return true;
    }

    public ModelGraph build() {
      return new ModelGraph(format, title, new ArrayList<>(nodes), new ArrayList<>(edges), new HashMap<>(index),
          new LinkedHashMap<>(info));
    }

    /** No empty path segments, no leading or trailing '/'; an empty name becomes the op's name. */
    static String cleanName(String name, String op) {
      StringBuilder sb = new StringBuilder(name.length());
      for (String part : name.split("/", -1)) {
        if (!part.isEmpty()) {
          sb.append(sb.length() == 0 ? "" : "/").append(part);
        }
      }
      if (sb.length() == 0) {
        return op.isEmpty() ? "node" : op.replace('/', '_');
      }
      return sb.toString();
    }
  }
}
