package dev.trainscope.data;

/**
 * Exact points of a scalar tag in a step range, in columns (as charting libraries draw them),
 * possibly one page of several.
 *
 * @param more true when the range holds more points after this page; ask again from {@code
 *     nextStep}
 * @param nextStep the step of the first point not returned (meaningful when {@code more})
 */
public record ScalarPoints(
    String run, String tag, long[] steps, double[] wallTimes, double[] values, boolean more, long nextStep) {

  public int size() {
    return steps.length;
  }
}
