package dev.trainscope.graph;

import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TensorFlow GraphDefs (and the GraphDefs PyTorch and tensorboardX write in the same format) as a
 * {@link ModelGraph}.
 *
 * <p>Every NodeDef is a node; every input string is an edge: {@code "a"} from output 0 of node a,
 * {@code "a:k"} from output k, {@code "^a"} a control dependency. Tensor shapes come from the
 * {@code _output_shapes} attribute where the writer added it (tensorboardX and torch always do; TF1
 * with {@code add_shapes=True}). Variables count their shape's elements as parameters.
 */
public final class TfGraphs {
  private TfGraphs() {}

  /** The attribute that holds each output's shape; shown on edges, not in the attribute list. */
  static final String OUTPUT_SHAPES = "_output_shapes";

  /** Decodes serialized GraphDef bytes. */
  public static ModelGraph read(byte[] graphDef) {
    GraphDefProto g;
    try {
      g = GraphDefProto.parse(graphDef);
    } catch (MalformedProtoException e) {
      throw new BadGraphException("not a GraphDef: " + e.getMessage(), e);
    }
    return from(g, "");
  }

  /** Decodes a serialized MetaGraphDef and takes the graph inside it. */
  public static ModelGraph readMeta(byte[] metaGraphDef) {
    GraphDefProto.Meta m;
    try {
      m = GraphDefProto.Meta.parse(metaGraphDef);
    } catch (MalformedProtoException e) {
      throw new BadGraphException("not a MetaGraphDef: " + e.getMessage(), e);
    }
    return from(m.graph(), m.tensorflowVersion());
  }

  /** True when a PyTorch exporter wrote the graph: its ops are TorchScript's ({@code aten::}, {@code prim::}) or it has IO Nodes. */
  static boolean isTorch(GraphDefProto g) {
    int n = Math.min(g.nodes().size(), 200);
    for (int i = 0; i < n; i++) {
      String op = g.nodes().get(i).op();
      if (op.equals("IO Node") || op.contains("::")) {
        return true;
      }
    }
    return false;
  }

  static ModelGraph from(GraphDefProto g, String tensorflowVersion) {
    boolean torch = isTorch(g);
    // Trainscope's DJL listener marks its block nodes with their parameter counts
    boolean djl = !torch && g.nodes().stream().anyMatch(n -> n.attrs().containsKey("param_count"));
    ModelGraph.Format format = torch ? ModelGraph.Format.TORCH : djl ? ModelGraph.Format.DJL : ModelGraph.Format.TF_GRAPHDEF;
    ModelGraph.Builder b = ModelGraph.builder(format);
    b.title(format.label + " (" + g.nodes().size() + " nodes)");
    b.info("producer", g.producer() == 0 ? "" : Integer.toString(g.producer()));
    b.info("tensorflow_version", tensorflowVersion);
    b.info("functions", g.functions().isEmpty() ? "" : Integer.toString(g.functions().size()));
    List<String> names = new ArrayList<>(g.nodes().size());
    for (NodeDef n : g.nodes()) {
      names.add(b.add(node(n)));
    }
    int unresolved = 0;
    for (int i = 0; i < g.nodes().size(); i++) {
      NodeDef n = g.nodes().get(i);
      for (String in : n.inputs()) {
        boolean control = in.startsWith("^");
        String src = control ? in.substring(1) : in;
        int output = 0;
        int colon = src.lastIndexOf(':');
        if (colon > 0 && isDigits(src, colon + 1)) {
          output = parseOutput(src, colon + 1);
          src = src.substring(0, colon);
        }
        int from = b.indexOf(ModelGraph.Builder.cleanName(src, ""));
        String shape = from < 0 || control ? "" : b.node(from).outputShape(output);
        if (from < 0 || !b.connect(b.node(from).name(), output, names.get(i), shape, control)) {
          unresolved++;
        }
      }
    }
    b.info("unresolved_inputs", unresolved == 0 ? "" : Integer.toString(unresolved));
    return b.build();
  }

  private static ModelGraph.Node node(NodeDef n) {
    List<String> shapes = new ArrayList<>();
    Map<String, String> attrs = new LinkedHashMap<>();
    long params = 0;
    for (Map.Entry<String, AttrValue> e : n.attrs().entrySet()) {
      AttrValue v = e.getValue();
      if (e.getKey().equals(OUTPUT_SHAPES) && v instanceof AttrValue.ListOf l) {
        for (AttrValue s : l.values()) {
          shapes.add(s instanceof AttrValue.Shape sh ? sh.display() : "");
        }
        continue;
      }
      if (e.getKey().equals("param_count") && v instanceof AttrValue.Int i) {
        params = i.value();
      }
      attrs.put(e.getKey(), v.display());
    }
    if (params == 0 && isVariable(n.op()) && n.attrs().get("shape") instanceof AttrValue.Shape s) {
      params = Math.max(0, elements(s.shape()));
    }
    return new ModelGraph.Node(n.name(), n.op(), n.device(), shapes, params, attrs);
  }

  private static boolean isVariable(String op) {
    return op.equals("VariableV2") || op.equals("Variable") || op.equals("VarHandleOp");
  }

  private static long elements(TensorShape s) {
    return s.numElements();
  }

  private static boolean isDigits(String s, int from) {
    if (from >= s.length() || s.length() - from > 9) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static int parseOutput(String s, int from) {
    return Integer.parseInt(s, from, s.length(), 10);
  }
}
