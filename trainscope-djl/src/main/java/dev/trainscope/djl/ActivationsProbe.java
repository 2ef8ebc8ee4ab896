package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import dev.trainscope.djl.Network.Layer;
import dev.trainscope.events.meaning.Role;

/**
 * Each layer's output for the probe batch: histograms before and after its nonlinearity, the mean
 * and standard deviation of its output, and the fraction of dead units after a ReLU.
 */
final class ActivationsProbe extends PassProbe {
  ActivationsProbe() {
    super("activations", Logged.ACTIVATIONS, Cadence.HISTOGRAMS);
  }

  @Override
  void start(Context c, Step s) {
    for (Layer l : c.network.layers) {
      String type = l.block.getClass().getSimpleName();
      String act = l.activationName;
      c.describe(TagNames.preActivations(l.name), "pre-activations " + l.name,
          "The output of " + l.name + " (" + type + ")" + (act != null ? " before its " + act : "")
              + " for the probe batch.", Role.PRE_ACTIVATIONS, null, l.name, null);
      if (act != null) {
        c.describe(TagNames.postActivations(l.name), "post-activations " + l.name,
            "The output of " + l.name + " after its " + act + ", for the probe batch.", Role.ACTIVATIONS,
            null, l.name, null);
      }
      String output = act != null ? "after its " + act : "(it has no nonlinearity)";
      c.describe(TagNames.activationMean(l.name), "activation mean " + l.name,
          "The mean of " + l.name + "'s output " + output + " over the probe batch.", Role.ACTIVATION_MEAN, null,
          l.name, null);
      c.describe(TagNames.activationStd(l.name), "activation std " + l.name,
          "The standard deviation of " + l.name + "'s output " + output + " over the probe batch.",
          Role.ACTIVATION_STD, null, l.name, null);
      if (l.reluLike()) {
        c.describe(TagNames.deadUnits(l.name), "dead units " + l.name,
            "The fraction of " + l.name + "'s units (" + (l.conv2d() ? "channels" : "neurons")
                + ") whose " + act + " output is 0 for every sample of the probe batch.", Role.DEAD_UNITS, null,
            l.name, null);
      }
    }
  }

  @Override
  boolean wantsPass(Step s) {
    return s.due(Cadence.HISTOGRAMS);
  }

  @Override
  void layerOutput(Context c, Step s, Layer pre, Layer post, NDArray y) {
    float[] v = floats(y, s.scope);
    if (pre != null) {
      c.log.histogram(TagNames.preActivations(pre.name), v, s.step);
    }
    if (post == null) {
      return;
    }
    if (post.activationStep >= 0) {
      c.log.histogram(TagNames.postActivations(post.name), v, s.step);
    }
    double[] ms = Stats.meanStd(v);
    c.log.scalar(TagNames.activationMean(post.name), ms[0], s.step);
    c.log.scalar(TagNames.activationStd(post.name), ms[1], s.step);
    if (post.reluLike() && y.getShape().dimension() >= 2) {
      c.log.scalar(TagNames.deadUnits(post.name), Stats.deadUnitFraction(v, y.getShape().getShape()), s.step);
    }
  }
}
