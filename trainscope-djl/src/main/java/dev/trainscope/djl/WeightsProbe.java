package dev.trainscope.djl;

import dev.trainscope.djl.Network.Param;
import dev.trainscope.events.meaning.Role;

/** Histograms of each layer's weights and biases. */
final class WeightsProbe extends Probe {
  WeightsProbe() {
    super("weights", Logged.WEIGHTS, Cadence.HISTOGRAMS);
  }

  @Override
  void start(Context c, Step s) {
    for (Param p : c.network.params()) {
      boolean bias = p.name().equals("bias");
      c.describe(TagNames.values(p.layer().name, p.name()), (bias ? "biases " : "weights ") + p.tagName(),
          "The values of " + describedAs(p) + ".", bias ? Role.BIASES : Role.WEIGHTS, null, p.layer().name,
          p.name());
    }
  }

  @Override
  void step(Context c, Step s) {
    for (Param p : c.network.params()) {
      c.log.histogram(TagNames.values(p.layer().name, p.name()), s.weights(p), s.step);
    }
  }

  @Override
  void end(Context c, Step s) {
    if (s.due(Cadence.HISTOGRAMS)) {
      step(c, s);
    }
  }
}
