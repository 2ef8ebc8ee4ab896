package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import dev.trainscope.djl.Network.Layer;
import dev.trainscope.events.meaning.Role;

/** Each 2-D convolution's output channels (after its nonlinearity) for the first probe image. */
final class FeatureMapsProbe extends PassProbe {
  FeatureMapsProbe() {
    super("feature maps", Logged.FEATURE_MAPS, Cadence.IMAGES);
  }

  @Override
  void start(Context c, Step s) {
    for (Layer l : c.network.layers) {
      if (l.conv2d()) {
        c.describe(TagNames.featureMaps(l.name), "feature maps " + l.name,
            "The output channels of " + l.name + " for the first probe image, from black (the lowest value) to"
                + " white (the highest).", Role.FEATURE_MAPS, null, l.name, null);
      }
    }
  }

  @Override
  boolean wantsPass(Step s) {
    return s.due(Cadence.IMAGES);
  }

  @Override
  void layerOutput(Context c, Step s, Layer pre, Layer post, NDArray y) {
    if (post == null || !post.conv2d() || y.getShape().dimension() != 4) {
      return;
    }
    long[] sh = y.getShape().getShape();
    float[] first = floats(TrainscopeListener.head(y, 1, s.scope), s.scope);
    c.log.image(TagNames.featureMaps(post.name), Pictures.featureMaps(first, 0, Math.toIntExact(sh[1]),
        Math.toIntExact(sh[2]), Math.toIntExact(sh[3])), s.step);
  }
}
