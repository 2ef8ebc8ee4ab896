package dev.trainscope.benchmarks;

import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a TensorFlow-1-style training GraphDef of ResNet-50 (the shape of what
 * {@code tf.summary.FileWriter(logdir, sess.graph)} logs): per variable its VariableV2, initializer
 * ops, Assign and read; per convolution Conv2D, FusedBatchNorm and Relu under the layer's name
 * scope; the bottleneck blocks' shortcuts and adds; then a {@code gradients} scope with one gradient
 * op per forward op and a {@code Momentum} scope with one update per variable. About 5,000 nodes,
 * with {@code _output_shapes}, the way big graphs in the wild look.
 *
 * <p>Usage: {@code GenerateGraph OUT.pb [EXTRA_BLOCKS]}; more bottleneck blocks in stage 3 make
 * bigger graphs.
 */
public final class GenerateGraph {
  private final List<NodeDef> nodes = new ArrayList<>();
  private final List<String> variables = new ArrayList<>();
  private final List<String> forward = new ArrayList<>();

  public static void main(String[] args) throws IOException {
    int extra = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    GraphDefProto g = resnet50(extra);
    byte[] bytes = g.toByteArray();
    Files.write(Path.of(args[0]), bytes);
    System.out.println("wrote " + g.nodes().size() + " nodes, " + bytes.length + " bytes to " + args[0]);
  }

  public static GraphDefProto resnet50(int extraBlocks) {
    GenerateGraph b = new GenerateGraph();
    String x = b.op("input", "Placeholder", List.of(), shape(-1, 224, 224, 3));
    x = b.convBn("resnet50/conv1", x, 7, 3, 64, 112, true);
    x = b.op("resnet50/pool1/MaxPool", "MaxPool", List.of(x), shape(-1, 56, 56, 64));
    int[] blocks = {3, 4, 6 + extraBlocks, 3};
    int[] widths = {64, 128, 256, 512};
    int[] sizes = {56, 28, 14, 7};
    int in = 64;
    for (int s = 0; s < 4; s++) {
      for (int k = 0; k < blocks[s]; k++) {
        String scope = "resnet50/block" + (s + 1) + "/unit" + (k + 1);
        int w = widths[s];
        int hw = sizes[s];
        String shortcut = x;
        if (k == 0) {
          shortcut = b.convBn(scope + "/shortcut", x, 1, in, 4 * w, hw, false);
        }
        String y = b.convBn(scope + "/conv1", x, 1, k == 0 ? in : 4 * w, w, hw, true);
        y = b.convBn(scope + "/conv2", y, 3, w, w, hw, true);
        y = b.convBn(scope + "/conv3", y, 1, w, 4 * w, hw, false);
        String add = b.op(scope + "/add", "AddV2", List.of(shortcut, y), shape(-1, hw, hw, 4 * w));
        x = b.op(scope + "/Relu", "Relu", List.of(add), shape(-1, hw, hw, 4 * w));
        in = 4 * w;
      }
    }
    x = b.op("resnet50/pool5/Mean", "Mean", List.of(x, b.constant("resnet50/pool5/reduction_indices", shape(2))),
        shape(-1, 2048));
    String wt = b.variable("resnet50/logits/kernel", shape(2048, 1000));
    String bs = b.variable("resnet50/logits/bias", shape(1000));
    x = b.op("resnet50/logits/MatMul", "MatMul", List.of(x, wt), shape(-1, 1000));
    x = b.op("resnet50/logits/BiasAdd", "BiasAdd", List.of(x, bs), shape(-1, 1000));
    String labels = b.op("labels", "Placeholder", List.of(), shape(-1));
    String loss = b.op("loss/SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
        List.of(x, labels), shape(-1));
    loss = b.op("loss/Mean", "Mean", List.of(loss, b.constant("loss/Const", shape(1))), shape());
    // gradients: one op per forward op, chained backwards, each also reading its forward op
    String grad = b.op("gradients/Fill", "Fill", List.of(b.constant("gradients/Shape", shape(0)), loss), shape());
    List<String> fw = new ArrayList<>(b.forward);
    for (int i = fw.size() - 1; i >= 0; i--) {
      String f = fw.get(i);
      grad = b.op("gradients/" + f + "_grad/" + opOf(b, f) + "Grad", opOf(b, f) + "Grad", List.of(grad, f), shape());
    }
    String lr = b.constant("Momentum/learning_rate", shape());
    String momentum = b.constant("Momentum/momentum", shape());
    List<String> updates = new ArrayList<>();
    for (String v : new ArrayList<>(b.variables)) {
      String acc = b.variable(v + "/Momentum", shape());
      updates.add(b.op("Momentum/update_" + v + "/ApplyMomentum", "ApplyMomentum",
          List.of(v, acc, lr, grad, momentum), shape()));
    }
    List<String> control = new ArrayList<>();
    for (String u : updates) {
      control.add("^" + u);
    }
    b.op("Momentum", "NoOp", control, null);
    return new GraphDefProto(b.nodes, 27, List.of());
  }

