package dev.trainscope.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A DJL block tree as a TensorFlow GraphDef, so that TensorBoard's graph dashboard and Trainscope's
 * show the network whose numbers the listener logs, with the same layer names. The demo's CNN for
 * a batch of 64 digits becomes:
 *
 * <pre>
 * input                            Placeholder  [64, 1, 28, 28]
 * SequentialBlock/conv2d_1         Conv2d       [64, 16, 28, 28]  layer conv2d_1, param_count 416,
 *                                                                 param:weight [16, 1, 5, 5], param:bias [16]
 * SequentialBlock/relu_1           LambdaBlock  [64, 16, 28, 28]
 * SequentialBlock/maxpool2d_1      LambdaBlock  [64, 16, 14, 14]
 * SequentialBlock/conv2d_2         Conv2d       [64, 32, 14, 14]  layer conv2d_2, ...
 * SequentialBlock/relu_2, SequentialBlock/maxpool2d_2, SequentialBlock/batchflatten_1, SequentialBlock/dropout_1
 * SequentialBlock/linear_1         Linear       [64, 10]          layer linear_1, ...
 * output                           Identity     [64, 10]
 * </pre>
 *
 * each node fed by the one before it.
 *
 * <p><b>Nodes.</b> One node per leaf block (a block without children), named by its path from the
 * root, so that every container becomes a name scope that TensorBoard folds and unfolds; containers
 * are not nodes of their own (TensorBoard takes a name that other names extend for a scope). A
 * container with parameters of its own gets one more node, {@code <container>/params}, which holds
 * them. Then an {@code input} node ({@code Placeholder}) with the input shapes and an {@code
 * output} node ({@code Identity}) fed by what the root returns.
 *
 * <p><b>Names.</b> The root is named by its class ({@code SequentialBlock}). A layer in {@link
 * TagNames}' sense (a step of {@link Network} with trainable parameters) is named as in the tags
 * ({@code conv2d_1}, {@code linear_1}), so a node leads to its histograms. Any other block is
 * named {@code <what>_<n>}, lower case: {@code <what>} is a {@link LambdaBlock}'s own name ({@code
 * ReLU}, {@code maxPool2d}) or else DJL's name of the child without its number ({@code 02Dropout}
 * is {@code dropout}), and {@code n} counts the blocks of that name in forward order across the
 * whole network, skipping names the layers hold, so that the last part of every path is unique.
 * Inside a layer that has children (a block the listener sees as one layer, such as a {@link
 * ParallelBlock} with weights) blocks keep DJL's child names ({@code residual_1/01Linear}), which
 * are the names of their parameters in the layer's tags ({@code weights/residual_1/01Linear_weight}).
 *
 * <p><b>Edges.</b> Children of a {@link SequentialBlock} (or a subclass, whose extra edges such as a
 * residual connection are not seen) run in order: each is fed by what the one before it returns,
 * the first by what feeds the container. Children of a {@link ParallelBlock} are each fed by what
 * feeds the container, and what consumes the container is fed by all of them. Other containers,
 * whose forward is code, are drawn as a ParallelBlock is: a best effort that shows the children
 * and what goes in and out, not their order. A block that returns {@code k > 1} arrays feeds its
 * consumers {@code node}, {@code node:1}, ..., {@code node:k-1}.
 *
 * <p><b>Attributes.</b> {@code _output_shapes}: the block's output shapes from {@link
 * Block#getOutputShapes} for the given input shapes (the batch size as given); left out where
 * they are not known: with no input shapes, inside containers other than sequential and parallel
 * ones (what their children are fed is not known), and where DJL cannot compute them. {@code
 * param_count}: the trainable parameter elements the block owns itself, so that the counts add up
 * to the network's. {@code layer}: the layer's name in tags, on a layer's node and on the nodes
 * inside a layer that has children (a block the listener sees as one layer). {@code
 * param:<name>}: the shape of each trainable parameter ({@code [32, 1, 3, 3]}); {@code
 * state:<name>} the same for a parameter that is not trained (batch norm's running mean).
 *
 * <p>Computing the shapes runs {@link LambdaBlock}s (activations, pooling) on arrays of zeros, as
 * DJL does when it initialises a block: no parameter is touched and no random number drawn. They
 * run for batches of 2 and 3, whatever the batch's size, so the arrays stay small; the shapes for
 * the batch are extended from those two, which is exact for blocks whose sizes grow linearly with
 * the batch (all of DJL's).
 */
public final class BlockGraph {
  /** The name of the node that stands for the network's input. */
  public static final String INPUT = "input";
  /** The name of the node fed by what the network returns. */
  public static final String OUTPUT = "output";
  public static final String OUTPUT_SHAPES = "_output_shapes";
  public static final String PARAM_COUNT = "param_count";
  public static final String LAYER = "layer";
  /** The prefix of the attributes that give a trainable parameter's shape. */
  public static final String PARAM = "param:";
  /** The prefix of the attributes that give a parameter's shape that is not trained. */
  public static final String STATE = "state:";
  /** The name, below its container, of the node holding a container's own parameters. */
  static final String OWN_PARAMS = "params";
  /** The smaller of the two batch sizes output shapes are asked for. */
  static final long SMALL = 2;

  /** Layer names, by block. */
  private final Map<Block, String> layers = new IdentityHashMap<>();
  /** Layers whose name a node has taken (a block added twice to a tree is named twice). */
  private final Set<Block> named = Collections.newSetFromMap(new IdentityHashMap<>());
  /** Last path parts taken, layer names among them from the start. */
  private final Set<String> used = new HashSet<>();
  private final Map<String, Integer> counters = new HashMap<>();
  private final List<NodeDef> nodes = new ArrayList<>();
  /** The size of the first dimension all inputs share (the batch's), or -1. */
  private long batch = -1;

  private BlockGraph(Block root) {
    for (Network.Layer l : Network.of(root).layers) {
      layers.put(l.block, l.name);
      used.add(l.name);
    }
    used.add(INPUT);
    used.add(OUTPUT);
  }

  /**
   * The graph of {@code root} for inputs of the given shapes; with no shapes, the graph without
   * {@code _output_shapes}. Parameter shapes are known once the block is initialised.
   */
  public static GraphDefProto of(Block root, Shape... inputShapes) {
    Require.nonNull(root, "root");
    Require.nonNull(inputShapes, "inputShapes");
    for (int i = 0; i < inputShapes.length; i++) {
      Require.nonNull(inputShapes[i], "inputShapes[" + i + "]");
    }
    return new BlockGraph(root).build(root, inputShapes.length == 0 ? null : inputShapes.clone());
  }

  private GraphDefProto build(Block root, Shape[] in) {
    if (in != null && in[0].dimension() > 0 && leadingDimension(in, in[0].get(0))) {
      batch = in[0].get(0);
    }
    Map<String, AttrValue> inputAttrs = new LinkedHashMap<>();
    putShapes(inputAttrs, in);
    nodes.add(new NodeDef(INPUT, "Placeholder", List.of(), "", inputAttrs));
    Flow out = walk(root, rootName(root), "", refs(INPUT, in), in, null);
    Map<String, AttrValue> outputAttrs = new LinkedHashMap<>();
    putShapes(outputAttrs, out.shapes);
    nodes.add(new NodeDef(OUTPUT, "Identity", out.refs, "", outputAttrs));
    return new GraphDefProto(nodes, 0, List.of());
  }

  /** What a block hands on: the inputs its consumers name, and the shapes (null when unknown). */
  private record Flow(List<String> refs, Shape[] shapes) {}

  /**
   * Adds the nodes of {@code b}, named {@code name} below {@code scope} and fed by {@code in};
   * {@code inLayer} is the layer it is part of, if any.
   */
  private Flow walk(Block b, String name, String scope, List<String> in, Shape[] inShapes, String inLayer) {
    String path = scope.isEmpty() ? name : scope + "/" + name;
    String own = layers.get(b);
    String layer = own != null ? own : inLayer;
    if (b.getChildren().isEmpty()) {
      Shape[] out = outputShapes(b, inShapes);
      nodes.add(node(path, b, in, out, layer));
      return new Flow(refs(path, out), out);
    }
    if (!b.getDirectParameters().isEmpty()) {
      nodes.add(node(path + "/" + OWN_PARAMS, b, in, null, layer));
    }
    boolean sequential = b instanceof SequentialBlock;
    Shape[] childInShapes = sequential || b instanceof ParallelBlock ? inShapes : null;
    List<String> refs = in;
    Shape[] shapes = childInShapes;
    List<String> joined = new ArrayList<>();
    for (Pair<String, Block> c : b.getChildren()) {
      Block child = c.getValue();
      String childName = childName(child, c.getKey(), layer != null);
      if (sequential) {
        Flow f = walk(child, childName, path, refs, shapes, layer);
        refs = f.refs;
        shapes = f.shapes;
      } else {
        joined.addAll(walk(child, childName, path, in, childInShapes, layer).refs);
      }
    }
    if (sequential) {
      // A subclass may return something else than its last child, a residual sum for one.
      return new Flow(refs, b.getClass() == SequentialBlock.class ? shapes : outputShapes(b, inShapes));
    }
    return new Flow(joined, outputShapes(b, inShapes));
  }

  private NodeDef node(String path, Block b, List<String> in, Shape[] out, String layer) {
    Map<String, AttrValue> attrs = new LinkedHashMap<>();
    putShapes(attrs, out);
    long count = 0;
    Map<String, AttrValue> params = new LinkedHashMap<>();
    ParameterList direct = b.getDirectParameters();
    for (Pair<String, Parameter> p : direct) {
      Parameter param = p.getValue();
      Shape s = param.getShape();
      boolean trained = param.requiresGradient();
      params.put((trained ? PARAM : STATE) + Network.safe(param.getName()), AttrValue.str(s == null ? "?" : text(s)));
      if (trained && s != null) {
        count += s.size();
      }
    }
    attrs.put(PARAM_COUNT, new AttrValue.Int(count));
    if (layer != null) {
      attrs.put(LAYER, AttrValue.str(layer));
    }
    attrs.putAll(params);
    return new NodeDef(path, opName(b), in, "", attrs);
  }

  // ---- names ----

  private String rootName(Block root) {
    String layer = layers.get(root);
    if (layer != null) {
      named.add(root);
      return layer;
    }
    String name = Network.safe(opName(root));
    return used.add(name) ? name : numbered(name);
  }

  private String childName(Block child, String djlName, boolean insideLayer) {
    String layer = layers.get(child);
    if (layer != null && named.add(child)) {
      return layer;
    }
    if (insideLayer) {
      return Network.safe(djlName); // as in the layer's parameter tags
    }
    String what = null;
    if (child instanceof LambdaBlock l) {
      what = l.getName();
      if (what == null || what.isEmpty() || what.equals(LambdaBlock.DEFAULT_NAME)) {
        what = null;
      }
    }
    if (what == null) {
      int i = 0;
      while (i < djlName.length() && Character.isDigit(djlName.charAt(i))) {
        i++;
      }
      what = i < djlName.length() ? djlName.substring(i) : opName(child);
    }
    return numbered(Network.safe(what.toLowerCase(Locale.ROOT)));
  }

  /** {@code <base>_<n>} with the lowest n from the base's counter on that no name holds. */
  private String numbered(String base) {
    int n = counters.getOrDefault(base, 0);
    String name;
    do {
      n++;
      name = base + "_" + n;
    } while (!used.add(name));
    counters.put(base, n);
    return name;
  }

  /** The block's class name: {@code Conv2d}; an anonymous class's superclass name. */
  static String opName(Block b) {
    for (Class<?> c = b.getClass(); c != null; c = c.getSuperclass()) {
      if (!c.getSimpleName().isEmpty()) {
        return c.getSimpleName();
      }
    }
    return "Block";
  }

  // ---- shapes ----

  /**
   * The block's output shapes for inputs of shapes {@code in}, or null when they or the inputs are
   * not known. When every input has the batch's size as its first dimension, the block is asked
   * for batches of {@link #SMALL} and {@code SMALL + 1} instead, and each dimension is extended
   * along the line through the two answers to the batch's size: blocks that run code on arrays of
   * zeros to answer ({@link LambdaBlock}) then make small arrays, whatever the batch.
   */
  private Shape[] outputShapes(Block b, Shape[] in) {
    if (in == null) {
      return null;
    }
    if (batch <= SMALL + 1 || !leadingDimension(in, batch)) {
      return ask(b, in);
    }
    Shape[] two = ask(b, withLeadingDimension(in, SMALL));
    Shape[] three = ask(b, withLeadingDimension(in, SMALL + 1));
    if (two == null || three == null || two.length != three.length) {
      return null;
    }
    Shape[] out = new Shape[two.length];
    for (int i = 0; i < out.length; i++) {
      if (two[i].dimension() != three[i].dimension()) {
        return null;
      }
      long[] d = new long[two[i].dimension()];
      for (int k = 0; k < d.length; k++) {
        long atSmall = two[i].get(k);
        long perSample = three[i].get(k) - atSmall;
        if (atSmall < 0 || perSample < 0) {
          return null; // neither a fixed size nor one that grows with the batch
        }
        d[k] = atSmall + perSample * (batch - SMALL);
      }
      out[i] = new Shape(d);
    }
    return out;
  }

  private static boolean leadingDimension(Shape[] in, long size) {
    for (Shape s : in) {
      if (s.dimension() == 0 || s.get(0) != size) {
        return false;
      }
    }
    return true;
  }

  private static Shape[] withLeadingDimension(Shape[] in, long size) {
    Shape[] out = new Shape[in.length];
    for (int i = 0; i < in.length; i++) {
      long[] d = in[i].getShape().clone(); // DJL hands out its own array
      d[0] = size;
      out[i] = new Shape(d);
    }
    return out;
  }

  /** What the block says, or null when it cannot say (or not for these inputs). */
  private static Shape[] ask(Block b, Shape[] in) {
    Shape[] out;
    try {
      out = b.getOutputShapes(in);
    } catch (RuntimeException e) {
      return null; // the graph goes without this block's shapes
    }
    if (out == null) {
      return null;
    }
    for (Shape s : out) {
      if (s == null) {
        return null;
      }
    }
    return out;
  }

  private static void putShapes(Map<String, AttrValue> attrs, Shape[] shapes) {
    if (shapes == null) {
      return;
    }
    List<TensorShape> list = new ArrayList<>(shapes.length);
    for (Shape s : shapes) {
      list.add(TensorShape.of(s.getShape()));
    }
    attrs.put(OUTPUT_SHAPES, AttrValue.shapes(list));
  }

  /** The inputs that name every output of a node: {@code node}, {@code node:1}... */
  private static List<String> refs(String node, Shape[] outputs) {
    int n = outputs == null ? 1 : Math.max(1, outputs.length);
    List<String> out = new ArrayList<>(n);
    out.add(node);
    for (int i = 1; i < n; i++) {
      out.add(node + ":" + i);
    }
    return out;
  }

  /** {@code [32, 1, 3, 3]}. */
  static String text(Shape s) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < s.dimension(); i++) {
      sb.append(i == 0 ? "" : ", ").append(s.get(i));
    }
    return sb.append(']').toString();
  }
}
