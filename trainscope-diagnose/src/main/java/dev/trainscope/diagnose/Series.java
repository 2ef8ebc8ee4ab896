package dev.trainscope.diagnose;

/**
 * A scalar tag's points as the rules read them: exact up to {@link Subject#MAX_POINTS}, else one
 * point per bucket (the bucket's mean, with its min and max kept so spikes stay visible). Non-finite
 * values stay in {@code values}; {@code firstNonFinite} says where the first one is.
 */
public record Series(String run, String tag, long[] steps, double[] values, double[] min, double[] max,
    long firstNonFiniteStep, long nonFinite) {

  public int size() {
    return steps.length;
  }

  public boolean isEmpty() {
    return steps.length == 0;
  }

  public long lastStep() {
    return steps[steps.length - 1];
  }
}
