package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;
import java.util.EnumMap;
import java.util.Map;

/**
 * One layer of a training's network as its logs show it: the tags of its weights and their
 * gradients, and of the activations it produces. Built by {@link Subject#layers()} in the order
 * the writer logged them, which is the network's order from input to output for every writer we
 * know (Keras, PyTorch's named parameters, Lightning, Trainscope's listener).
 *
 * <p>A PyTorch {@code Sequential} names activations by the module that computes them ({@code
 * activations/model.1} after the Linear {@code model.0}): such activations are attached to the
 * parameter layer before them, whose outputs they are.
 */
public final class Layer {
  private final String name;
  /** Per role, the weight's tag (or the layer's, when not per parameter). */
  final Map<Role, TagRole> weight = new EnumMap<>(Role.class);
  /** Per role, the bias's tag. */
  final Map<Role, TagRole> bias = new EnumMap<>(Role.class);
  /** True when the layer is a normalisation layer (its weights are a scale, gamma). */
  boolean norm;
  /** The name of the module whose activations were attached here ("" when they are the layer's own). */
  String activationModule = "";

  Layer(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** The tag with the role for the layer's weights (or for the whole layer), or null. */
  public TagRole tag(Role role) {
    return weight.get(role);
  }

  /** The tag with the role for the layer's bias, or null. */
  public TagRole biasTag(Role role) {
    return bias.get(role);
  }

  /** True for batch or layer normalisation: a scale and a shift, no fan-in. */
  public boolean isNorm() {
    return norm;
  }

  /** True when the layer has weights (a dense or convolution layer, or a normalisation's scale). */
  public boolean hasWeights() {
    return weight.containsKey(Role.WEIGHTS) || weight.containsKey(Role.GRAD_NORM) || weight.containsKey(Role.GRADIENTS)
        || weight.containsKey(Role.UPDATE_RATIO);
  }

  /** The name shown for the layer's activations: the layer, or the module that computes them. */
  public String activationName() {
    return activationModule.isEmpty() ? name : activationModule;
  }

  @Override
  public String toString() {
    return name + weight.keySet() + (bias.isEmpty() ? "" : " bias" + bias.keySet());
  }
}
