package dev.trainscope.graph;

import dev.trainscope.events.proto.MalformedProtoException;
import dev.trainscope.events.wire.ProtoReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Reads ONNX model files ({@code ModelProto}) into a {@link ModelGraph}, so that a model exported
 * by {@code torch.onnx.export}, tf2onnx or {@code onnx.helper} can be looked at beside the runs that
 * trained it, without an ONNX runtime or a protobuf library: the file is decoded with the project's
 * own {@link ProtoReader}, field numbers as in {@code onnx.proto}.
 *
 * <p>Each {@code NodeProto} becomes a node named by its (scoped) name, or its op type when unnamed;
 * graph inputs that are not initializers become {@code Input} nodes and graph outputs {@code
 * Output} nodes named {@code output/<name>}. Nodes of subgraphs ({@code If} branches, {@code Loop}
 * and {@code Scan} bodies) are included under the scope {@code <node>/<attribute>}. An edge runs
 * from the producer of each value a node consumes, labelled with the value's shape where the file
 * says it; initializers are not nodes but the parameters of the first node that consumes them.
 *
 * <p>Bytes that are not an ONNX model throw {@link BadGraphException}, never anything else; what
 * is decoded is bounded by the input's size.
 */
public final class OnnxModels {
  /** Decoded list elements (nodes, values, attributes, tensors, names) beyond which a file is refused. */
  static final int MAX_ITEMS = 1_000_000;
  /** Graph nodes (subgraphs, inputs and outputs included) beyond which a file is refused; big LLM exports have ~100k. */
  static final int MAX_NODES = 500_000;
  /** List attributes show this many elements, then a count. */
  private static final int SHOWN = 16;

  private static final String[] TYPES = {"undefined", "float32", "uint8", "int8", "uint16", "int16", "int32",
      "int64", "string", "bool", "float16", "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16",
      "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1"};

  private OnnxModels() {}

