package dev.trainscope.data.projector;

/** The k smallest distances seen so far and their indices, nearest first: a k-nearest-neighbour search's list. */
final class TopK {
  final int[] index;
  final double[] distance;

  TopK(int k) {
    index = new int[k];
    distance = new double[k];
    java.util.Arrays.fill(distance, Double.POSITIVE_INFINITY);
  }

  /** Keeps {@code i} when {@code d} is among the k smallest so far. */
  void offer(int i, double d) {
    int k = index.length;
    if (k == 0 || !(d < distance[k - 1])) {
      return;
    }
    int p = k - 1;
    while (p > 0 && distance[p - 1] > d) {
      distance[p] = distance[p - 1];
      index[p] = index[p - 1];
      p--;
    }
    distance[p] = d;
    index[p] = i;
  }
}
