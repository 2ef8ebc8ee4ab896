package dev.trainscope.data.projector;

import java.util.stream.IntStream;

/**
 * Exact k nearest neighbours by Euclidean distance, by comparing every pair, on all cores. For the
 * sets t-SNE and UMAP run on (at most {@link Projections#MAX_SAMPLE} rows of at most {@link
 * Projections#REDUCED_DIMS} numbers) this is a few seconds, and exact.
 */
final class Knn {
  private Knn() {}

  /**
   * The neighbours of each row, itself excluded.
   *
   * @param index {@code n * k} row indices, nearest first
   * @param distance {@code n * k} Euclidean distances
   */
  record Graph(int n, int k, int[] index, float[] distance) {}

  static Graph of(float[] rows, int n, int d, int k) {
    int kk = Math.min(k, n - 1);
    int[] index = new int[n * kk];
    float[] distance = new float[n * kk];
    IntStream.range(0, n).parallel().forEach(i -> {
      TopK best = new TopK(kk);
      int base = i * d;
      for (int j = 0; j < n; j++) {
        if (j == i) {
          continue;
        }
        int other = j * d;
        float s = 0;
        for (int x = 0; x < d; x++) {
          float diff = rows[base + x] - rows[other + x];
          s += diff * diff;
        }
        best.offer(j, s);
      }
      for (int p = 0; p < kk; p++) {
        index[i * kk + p] = best.index[p];
        distance[i * kk + p] = (float) Math.sqrt(best.distance[p]);
      }
    });
    return new Graph(n, kk, index, distance);
  }
}
