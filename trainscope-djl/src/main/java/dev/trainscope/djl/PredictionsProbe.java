package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.trainscope.events.meaning.Role;
import java.util.List;

/** The probe batch's labels, predicted classes and their probabilities, as a table (for a classifier). */
final class PredictionsProbe extends PassProbe {
  private final List<String> classNames;

  /** @param classNames the classes' names by index, or null for their indices */
  PredictionsProbe(List<String> classNames) {
    super("predictions", Logged.PREDICTIONS, Cadence.IMAGES);
    this.classNames = classNames;
  }

  @Override
  void begin(Context c) {
    c.describe(TagNames.PREDICTIONS, "probe predictions",
        "The probe batch's labels, predicted classes and their probabilities, for error analysis.",
        Role.PREDICTIONS, null, null, null);
  }

  @Override
  boolean wantsPass(Step s) {
    return s.due(Cadence.IMAGES);
  }

  @Override
  void networkOutput(Context c, Step s, NDArray out) {
    Shape shape = out.getShape();
    if (shape.dimension() != 2 || shape.get(1) < 2) {
      return; // not a classifier's scores
    }
    int n = Math.toIntExact(shape.get(0));
    int k = Math.toIntExact(shape.get(1));
    float[] scores = floats(out, s.scope);
    float[] l = null;
    if (c.probeLabels != null && c.probeLabels.shape().size() == n) {
      l = floats(c.probeLabels.toArray(s.scope), s.scope);
    }
    c.log.text(TagNames.PREDICTIONS, PredictionTable.markdown(scores, n, k, l, classNames, s.step), s.step);
  }
}