  private static String opOf(GenerateGraph b, String name) {
    for (NodeDef n : b.nodes) {
      if (n.name().equals(name)) {
        return n.op();
      }
    }
    return "Op";
  }

  private String convBn(String scope, String x, int k, int cin, int cout, int hw, boolean relu) {
    String kernel = variable(scope + "/kernel", shape(k, k, cin, cout));
    String y = op(scope + "/Conv2D", "Conv2D", List.of(x, kernel), shape(-1, hw, hw, cout));
    List<String> bn = new ArrayList<>();
    bn.add(y);
    for (String p : List.of("gamma", "beta", "moving_mean", "moving_variance")) {
      bn.add(variable(scope + "/bn/" + p, shape(cout)));
    }
    y = op(scope + "/bn/FusedBatchNorm", "FusedBatchNormV3", bn, shape(-1, hw, hw, cout));
    return relu ? op(scope + "/Relu", "Relu", List.of(y), shape(-1, hw, hw, cout)) : y;
  }

  /** A variable with its initializer (random normal, scaled), its Assign and its read. */
  private String variable(String name, TensorShape s) {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("shape", new AttrValue.Shape(s));
    attrs.put("dtype", new AttrValue.Type(1));
    String v = add(new NodeDef(name, "VariableV2", List.of(), "/device:CPU:0", withShapes(attrs, s)));
    String init = name + "/Initializer";
    String shp = constant(init + "/shape", shape(s.rank()));
    String rnd = op(init + "/RandomStandardNormal", "RandomStandardNormal", List.of(shp), s);
    String mul = op(init + "/mul", "Mul", List.of(rnd, constant(init + "/stddev", shape())), s);
    String val = op(init + "/add", "AddV2", List.of(mul, constant(init + "/mean", shape())), s);
    op(name + "/Assign", "Assign", List.of(v, val), s);
    String read = op(name + "/read", "Identity", List.of(v), s);
    variables.add(name);
    return read;
  }

  private String constant(String name, TensorShape s) {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("dtype", new AttrValue.Type(1));
    return add(new NodeDef(name, "Const", List.of(), "", withShapes(attrs, s)));
  }

  private String op(String name, String op, List<String> inputs, TensorShape out) {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    attrs.put("T", new AttrValue.Type(1));
    String n = add(new NodeDef(name, op, inputs, "", out == null ? attrs : withShapes(attrs, out)));
    if (!name.startsWith("gradients/") && !name.startsWith("Momentum") && !name.contains("/Initializer/")
        && !op.equals("Assign") && !op.equals("Identity") && !op.equals("Placeholder")) {
      forward.add(n);
    }
    return n;
  }

  private static Map<String, AttrValue> withShapes(Map<String, AttrValue> attrs, TensorShape s) {
    attrs.put("_output_shapes", AttrValue.shapes(List.of(s)));
    return attrs;
  }

  private String add(NodeDef n) {
    nodes.add(n);
    return n.name();
  }

  private static TensorShape shape(long... dims) {
    return TensorShape.of(dims);
  }
}
