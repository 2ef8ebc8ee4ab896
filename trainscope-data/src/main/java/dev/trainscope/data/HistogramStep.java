package dev.trainscope.data;

/**
 * The histogram of one step: bucket {@code i} spans {@code [left[i], right[i]]} and holds {@code
 * count[i]} values.
 *
 * @param reread true when these buckets had been evicted from memory and were read again from the
 *     event file for this answer
 */
public record HistogramStep(long step, double wallTime, double[] left, double[] right, double[] count, boolean reread) {

  public int buckets() {
    return count.length;
  }
}
