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
        best.offer(j, squaredDistance(rows, base, j * d, d));
      }
      for (int p = 0; p < kk; p++) {
        index[i * kk + p] = best.index[p];
        distance[i * kk + p] = (float) Math.sqrt(best.distance[p]);
      }
    });
    return new Graph(n, kk, index, distance);
  }

  /** The squared distance of two rows, in four independent sums that the processor adds at once. */
  static float squaredDistance(float[] rows, int a, int b, int d) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int x = 0;
    for (; x + 3 < d; x += 4) {
      float e0 = rows[a + x] - rows[b + x];
      float e1 = rows[a + x + 1] - rows[b + x + 1];
      float e2 = rows[a + x + 2] - rows[b + x + 2];
      float e3 = rows[a + x + 3] - rows[b + x + 3];
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    for (; x < d; x++) {
      float e = rows[a + x] - rows[b + x];
      s0 += e * e;
    }
    return (s0 + s1) + (s2 + s3);
  }
}
