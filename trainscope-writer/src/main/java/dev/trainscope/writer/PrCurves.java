package dev.trainscope.writer;

/**
 * The [6, t] tensor of TensorBoard's pr_curves plugin, computed as its {@code pb()} does
 * ({@code tensorboard/plugins/pr_curve/summary.py}): thresholds {@code i / (t - 1)}; prediction
 * {@code p} falls in bucket {@code floor(p * (t - 1))} (in float arithmetic, as NumPy multiplies a
 * float32 array); true and false positives at threshold i are the reverse cumulative sums of the
 * buckets of positive and negative labels from i up; {@code tn = fp[0] - fp}, {@code fn = tp[0] -
 * tp}; {@code precision = tp / max(1e-7, tp + fp)}, {@code recall = tp / max(1e-7, tp + fn)},
 * computed in double and stored as float32 rows TP, FP, TN, FN, precision, recall.
 */
final class PrCurves {
  private PrCurves() {}

  /** TensorBoard's {@code _MINIMUM_COUNT}: keeps the divisions finite. */
  static final double MINIMUM_COUNT = 1e-7;
  static final int MAX_THRESHOLDS = 1 << 20;

  /** Checks the arguments; the message names the first bad one. */
  static void check(boolean[] labels, float[] predictions, int numThresholds) {
    Require.nonNull(labels, "labels");
    Require.nonNull(predictions, "predictions");
    Require.inRange(numThresholds, 2, MAX_THRESHOLDS, "numThresholds");
    if (labels.length != predictions.length) {
      throw new IllegalArgumentException("labels and predictions must have the same length, were "
          + labels.length + " and " + predictions.length);
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("labels must not be empty, was boolean[0]");
    }
    for (int i = 0; i < predictions.length; i++) {
      float p = predictions[i];
      if (!(p >= 0f && p <= 1f)) {
        throw new IllegalArgumentException("predictions[" + i + "] must be in [0, 1], was " + p);
      }
    }
  }

  /** The six rows, one after the other, each of {@code numThresholds} values. */
  static float[] compute(boolean[] labels, float[] predictions, int numThresholds) {
    int t = numThresholds;
    double[] tp = new double[t];
    double[] fp = new double[t];
    float scale = t - 1;
    for (int i = 0; i < predictions.length; i++) {
      int bucket = (int) Math.floor(predictions[i] * scale);
      if (labels[i]) {
        tp[bucket]++;
      } else {
        fp[bucket]++;
      }
    }
    for (int i = t - 2; i >= 0; i--) {
      tp[i] += tp[i + 1];
      fp[i] += fp[i + 1];
    }
    float[] out = new float[6 * t];
    for (int i = 0; i < t; i++) {
      double tn = fp[0] - fp[i];
      double fn = tp[0] - tp[i];
      out[i] = (float) tp[i];
      out[t + i] = (float) fp[i];
      out[2 * t + i] = (float) tn;
      out[3 * t + i] = (float) fn;
      out[4 * t + i] = (float) (tp[i] / Math.max(MINIMUM_COUNT, tp[i] + fp[i]));
      out[5 * t + i] = (float) (tp[i] / Math.max(MINIMUM_COUNT, tp[i] + fn));
    }
    return out;
  }
}
