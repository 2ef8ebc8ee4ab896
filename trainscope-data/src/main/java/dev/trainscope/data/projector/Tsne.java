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
    return run(rows, n, d, dims, perplexity, iterations, Iterations.NONE);
  }

  /** As {@link #run(float[], int, int, int, double, int)}, telling {@code progress} of each iteration. */
  public static float[] run(float[] rows, int n, int d, int dims, double perplexity, int iterations,
      Iterations progress) {
    if (n < 2) {
      return new float[n * dims];
    }
    double perp = Math.max(1, Math.min(perplexity, (n - 1) / 3.0));
    Knn.Graph g = Knn.of(rows, n, d, (int) Math.min(n - 1, Math.ceil(3 * perp)));
    Sparse p = symmetric(g, conditional(g, perp));
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
    double[] attract = new double[n * dims];
    double[] repel = new double[n * dims];
    double[] sumQ = new double[n];
    SpaceTree tree = new SpaceTree(dims);
    int chunks = Math.min(n, CHUNKS);
    for (int it = 0; it < iterations; it++) {
      double exaggeration = it < EXAGGERATION_ITERATIONS ? EXAGGERATION : 1;
      double momentum = it < EXAGGERATION_ITERATIONS ? 0.5 : 0.8;
      int[] order = tree.build(y, n).order();
      final float[] yy = y;
      // points in the tree's order, in chunks: a chunk's points are near one another, so they walk
      // the same cells; each chunk's scratch is allocated once per iteration, not once per point
      IntStream.range(0, chunks).parallel().forEach(c -> {
        double[] f = new double[dims];
        int[] stack = new int[tree.stackSize()];
        for (int at = (int) ((long) c * n / chunks), end = (int) ((long) (c + 1) * n / chunks); at < end; at++) {
          int i = order[at];
          java.util.Arrays.fill(f, 0);
          sumQ[i] = tree.repulsion(yy, i, THETA, f, stack);
          for (int a = 0; a < dims; a++) {
            repel[i * dims + a] = f[a];
          }
          attraction(p, yy, i, dims, attract);
        }
      });
      double z = 0;
      for (double s : sumQ) {
        z += s;
      }
      for (int x = 0; x < n * dims; x++) {
        double grad = 4 * (exaggeration * attract[x] - repel[x] / z);
        gains[x] = Math.signum(grad) != Math.signum(update[x]) ? gains[x] + 0.2 : Math.max(gains[x] * 0.8, 0.01);
        update[x] = momentum * update[x] - rate * gains[x] * grad;
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
      progress.done(it + 1, y);
    }
    return y;
  }

  /**
   * The attraction on point {@code i}, unnormalised ({@code sum P_ij q_ij Z (y_i - y_j)}), into
   * {@code out}: written out for 2 and 3 dimensions, the neighbour's coordinates read once.
   */
  private static void attraction(Sparse p, float[] y, int i, int dims, double[] out) {
    double x0 = y[i * dims];
    double x1 = y[i * dims + 1];
    double x2 = dims == 3 ? y[i * dims + 2] : 0;
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    int[] col = p.col;
    double[] val = p.val;
    for (int e = p.rowStart[i], end = p.rowStart[i + 1]; e < end; e++) {
      int j = col[e] * dims;
      double d0 = x0 - y[j];
      double d1 = x1 - y[j + 1];
      double d2 = dims == 3 ? x2 - y[j + 2] : 0;
      double w = val[e] / (1 + d0 * d0 + d1 * d1 + d2 * d2);
      a0 += w * d0;
      a1 += w * d1;
      a2 += w * d2;
    }
    out[i * dims] = a0;
    out[i * dims + 1] = a1;
    if (dims == 3) {
      out[i * dims + 2] = a2;
    }
  }

  /** Work items of an iteration: enough for every core to stay busy, fixed so results do not depend on the machine. */
  private static final int CHUNKS = 256;

  /** A sparse symmetric matrix, row by row: row i's columns and values are at {@code rowStart[i] <= e < rowStart[i + 1]}. */
  private record Sparse(int[] rowStart, int[] col, double[] val) {}

  /** The joint P of t-SNE from the conditional p_j|i of each row's neighbours: P_ij = (p_j|i + p_i|j) / 2n. */
  private static Sparse symmetric(Knn.Graph g, double[] p) {
    int n = g.n();
    int k = g.k();
    int[] start = new int[n + 1];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < k; t++) {
        start[i + 1]++;
        start[g.index()[i * k + t] + 1]++;
      }
    }
    for (int i = 0; i < n; i++) {
      start[i + 1] += start[i];
    }
    int[] cols = new int[start[n]];
    double[] vals = new double[start[n]];
    int[] fill = java.util.Arrays.copyOf(start, n);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < k; t++) {
        int j = g.index()[i * k + t];
        double v = p[i * k + t];
        cols[fill[i]] = j;
        vals[fill[i]++] = v;
        cols[fill[j]] = i;
        vals[fill[j]++] = v;
      }
    }
    // each row sorted by column, a pair listed twice (each the other's neighbour) summed into one
    int[] kept = new int[n];
    int[] outCol = new int[start[n]];
    double[] outVal = new double[start[n]];
    IntStream.range(0, n).parallel().forEach(i -> {
      int from = start[i];
      long[] keyed = new long[start[i + 1] - from];
      for (int e = 0; e < keyed.length; e++) {
        keyed[e] = ((long) cols[from + e] << 32) | e;
      }
      java.util.Arrays.sort(keyed);
      int m = 0;
      for (int e = 0; e < keyed.length; e++) {
        int j = (int) (keyed[e] >>> 32);
        double v = vals[from + (int) keyed[e]];
        if (m > 0 && outCol[from + m - 1] == j) {
          outVal[from + m - 1] += v;
        } else {
          outCol[from + m] = j;
          outVal[from + m++] = v;
        }
      }
      kept[i] = m;
    });
    int[] rowStart = new int[n + 1];
    for (int i = 0; i < n; i++) {
      rowStart[i + 1] = rowStart[i] + kept[i];
    }
    int[] col = new int[rowStart[n]];
    double[] val = new double[rowStart[n]];
    for (int i = 0; i < n; i++) {
      System.arraycopy(outCol, start[i], col, rowStart[i], kept[i]);
      for (int e = 0; e < kept[i]; e++) {
        val[rowStart[i] + e] = outVal[start[i] + e] / (2.0 * n);
      }
    }
    return new Sparse(rowStart, col, val);
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
