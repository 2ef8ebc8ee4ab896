package dev.trainscope.data.projector;

import java.util.Random;

/**
 * One whole t-SNE as the projector runs it on its largest sample: 10,000 rows of 50 numbers (the
 * PCA-reduced sample), ten Gaussian clusters, 2-D, perplexity 30, 500 iterations (not a unit test:
 * run by benchmarks/tsne.sh, one process per run, so runs of two builds can be alternated). Prints
 * the seconds taken and a checksum of the layout.
 *
 * <p>Usage: TsneBenchmark [rows (10000)] [dims of the layout (2)] [iterations (500)]
 */
public final class TsneBenchmark {
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int dims = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    int d = 50;
    Random r = new Random(n);
    float[][] centres = new float[10][d];
    for (float[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = (float) (r.nextGaussian() * 4);
      }
    }
    float[] rows = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        rows[i * d + j] = (float) (centres[i % 10][j] + r.nextGaussian());
      }
    }
    float[] reduced = Pca.fit(rows, n, d, d).projectAll(rows, n, d);
    long start = System.nanoTime();
    float[] y = Tsne.run(reduced, n, d, dims, 30, iterations);
    double seconds = (System.nanoTime() - start) / 1e9;
    double sum = 0;
    for (float v : y) {
      sum += Math.abs(v);
    }
    System.out.printf("tsne %d x %d -> %d-D, %d iterations: %.2f s (checksum %.3f)%n", n, d, dims, iterations, seconds, sum);
  }
}
