package dev.trainscope.data;

/**
 * A scalar tag downsampled to at most the requested number of buckets over a step range, in
 * columns. Each bucket covers the points with steps {@code firstStep[i]..lastStep[i]} and says
 * exactly what they hold: min and max (of the finite values, so no spike is lost), first and last
 * value, mean of the finite values, and how many values were NaN, +Infinity or -Infinity, so a
 * chart can mark them instead of dropping them. Empty buckets are left out.
 */
public record ScalarBuckets(
    String run,
    String tag,
    long[] firstStep,
    long[] lastStep,
    double[] firstWallTime,
    double[] lastWallTime,
    double[] min,
    double[] max,
    double[] first,
    double[] last,
    double[] mean,
    long[] count,
    long[] nan,
    long[] posInf,
    long[] negInf) {

  public int size() {
    return firstStep.length;
  }
}
