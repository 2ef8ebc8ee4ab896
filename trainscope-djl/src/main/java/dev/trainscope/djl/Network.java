package dev.trainscope.djl;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A network seen as the listener sees it: its blocks flattened into the order they run (the
 * children of {@link SequentialBlock}s, recursively; any other block, subclasses of
 * SequentialBlock included, is one opaque step), the
 * layers among them (steps with trainable parameters) and the nonlinearity after each layer (an
 * activation {@link LambdaBlock} that immediately follows it).
 *
 * <p>Running the steps one by one in inference mode gives the same output as the whole block's
 * inference forward, and each layer's output before and after its nonlinearity on the way.
 */
final class Network {
  /** Names of DJL's activation blocks ({@code Activation.reluBlock()} and its siblings), lower case. */
  private static final Set<String> ACTIVATIONS = Set.of("relu", "relu6", "sigmoid", "tanh", "softplus",
      "softsign", "leakyrelu", "elu", "selu", "gelu", "swish", "mish");
  /** Activations whose output is exactly 0 for a unit that does not fire. */
  private static final Set<String> RELU_LIKE = Set.of("relu", "relu6");

  /** One trainable parameter of a layer. */
  record Param(Layer layer, String name, Parameter parameter) {
    /** The parameter's name in tags: see {@link TagNames#param}. */
    String tagName() {
      return TagNames.param(layer.name, name);
    }
  }

  /** A step with trainable parameters. */
  static final class Layer {
    final String name;
    final Block block;
    final int step;
    final List<Param> params = new ArrayList<>();
    /** The index of the activation step that follows, or -1. */
    int activationStep = -1;
    String activationName;

    Layer(String name, Block block, int step) {
      this.name = name;
      this.block = block;
      this.step = step;
    }

    boolean conv2d() {
      return block instanceof Conv2d;
    }

    boolean reluLike() {
      return activationName != null && RELU_LIKE.contains(activationName);
    }
  }

  /** The block the network was made of. */
  final Block root;
  final List<Block> steps;
  final List<Layer> layers;

  private Network(Block root, List<Block> steps, List<Layer> layers) {
    this.root = root;
    this.steps = steps;
    this.layers = layers;
  }

  static Network of(Block root) {
    List<Block> steps = new ArrayList<>();
    flatten(root, steps);
    List<Layer> layers = new ArrayList<>();
    Map<String, Integer> perType = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Block b = steps.get(i);
      List<Pair<String, Parameter>> trainable = new ArrayList<>();
      for (Pair<String, Parameter> p : b.getParameters()) {
        if (p.getValue().requiresGradient()) {
          trainable.add(p);
        }
      }
      if (trainable.isEmpty()) {
        continue;
      }
      String type = typeName(b);
      int n = perType.merge(type, 1, Integer::sum);
      Layer layer = new Layer(type + "_" + n, b, i);
      for (Pair<String, Parameter> p : trainable) {
        // A plain layer's own parameters are "weight" and "bias"; an opaque block's are paths.
        String name = b.getChildren().isEmpty() ? p.getValue().getName() : p.getKey();
        layer.params.add(new Param(layer, safe(name), p.getValue()));
      }
      if (i + 1 < steps.size()) {
        String act = activationName(steps.get(i + 1));
        if (act != null) {
          layer.activationStep = i + 1;
          layer.activationName = act;
        }
      }
      layers.add(layer);
    }
    return new Network(root, List.copyOf(steps), List.copyOf(layers));
  }

  private static void flatten(Block b, List<Block> out) {
    // Exactly SequentialBlock: a subclass may forward differently, so it counts as one opaque step.
    if (b.getClass() == SequentialBlock.class) {
      for (Pair<String, Block> child : b.getChildren()) {
        flatten(child.getValue(), out);
      }
    } else {
      out.add(b);
    }
  }

  /** The activation a block computes, lower case, or null when it is not one of DJL's activations. */
  static String activationName(Block b) {
    if (b instanceof LambdaBlock) {
      String name = ((LambdaBlock) b).getName();
      if (name != null && ACTIVATIONS.contains(name.toLowerCase(Locale.ROOT))) {
        return name.toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  private static String typeName(Block b) {
    String s = b.getClass().getSimpleName();
    return s.isEmpty() ? "block" : safe(s.toLowerCase(Locale.ROOT));
  }

  static String safe(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' ? c : '_');
    }
    return sb.toString();
  }

  /** All trainable parameters, layer by layer in forward order. */
  List<Param> params() {
    List<Param> out = new ArrayList<>();
    for (Layer l : layers) {
      out.addAll(l.params);
    }
    return out;
  }

  /** The first 2-D convolution, or null. */
  Layer firstConv2d() {
    for (Layer l : layers) {
      if (l.conv2d()) {
        return l;
      }
    }
    return null;
  }

  /**
   * Runs the steps in inference mode on {@code input}, calling {@code visitor} with each step's
   * output; returns the network's output. Outputs belong to the manager of the input's arrays.
   */
  NDList forward(ParameterStore store, NDList input, StepVisitor visitor) {
    NDList x = input;
    for (int i = 0; i < steps.size(); i++) {
      x = steps.get(i).forward(store, x, false);
      visitor.visit(i, x);
    }
    return x;
  }

  /** Runs the first {@code count} steps in inference mode on {@code input}; returns the last one's output. */
  NDList forwardFirst(ParameterStore store, NDList input, int count) {
    NDList x = input;
    for (int i = 0; i < count; i++) {
      x = steps.get(i).forward(store, x, false);
    }
    return x;
  }

  interface StepVisitor {
    void visit(int step, NDList output);
  }
}
