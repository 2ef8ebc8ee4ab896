package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import dev.trainscope.djl.Network.Layer;
import dev.trainscope.djl.Network.Param;
import dev.trainscope.events.meaning.Role;

/** Each 2-D convolution's kernels; past the first input channels, each kernel as the mean over its input channels. */
final class FiltersProbe extends Probe {
  FiltersProbe() {
    super("filters", Logged.FILTERS, Cadence.IMAGES);
  }

  @Override
  void start(Context c, Step s) {
    for (Layer conv : c.network.layers) {
      if (conv.conv2d()) {
        c.describe(TagNames.filters(conv.name), "filters " + conv.name,
            "The kernels of " + conv.name + ", one per output channel (over one or three input channels as they"
                + " are, over more as their mean), from black (the lowest weight) to white (the highest).",
            Role.FILTERS, null, conv.name, "weight");
      }
    }
  }

  @Override
  void step(Context c, Step s) {
    for (Layer conv : c.network.layers) {
      if (!conv.conv2d()) {
        continue;
      }
      for (Param p : conv.params) {
        NDArray w = p.parameter().getArray();
        if (p.name().equals("weight") && w.getShape().dimension() == 4) {
          c.log.image(TagNames.filters(conv.name), Pictures.filters(s.weights(p), w.getShape().getShape()), s.step);
          break;
        }
      }
    }
  }

  @Override
  void end(Context c, Step s) {
    if (s.due(Cadence.IMAGES)) {
      step(c, s);
    }
  }
}
