package dev.trainscope.data;

/**
 * One step's buckets, compact: when the buckets are contiguous (each right edge is the next left
 * edge, as every writer makes them) only the {@code k + 1} edges are kept.
 */
final class HistogramData {
  /** k + 1 edges when contiguous, else 2k: lefts then rights. */
  private final double[] edges;
  private final double[] counts;
  private final boolean contiguous;

  private HistogramData(double[] edges, double[] counts, boolean contiguous) {
    this.edges = edges;
    this.counts = counts;
    this.contiguous = contiguous;
  }

  static HistogramData of(double[] left, double[] right, double[] count) {
    int k = count.length;
    boolean contiguous = true;
    for (int i = 0; i + 1 < k; i++) {
      if (Double.doubleToRawLongBits(right[i]) != Double.doubleToRawLongBits(left[i + 1])) {
        contiguous = false;
        break;
      }
    }
    double[] edges;
    if (k == 0) {
      edges = new double[0];
    } else if (contiguous) {
      edges = new double[k + 1];
      System.arraycopy(left, 0, edges, 0, k);
      edges[k] = right[k - 1];
    } else {
      edges = new double[2 * k];
      System.arraycopy(left, 0, edges, 0, k);
      System.arraycopy(right, 0, edges, k, k);
    }
    return new HistogramData(edges, count.clone(), contiguous);
  }

  int size() {
    return counts.length;
  }

  double[] left() {
    int k = counts.length;
    double[] out = new double[k];
    System.arraycopy(edges, 0, out, 0, k);
    return out;
  }

  double[] right() {
    int k = counts.length;
    double[] out = new double[k];
    System.arraycopy(edges, contiguous ? 1 : k, out, 0, k);
    return out;
  }

  double[] counts() {
    return counts.clone();
  }

  long memoryBytes() {
    return 16 + 2 * 16 + 8L * (edges.length + counts.length);
  }
}
