package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import dev.trainscope.djl.Network.Param;
import dev.trainscope.events.meaning.Role;

/** Each parameter's gradient after the backward pass: its norm and fraction of zeros, and its histogram. */
final class GradientsProbe extends Probe {
  GradientsProbe() {
    super("gradients", Logged.GRADIENTS, Cadence.SCALARS, Cadence.HISTOGRAMS);
  }

  @Override
  void start(Context c, Step s) {
    for (Param p : c.network.params()) {
      String of = describedAs(p);
      String param = p.tagName();
      String layer = p.layer().name;
      c.describe(TagNames.gradNorm(param), "gradient norm " + param,
          "The L2 norm of the gradient of " + of + ", after backward and before the optimizer's step.",
          Role.GRAD_NORM, "train", layer, p.name());
      c.describe(TagNames.gradZeroFraction(param), "zero gradients " + param,
          "The fraction of the gradient of " + of + " that is exactly 0.", Role.GRAD_ZERO_FRACTION, "train",
          layer, p.name());
      c.describe(TagNames.grad(param), "gradient " + param, "The gradient of " + of + ".", Role.GRADIENTS, "train",
          layer, p.name());
    }
  }

  @Override
  void step(Context c, Step s) {
    boolean scalars = s.due(Cadence.SCALARS);
    boolean histograms = s.due(Cadence.HISTOGRAMS);
    for (Param p : c.network.params()) {
      NDArray w = p.parameter().getArray();
      if (!w.hasGradient()) {
        continue;
      }
      NDArray g = w.getGradient();
      g.attach(s.scope);
      float[] gv = floats(g, s.scope);
      String name = p.tagName();
      if (scalars) {
        c.log.scalar(TagNames.gradNorm(name), Stats.l2(gv), s.step);
        c.log.scalar(TagNames.gradZeroFraction(name), Stats.zeroFraction(gv), s.step);
      }
      if (histograms) {
        c.log.histogram(TagNames.grad(name), gv, s.step);
      }
    }
  }
}
