package dev.trainscope.diagnose;

import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;

/**
 * A run's tag as the rules read it: its role, the data split it was computed on, and for per-layer
 * quantities the layer and parameter ("" when not per layer), with where that came from
 * ({@code metadata}, a naming habit such as {@code name: Keras}, or {@code override}).
 */
public record TagRole(String run, String tag, TagKind kind, Role role, Split split, String layer, String param,
    String source) {

  /** True for a bias (a layer's {@code bias} or Keras' {@code beta}), whose spread starts at 0. */
  public boolean isBias() {
    return role == Role.BIASES || param.equals("bias") || param.equals("beta");
  }
}
