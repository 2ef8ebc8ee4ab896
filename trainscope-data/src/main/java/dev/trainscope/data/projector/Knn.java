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
      int[] bestI = new int[kk];
      float[] bestD = new float[kk];
      java.util.Arrays.fill(bestD, Float.POSITIVE_INFINITY);
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
        if (s < bestD[kk - 1]) {
          int p = kk - 1;
          while (p > 0 && bestD[p - 1] > s) {
            bestD[p] = bestD[p - 1];
            bestI[p] = bestI[p - 1];
            p--;
          }
          bestD[p] = s;
          bestI[p] = j;
        }
      }
      for (int p = 0; p < kk; p++) {
        index[i * kk + p] = bestI[p];
        distance[i * kk + p] = (float) Math.sqrt(bestD[p]);
      }
    });
    return new Graph(n, kk, index, distance);
  }
}