  /** Reads an ONNX file; see {@link #read(byte[])}. */
  public static ModelGraph read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 16) {
      throw new BadGraphException(file + ": " + size + " bytes is more than a protobuf message can hold"
          + " (large ONNX models keep their weights in external data files)");
    }
    return read(Files.readAllBytes(file));
  }

  /** Decodes a serialized {@code ModelProto}; throws {@link BadGraphException} when it is not one. */
  public static ModelGraph read(byte[] bytes) {
    Model model;
    try {
      model = new Decoder().model(ProtoReader.of(bytes));
    } catch (MalformedProtoException e) {
      throw new BadGraphException("not an ONNX model: " + e.getMessage(), e);
    }
    if (model.graph == null) {
      throw new BadGraphException("not an ONNX model: " + bytes.length + " bytes without a graph (ModelProto field 7)");
    }
    return new Converter(model).build();
  }

  // ---- what is kept of the file ----

  private record Model(long irVersion, String producer, String domain, long modelVersion, String doc, Graph graph,
      List<String> opsets) {}

  private record Graph(String name, List<NodeP> nodes, List<Tensor> initializers, List<Value> inputs,
      List<Value> outputs, List<Value> valueInfo) {}

  private record NodeP(String name, String op, List<String> inputs, List<String> outputs, List<Attr> attrs) {}

  /** An attribute as text, and the subgraphs it holds (GRAPH: one named like it, GRAPHS: name/i). */
  private record Attr(String name, String text, Map<String, Graph> graphs) {}

  /** A tensor's type and dims; {@code preview} its values when there are a few, else "". */
  private record Tensor(String name, int dataType, long[] dims, long elements, String preview) {
    /** As {@code float32 [64, 3, 7, 7]}, for weights. */
    String text() {
      return typeName(dataType) + " " + dimsText(dims);
    }

    /** With its values when there are a few, as {@code int64 [2] = [-1, 784]}, for attributes (Constant). */
    String valueText() {
      return text() + (preview.isEmpty() ? "" : " = " + preview);
    }
  }

  /** A graph input, output or value_info: its element type and shape text ("" when unknown). */
  private record Value(String name, int elemType, String shape) {}

  static String typeName(int t) {
    return t >= 0 && t < TYPES.length ? TYPES[t] : "type" + t;
  }

  private static String dimsText(long[] dims) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return sb.append(']').toString();
  }

  // ---- decoding ----

  /** Decoders for the messages of onnx.proto that a graph needs; counts list elements against {@link #MAX_ITEMS}. */
  private static final class Decoder {
    private int items;

    private <T> T item(T value) {
      if (++items > MAX_ITEMS) {
        throw new BadGraphException("ONNX model has more than " + MAX_ITEMS + " nodes, values and names; refused");
      }
      return value;
    }

    private static void expectLen(ProtoReader r, int t, String field) {
      r.expect(t, ProtoReader.LEN, field);
    }

    Model model(ProtoReader r) {
      long ir = 0;
      long version = 0;
      String name = "";
      String pv = "";
      String domain = "";
      String doc = "";
      Graph graph = null;
      List<String> opsets = new ArrayList<>();
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.VARINT, "ir_version"); ir = r.readInt64(); break;
          case 2: expectLen(r, t, "producer_name"); name = r.readString(); break;
          case 3: expectLen(r, t, "producer_version"); pv = r.readString(); break;
          case 4: expectLen(r, t, "domain"); domain = r.readString(); break;
          case 5: r.expect(t, ProtoReader.VARINT, "model_version"); version = r.readInt64(); break;
          case 6: expectLen(r, t, "doc_string"); doc = r.readString(); break;
          case 7: expectLen(r, t, "graph"); graph = r.readMessage(this::graph); break;
          case 8: expectLen(r, t, "opset_import"); opsets.add(item(r.readMessage(Decoder::opset))); break;
          default: r.skipField(t);
        }
      }
      String producer = (name + " " + pv).strip();
      return new Model(ir, producer, domain, version, doc, graph, opsets);
    }

    /** {@code OperatorSetIdProto} as {@code ai.onnx 13}. */
    static String opset(ProtoReader r) {
      String domain = "";
      long version = 0;
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: expectLen(r, t, "opset_import.domain"); domain = r.readString(); break;
          case 2: r.expect(t, ProtoReader.VARINT, "opset_import.version"); version = r.readInt64(); break;
          default: r.skipField(t);
        }
      }
      return (domain.isEmpty() ? "ai.onnx" : domain) + " " + version;
    }

    Graph graph(ProtoReader r) {
      String name = "";
      List<NodeP> nodes = new ArrayList<>();
      List<Tensor> inits = new ArrayList<>();
      List<Value> inputs = new ArrayList<>();
      List<Value> outputs = new ArrayList<>();
      List<Value> info = new ArrayList<>();
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: expectLen(r, t, "graph.node"); nodes.add(item(r.readMessage(this::node))); break;
          case 2: expectLen(r, t, "graph.name"); name = r.readString(); break;
          case 5: expectLen(r, t, "graph.initializer"); inits.add(item(r.readMessage(Decoder::tensor))); break;
          case 11: expectLen(r, t, "graph.input"); inputs.add(item(r.readMessage(Decoder::value))); break;
          case 12: expectLen(r, t, "graph.output"); outputs.add(item(r.readMessage(Decoder::value))); break;
          case 13: expectLen(r, t, "graph.value_info"); info.add(item(r.readMessage(Decoder::value))); break;
          default: r.skipField(t);
        }
      }
      return new Graph(name, nodes, inits, inputs, outputs, info);
    }

    NodeP node(ProtoReader r) {
      List<String> inputs = new ArrayList<>();
      List<String> outputs = new ArrayList<>();
      String name = "";
      String op = "";
      String domain = "";
      List<Attr> attrs = new ArrayList<>();
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: expectLen(r, t, "node.input"); inputs.add(item(r.readString())); break;
          case 2: expectLen(r, t, "node.output"); outputs.add(item(r.readString())); break;
          case 3: expectLen(r, t, "node.name"); name = r.readString(); break;
          case 4: expectLen(r, t, "node.op_type"); op = r.readString(); break;
          case 5: expectLen(r, t, "node.attribute"); attrs.add(item(r.readMessage(this::attr))); break;
          case 7: expectLen(r, t, "node.domain"); domain = r.readString(); break;
          default: r.skipField(t);
        }
      }
      if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
        op = domain + "::" + op;
      }
      return new NodeP(name, op, inputs, outputs, attrs);
    }

    Attr attr(ProtoReader r) {
      String name = "";
      int type = 0;
      Float f = null;
      Long i = null;
      String s = null;
      Tensor tensor = null;
      Graph g = null;
      ProtoReader.FloatList floats = new ProtoReader.FloatList();
      ProtoReader.LongList ints = new ProtoReader.LongList();
      List<String> strings = new ArrayList<>();
      List<Tensor> tensors = new ArrayList<>();
      List<Graph> graphs = new ArrayList<>();
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: expectLen(r, t, "attribute.name"); name = r.readString(); break;
          case 20: r.expect(t, ProtoReader.VARINT, "attribute.type"); type = r.readInt32(); break;
          case 2: r.expect(t, ProtoReader.I32, "attribute.f"); f = r.readFloat(); break;
          case 3: r.expect(t, ProtoReader.VARINT, "attribute.i"); i = r.readInt64(); break;
          case 4: expectLen(r, t, "attribute.s"); s = r.readString(); break;
          case 5: expectLen(r, t, "attribute.t"); tensor = r.readMessage(Decoder::tensor); break;
          case 6: expectLen(r, t, "attribute.g"); g = r.readMessage(this::graph); break;
          case 7: r.readFloats(t, floats); break;
          case 8: r.readVarints(t, ints); break;
          case 9: expectLen(r, t, "attribute.strings"); strings.add(item(r.readString())); break;
          case 10: expectLen(r, t, "attribute.tensors"); tensors.add(item(r.readMessage(Decoder::tensor))); break;
          case 11: expectLen(r, t, "attribute.graphs"); graphs.add(item(r.readMessage(this::graph))); break;
          default: r.skipField(t);
        }
      }
      float[] fs = floats.toArray();
      long[] is = ints.toArray();
      if (type == 0) { // files before IR 2 say nothing; the field that is set tells
        type = g != null ? 5 : tensor != null ? 4 : s != null ? 3 : !graphs.isEmpty() ? 10 : !tensors.isEmpty() ? 9
            : !strings.isEmpty() ? 8 : is.length > 0 ? 7 : fs.length > 0 ? 6 : f != null ? 1 : i != null ? 2 : 0;
      }
      Map<String, Graph> subgraphs = new LinkedHashMap<>();
      String text;
      switch (type) {
        case 1: text = Float.toString(f == null ? 0f : f); break;
        case 2: text = Long.toString(i == null ? 0 : i); break;
        case 3: text = s == null ? "" : s; break;
        case 4: text = tensor == null ? "tensor" : tensor.valueText(); break;
        case 5:
          text = g == null ? "graph" : "graph (" + g.nodes.size() + " nodes)";
          if (g != null) {
            subgraphs.put(name, g);
          }
          break;
        case 6: text = list(fs.length, k -> Float.toString(fs[k])); break;
        case 7: text = list(is.length, k -> Long.toString(is[k])); break;
        case 8: text = list(strings.size(), k -> '"' + strings.get(k) + '"'); break;
        case 9: text = list(tensors.size(), k -> tensors.get(k).valueText()); break;
        case 10:
          text = list(graphs.size(), k -> "graph (" + graphs.get(k).nodes.size() + " nodes)");
          for (int k = 0; k < graphs.size(); k++) {
            subgraphs.put(name + "/" + k, graphs.get(k));
          }
          break;
        case 11: text = "sparse tensor"; break;
        case 12: text = "sparse tensors"; break;
        case 13: text = "type"; break;
        case 14: text = "types"; break;
        default: text = "";
      }
      return new Attr(name, text, subgraphs);
    }

    static String list(int n, IntFunction<String> element) {
      StringBuilder sb = new StringBuilder("[");
      for (int k = 0; k < Math.min(n, SHOWN); k++) {
        sb.append(k == 0 ? "" : ", ").append(element.apply(k));
      }
      if (n > SHOWN) {
        sb.append(", ... (").append(n).append(" in all)");
      }
      return sb.append(']').toString();
    }

    /** {@code TensorProto}: dims, type, name, and its values when it holds a few (Constant nodes, shapes). */
    static Tensor tensor(ProtoReader r) {
      ProtoReader.LongList dimList = new ProtoReader.LongList();
      ProtoReader.LongList ints = new ProtoReader.LongList();
      ProtoReader.FloatList floats = new ProtoReader.FloatList();
      ProtoReader.DoubleList doubles = new ProtoReader.DoubleList();
      int type = 0;
      String name = "";
      byte[] raw = null;
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.readVarints(t, dimList); break;
          case 2: r.expect(t, ProtoReader.VARINT, "tensor.data_type"); type = r.readInt32(); break;
          case 4: r.readFloats(t, floats); break;
          case 5: case 7: case 11: r.readVarints(t, ints); break; // int32_data, int64_data, uint64_data
          case 8: expectLen(r, t, "tensor.name"); name = r.readString(); break;
          case 9:
            expectLen(r, t, "tensor.raw_data");
            int len = r.readLength();
            raw = len <= 64 ? Arrays.copyOfRange(r.array(), r.arrayPosition(), r.arrayPosition() + len) : new byte[0];
            r.skipRaw(len);
            break;
          case 10: r.readDoubles(t, doubles); break;
          default: r.skipField(t);
        }
      }
      long[] dims = dimList.toArray();
      long n = 1;
      for (long d : dims) {
        if (d < 0) {
          throw new BadGraphException("not an ONNX model: tensor '" + name + "' has dims " + dimsText(dims));
        }
        n = n > Long.MAX_VALUE / Math.max(d, 1) ? Long.MAX_VALUE : n * d;
      }
      return new Tensor(name, type, dims, n, preview(type, n, raw, ints.toArray(), floats.toArray(), doubles.toArray()));
    }

    /** The values of a tensor of at most 8 numbers, as {@code 5} or {@code [-1, 784]}; "" otherwise. */
    static String preview(int type, long n, byte[] raw, long[] ints, float[] floats, double[] doubles) {
      if (n < 1 || n > 8) {
        return "";
      }
      int count = (int) n;
      String[] v = new String[count];
      if (raw != null) {
        int width = switch (type) {
          case 1, 6, 12 -> 4;
          case 7, 11, 13 -> 8;
          case 2, 3, 9 -> 1;
          case 4, 5 -> 2;
          default -> 0;
        };
        if (width == 0 || raw.length != width * count) {
          return "";
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < count; k++) {
          v[k] = switch (type) {
            case 1 -> Float.toString(b.getFloat());
            case 6 -> Integer.toString(b.getInt());
            case 12 -> Integer.toUnsignedString(b.getInt());
            case 7 -> Long.toString(b.getLong());
            case 11 -> Double.toString(b.getDouble());
            case 13 -> Long.toUnsignedString(b.getLong());
            case 2 -> Integer.toString(b.get() & 0xFF);
            case 3 -> Integer.toString(b.get());
            case 9 -> Boolean.toString(b.get() != 0);
            case 4 -> Integer.toString(b.getShort() & 0xFFFF);
            default -> Integer.toString(b.getShort());
          };
        }
      } else if (type == 1 && floats.length == count) {
        for (int k = 0; k < count; k++) {
          v[k] = Float.toString(floats[k]);
        }
      } else if (type == 11 && doubles.length == count) {
        for (int k = 0; k < count; k++) {
          v[k] = Double.toString(doubles[k]);
        }
      } else if (ints.length == count && type >= 2 && type <= 13 && type != 8 && type != 10 && type != 11) {
        for (int k = 0; k < count; k++) {
          v[k] = type == 9 ? Boolean.toString(ints[k] != 0)
              : type == 13 ? Long.toUnsignedString(ints[k]) : type == 6 ? Integer.toString((int) ints[k])
              : Long.toString(ints[k]);
        }
      } else {
        return "";
      }
      return count == 1 ? v[0] : "[" + String.join(", ", v) + "]";
    }

    /** {@code ValueInfoProto} with its {@code TypeProto}: tensor (1) or sparse tensor (8) types have shapes. */
    static Value value(ProtoReader r) {
      String name = "";
      Value type = new Value("", 0, "");
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: expectLen(r, t, "value_info.name"); name = r.readString(); break;
          case 2: expectLen(r, t, "value_info.type"); type = r.readMessage(Decoder::type); break;
          default: r.skipField(t);
        }
      }
      return new Value(name, type.elemType, type.shape);
    }

    static Value type(ProtoReader r) {
      Value v = new Value("", 0, "");
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: case 8: expectLen(r, t, "type.tensor_type"); v = r.readMessage(Decoder::tensorType); break;
          default: r.skipField(t);
        }
      }
      return v;
    }

    static Value tensorType(ProtoReader r) {
      int elem = 0;
      String shape = "";
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.VARINT, "tensor_type.elem_type"); elem = r.readInt32(); break;
          case 2: expectLen(r, t, "tensor_type.shape"); shape = r.readMessage(Decoder::shape); break;
          default: r.skipField(t);
        }
      }
      return new Value("", elem, shape);
    }

    /** {@code TensorShapeProto} as {@code [N, 3, 224, 224]}: dim_param as is, a dimension with neither as '?'. */
    static String shape(ProtoReader r) {
      StringBuilder sb = new StringBuilder("[");
      boolean first = true;
      for (int t; (t = r.readTag()) != 0; ) {
        if (ProtoReader.fieldNumber(t) == 1) {
          expectLen(r, t, "shape.dim");
          sb.append(first ? "" : ", ").append(r.readMessage(Decoder::dim));
          first = false;
        } else {
          r.skipField(t);
        }
      }
      return sb.append(']').toString();
    }

    static String dim(ProtoReader r) {
      String text = "?";
      for (int t; (t = r.readTag()) != 0; ) {
        switch (ProtoReader.fieldNumber(t)) {
          case 1: r.expect(t, ProtoReader.VARINT, "dim_value"); text = Long.toString(r.readInt64()); break;
          case 2: expectLen(r, t, "dim_param"); text = r.readString(); break;
          default: r.skipField(t);
        }
      }
      return text.isEmpty() ? "?" : text;
    }
  }

  // ---- from the file's graphs to one ModelGraph ----

  /**
   * What a value name means in a graph: a node's output (node set), or a value that no node makes
   * (an initializer, a subgraph's own input), which hides the same name in outer graphs.
   */
  private record Binding(String node, int output, Tensor init) {}

  /** One graph's names; subgraphs look names up through their outer scopes. */
  private static final class Scope {
    final Scope outer;
    final Map<String, Binding> values = new HashMap<>();
    final Map<String, Value> types = new HashMap<>();

    Scope(Scope outer) {
      this.outer = outer;
    }

    Binding binding(String name) {
      for (Scope s = this; s != null; s = s.outer) {
        Binding b = s.values.get(name);
        if (b != null) {
          return b;
        }
      }
      return null;
    }

    String shape(String name) {
      for (Scope s = this; s != null; s = s.outer) {
        Value v = s.types.get(name);
        if (v != null) {
          return v.shape;
        }
      }
      return "";
    }
  }

  private static final class Converter {
    private final Model model;
    private final ModelGraph.Builder b = ModelGraph.builder(ModelGraph.Format.ONNX);
    /** Initializers already counted as some node's parameters. */
    private final Set<Tensor> counted = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Per taken name, the first {@code _k} suffix not yet tried. */

    Converter(Model model) {
      this.model = model;
    }

    ModelGraph build() {
      Graph g = model.graph;
      String name = g.name.isEmpty() ? "model" : g.name;
      b.title("ONNX: " + name + (model.producer.isEmpty() ? "" : " (" + model.producer + ")"));
      b.info("ir_version", model.irVersion == 0 ? "" : Long.toString(model.irVersion));
      b.info("producer", model.producer);
      b.info("opset", String.join(", ", model.opsets));
      b.info("graph", g.name);
      b.info("domain", model.domain);
      b.info("model_version", model.modelVersion == 0 ? "" : Long.toString(model.modelVersion));
      b.info("doc", model.doc);
      graph(g, "", null);
      return b.build();
    }

    /** Adds the nodes and edges of {@code g}; {@code prefix} is "" for the model's graph, else a node/attribute scope. */
    private void graph(Graph g, String prefix, Scope outer) {
      boolean top = outer == null;
      Scope scope = new Scope(outer);
      for (List<Value> values : List.of(g.valueInfo, g.inputs, g.outputs)) {
        for (Value v : values) {
          Value known = scope.types.get(v.name);
          if (known == null || known.shape.isEmpty()) {
            scope.types.put(v.name, v);
          }
        }
      }
      Set<String> initNames = new HashSet<>();
      for (Tensor t : g.initializers) {
        initNames.add(t.name);
      }
      for (Value in : g.inputs) {
        if (top && !initNames.contains(in.name)) {
          String shape = scope.shape(in.name);
          String added = add(new ModelGraph.Node(in.name, "Input", "", List.of(shape), 0, dtype(in)));
          scope.values.put(in.name, new Binding(added, 0, null));
        } else {
          scope.values.put(in.name, new Binding(null, 0, null));
        }
      }
      for (Tensor t : g.initializers) {
        scope.values.put(t.name, new Binding(null, 0, t));
      }
      List<String> added = new ArrayList<>(g.nodes.size());
      for (NodeP n : g.nodes) {
        String name = prefix.isEmpty() ? n.name : prefix + "/" + (n.name.isEmpty() ? n.op.replace('/', '_') : n.name);
        Map<String, String> attrs = new LinkedHashMap<>();
        for (Attr a : n.attrs) {
          attrs.put(a.name, a.text);
        }
        long params = 0;
        for (String in : n.inputs) {
          Binding bound = in.isEmpty() ? null : scope.binding(in);
          if (bound != null && bound.init != null) {
            attrs.put("weight:" + in, bound.init.text());
            if (counted.add(bound.init)) {
              params = params > Long.MAX_VALUE - bound.init.elements ? Long.MAX_VALUE : params + bound.init.elements;
            }
          }
        }
        List<String> shapes = new ArrayList<>(n.outputs.size());
        for (String out : n.outputs) {
          shapes.add(out.isEmpty() ? "" : scope.shape(out));
        }
        String given = add(new ModelGraph.Node(name, n.op, "", shapes, params, attrs));
        added.add(given);
        for (int k = 0; k < n.outputs.size(); k++) {
          if (!n.outputs.get(k).isEmpty()) {
            scope.values.put(n.outputs.get(k), new Binding(given, k, null));
          }
        }
      }
      for (int k = 0; k < g.nodes.size(); k++) {
        for (Attr a : g.nodes.get(k).attrs) {
          for (Map.Entry<String, Graph> sub : a.graphs.entrySet()) {
            graph(sub.getValue(), added.get(k) + "/" + sub.getKey(), scope);
          }
        }
      }
      for (int k = 0; k < g.nodes.size(); k++) {
        for (String in : g.nodes.get(k).inputs) {
          connect(scope, in, added.get(k));
        }
      }
      if (top) {
        for (Value out : g.outputs) {
          String name = add(new ModelGraph.Node("output/" + out.name, "Output", "", List.of(), 0, dtype(out)));
          connect(scope, out.name, name);
        }
      }
    }

    private void connect(Scope scope, String value, String to) {
      Binding from = value.isEmpty() ? null : scope.binding(value);
      if (from != null && from.node != null) {
        b.connect(from.node, from.output, to, scope.shape(value), false);
      }
    }

    /** Adds a node under a name not taken yet (the builder suffixes taken names in linear time). */
    private String add(ModelGraph.Node node) {
      if (b.size() >= MAX_NODES) {
        throw new BadGraphException("ONNX model has more than " + MAX_NODES + " nodes; refused");
      }
      return b.add(node);
    }

    private static Map<String, String> dtype(Value v) {
      return v.elemType == 0 ? Map.of() : Map.of("dtype", typeName(v.elemType));
    }
  }
}
