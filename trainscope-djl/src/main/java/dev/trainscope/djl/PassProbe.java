package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import dev.trainscope.djl.Network.Layer;

/**
 * A probe that reads the probe batch's pass: the fixed probe batch run through the network in
 * inference mode, step by step. The listener runs the pass once at a step where any such probe
 * {@link #wantsPass wants it}, and shows each of them every layer's output on the way.
 */
abstract class PassProbe extends Probe {
  PassProbe(String name, Logged what, Cadence... cadences) {
    super(name, what, cadences);
  }

  /** Whether it reads the pass at this step (which it is called for as {@link #step} is). */
  abstract boolean wantsPass(Step s);

  /**
   * The output {@code y} of a step of the network: that of layer {@code pre}'s own block (its
   * pre-activation), or of layer {@code post}'s nonlinearity (its output after it), or both when
   * the layer has no nonlinearity; either may be null, not both.
   */
  void layerOutput(Context c, Step s, Layer pre, Layer post, NDArray y) {}

  /** The network's output for the probe batch. */
  void networkOutput(Context c, Step s, NDArray out) {}
}
