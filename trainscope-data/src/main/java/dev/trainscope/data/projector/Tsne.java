package dev.trainscope.data.projector;

import java.util.stream.IntStream;

/**
 * t-SNE with the Barnes-Hut approximation (van der Maaten and Hinton, Visualizing Data using
 * t-SNE, JMLR 2008; van der Maaten, Accelerating t-SNE using Tree-Based Algorithms, JMLR 2014):
 * input similarities from the {@code 3 * perplexity} nearest neighbours with a per-point bandwidth
 * found by bisection, the Student-t output kernel, repulsion summed over a quadtree or octree with
 * theta 0.5, early exaggeration 12 for the first 250 iterations, momentum 0.5 then 0.8, and the
 * gains of Jacobs' delta-bar-delta rule. Initialised from the data's first principal components
 * scaled to a standard deviation of 1e-4 (Kobak and Berens, The art of using t-SNE for
 * single-cell transcriptomics, 2019); learning rate n / 12 (Belkina et al., 2019).
 */
public final class Tsne {
  private Tsne() {}

  static final double THETA = 0.5;
  static final int EXAGGERATION_ITERATIONS = 250;
  static final double EXAGGERATION = 12;

  /**
   * The embedding of {@code n} rows of {@code d} numbers in {@code dims} (2 or 3) dimensions; the
   * rows' first {@code dims} columns start it, so they should be principal components.
   */
  public static float[] run(float[] rows, int n, int d, int dims, double perplexity, int iterations) {
    if (n < 2) {
      return new float[n * dims];
    }
    double perp = Math.max(1, Math.min(perplexity, (n - 1) / 3.0));
    Knn.Graph g = Knn.of(rows, n, d, (int) Math.min(n - 1, Math.ceil(3 * perp)));
    double[] p = conditional(g, perp);
    // symmetrize the sparse P: P_ij = (p_j|i + p_i|j) / 2n, as lists per row
    int k = g.k();
    java.util.Map<Long, Double> sym = new java.util.HashMap<>(n * k * 2);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < k; t++) {
        int j = g.index()[i * k + t];
        long key = i < j ? ((long) i << 32) | j : ((long) j << 32) | i;
        sym.merge(key, p[i * k + t], Double::sum);
      }
    }
    int[] rowStart = new int[n + 1];
    for (long key : sym.keySet()) {
      rowStart[(int) (key >>> 32) + 1]++;
      rowStart[(int) key + 1]++;
    }
    for (int i = 0; i < n; i++) {
      rowStart[i + 1] += rowStart[i];
    }
    int[] col = new int[rowStart[n]];
    double[] val = new double[rowStart[n]];
    int[] fill = java.util.Arrays.copyOf(rowStart, n);
    for (java.util.Map.Entry<Long, Double> e : sym.entrySet()) {
      int i = (int) (e.getKey() >>> 32);
      int j = (int) (long) e.getKey();
      double v = e.getValue() / (2.0 * n);
      col[fill[i]] = j;
      val[fill[i]++] = v;
      col[fill[j]] = i;
      val[fill[j]++] = v;
    }

    float[] y = new float[n * dims];
    double[] sd = new double[dims];
    for (int a = 0; a < dims; a++) {
      double s = 0;
      double s2 = 0;
      for (int i = 0; i < n; i++) {
        double v = a < d ? rows[i * d + a] : 0;
        s += v;
        s2 += v * v;
      }
      double mean = s / n;
      sd[a] = Math.sqrt(Math.max(s2 / n - mean * mean, 0));
      java.util.Random rnd = new java.util.Random(7 + a);
      for (int i = 0; i < n; i++) {
        double v = a < d && sd[a] > 0 ? (rows[i * d + a] - mean) / sd[a] : rnd.nextGaussian();
        y[i * dims + a] = (float) (1e-4 * v);
      }
    }
    double[] update = new double[n * dims];
    double[] gains = new double[n * dims];
    java.util.Arrays.fill(gains, 1);
    double rate = Math.max(n / EXAGGERATION, 50);
    double[] grad = new double[n * dims];
    double[] attract = new double[n * dims];
    double[] repel = new double[n * dims];
    double[] sumQ = new double[n];
    for (int it = 0; it < iterations; it++) {
      double exaggeration = it < EXAGGERATION_ITERATIONS ? EXAGGERATION : 1;
      double momentum = it < EXAGGERATION_ITERATIONS ? 0.5 : 0.8;
      SpaceTree tree = new SpaceTree(y, n, dims);
      final float[] yy = y;
      IntStream.range(0, n).parallel().forEach(i -> {
        double[] f = new double[dims];
        sumQ[i] = tree.repulsion(yy, i, THETA, f, new int[tree.stackSize()]);
        for (int a = 0; a < dims; a++) {
          repel[i * dims + a] = f[a];
          double s = 0;
          for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
            int j = col[e];
            double d2 = 0;
            for (int b = 0; b < dims; b++) {
              double diff = yy[i * dims + b] - yy[j * dims + b];
              d2 += diff * diff;
            }
            s += val[e] / (1 + d2) * (yy[i * dims + a] - yy[j * dims + a]);
          }
          attract[i * dims + a] = s;
        }
      });
      double z = 0;
      for (double s : sumQ) {
        z += s;
      }
      for (int x = 0; x < n * dims; x++) {
        grad[x] = 4 * (exaggeration * attract[x] - repel[x] / z);
        gains[x] = Math.signum(grad[x]) != Math.signum(update[x]) ? gains[x] + 0.2 : Math.max(gains[x] * 0.8, 0.01);
        update[x] = momentum * update[x] - rate * gains[x] * grad[x];
        y[x] += (float) update[x];
      }
      for (int a = 0; a < dims; a++) {
        double m = 0;
        for (int i = 0; i < n; i++) {
          m += y[i * dims + a];
        }
        m /= n;
        for (int i = 0; i < n; i++) {
          y[i * dims + a] -= (float) m;
        }
      }
    }
    return y;
  }

  /** p_j|i over each row's neighbours, the bandwidth found by bisection so that the entropy is log(perplexity). */
  private static double[] conditional(Knn.Graph g, double perplexity) {
    int n = g.n();
    int k = g.k();
    double[] p = new double[n * k];
    double target = Math.log(perplexity);
    IntStream.range(0, n).parallel().forEach(i -> {
      double beta = 1;
      double lo = 0;
      double hi = Double.POSITIVE_INFINITY;
      double[] w = new double[k];
      double d0 = g.distance()[i * k];
      for (int step = 0; step < 200; step++) {
        double sum = 0;
        double h = 0;
        for (int t = 0; t < k; t++) {
          double d = g.distance()[i * k + t];
          double d2 = d * d - d0 * d0; // shifted by the nearest distance: the same p, no underflow
          w[t] = Math.exp(-beta * d2);
          sum += w[t];
          h += beta * d2 * w[t];
        }
        double entropy = Math.log(sum) + h / sum;
        if (Math.abs(entropy - target) < 1e-5) {
          break;
        }
        if (entropy > target) {
          lo = beta;
          beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
        } else {
          hi = beta;
          beta = (beta + lo) / 2;
        }
      }
      double sum = 0;
      for (int t = 0; t < k; t++) {
        sum += w[t];
      }
      for (int t = 0; t < k; t++) {
        p[i * k + t] = w[t] / sum;
      }
    });
    return p;
  }
}
