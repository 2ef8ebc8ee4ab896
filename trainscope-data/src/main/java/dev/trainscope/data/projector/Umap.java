package dev.trainscope.data.projector;

import java.util.stream.IntStream;

/**
 * UMAP (McInnes, Healy and Melville, UMAP: Uniform Manifold Approximation and Projection for
 * Dimension Reduction, 2018): the fuzzy simplicial set of the k-nearest-neighbour graph (each
 * point's distance to its nearest neighbour subtracted, a bandwidth found by bisection so that its
 * memberships sum to log2(k), symmetrised by the probabilistic t-conorm {@code a + b - ab}), laid
 * out by stochastic gradient descent on the cross-entropy with the curve {@code 1 / (1 + a
 * d^2b)} fitted to {@code min_dist}, edges sampled in proportion to their weight, five negative
 * samples per positive one, gradients clipped at 4 and a learning rate falling linearly to 0.
 * Initialised from the first principal components scaled to a range of 10 (the paper starts from
 * a spectral layout; the principal components are the cheaper start).
 */
public final class Umap {
  private Umap() {}

  static final int NEGATIVE_SAMPLES = 5;

  /**
   * The embedding of {@code n} rows of {@code d} numbers in {@code dims} dimensions; the rows'
   * first {@code dims} columns start it, so they should be principal components.
   */
  public static float[] run(float[] rows, int n, int d, int dims, int neighbours, double minDist, int epochs,
      long seed) {
    return run(rows, n, d, dims, neighbours, minDist, epochs, seed, Iterations.NONE);
  }

  /** As {@link #run(float[], int, int, int, int, double, int, long)}, telling {@code progress} of each epoch. */
  public static float[] run(float[] rows, int n, int d, int dims, int neighbours, double minDist, int epochs,
      long seed, Iterations progress) {
    if (n < 2) {
      return new float[n * dims];
    }
    Knn.Graph g = Knn.of(rows, n, d, Math.max(1, Math.min(neighbours - 1, n - 1))); // k counts the point itself
    int k = g.k();
    double[] w = memberships(g);
    // symmetrise: w_ij + w_ji - w_ij w_ji
    java.util.Map<Long, double[]> pairs = new java.util.HashMap<>(n * k * 2);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < k; t++) {
        int j = g.index()[i * k + t];
        long key = i < j ? ((long) i << 32) | j : ((long) j << 32) | i;
        double[] ab = pairs.computeIfAbsent(key, x -> new double[2]);
        ab[i < j ? 0 : 1] = w[i * k + t];
      }
    }
    int m = pairs.size();
    int[] head = new int[m];
    int[] tail = new int[m];
    double[] weight = new double[m];
    int e = 0;
    double max = 0;
    for (java.util.Map.Entry<Long, double[]> x : pairs.entrySet()) {
      head[e] = (int) (x.getKey() >>> 32);
      tail[e] = (int) (long) x.getKey();
      double a = x.getValue()[0];
      double b = x.getValue()[1];
      weight[e] = a + b - a * b;
      max = Math.max(max, weight[e]);
      e++;
    }
    double[] ab = curve(minDist, 1.0);
    double a = ab[0];
    double b = ab[1];

    float[] y = new float[n * dims];
    java.util.Random rnd = new java.util.Random(seed);
    for (int c = 0; c < dims; c++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        float v = c < d ? rows[i * d + c] : 0;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      for (int i = 0; i < n; i++) {
        double v = hi > lo ? 10 * (rows[i * d + c] - lo) / (hi - lo) : 10 * rnd.nextDouble();
        y[i * dims + c] = (float) (v + 1e-4 * rnd.nextGaussian());
      }
    }
    double[] perSample = new double[m];
    double[] next = new double[m];
    double[] perNegative = new double[m];
    double[] nextNegative = new double[m];
    for (int x = 0; x < m; x++) {
      perSample[x] = weight[x] > max / epochs ? max / weight[x] : -1; // -1: too weak to ever be sampled
      next[x] = perSample[x];
      perNegative[x] = perSample[x] / NEGATIVE_SAMPLES;
      nextNegative[x] = perNegative[x];
    }
    double[] diff = new double[dims];
    for (int epoch = 0; epoch < epochs; epoch++) {
      double alpha = 1.0 - (double) epoch / epochs;
      for (int x = 0; x < m; x++) {
        if (perSample[x] < 0 || next[x] > epoch) {
          continue;
        }
        int i = head[x];
        int j = tail[x];
        double d2 = dist2(y, i, j, dims, diff);
        if (d2 > 0) {
          double coef = -2 * a * b * Math.pow(d2, b - 1) / (a * Math.pow(d2, b) + 1);
          for (int c = 0; c < dims; c++) {
            double gc = clip(coef * diff[c]) * alpha;
            y[i * dims + c] += (float) gc;
            y[j * dims + c] -= (float) gc;
          }
        }
        next[x] += perSample[x];
        int negatives = (int) ((epoch - nextNegative[x]) / perNegative[x]);
        for (int s = 0; s < negatives; s++) {
          int o = rnd.nextInt(n);
          if (o == i) {
            continue;
          }
          double n2 = dist2(y, i, o, dims, diff);
          double coef = n2 > 0 ? 2 * b / ((0.001 + n2) * (a * Math.pow(n2, b) + 1)) : 0;
          for (int c = 0; c < dims; c++) {
            double gc = coef > 0 ? clip(coef * diff[c]) : 4;
            y[i * dims + c] += (float) (gc * alpha);
          }
        }
        nextNegative[x] += negatives * perNegative[x];
      }
      progress.done(epoch + 1, y);
    }
    return y;
  }

  private static double clip(double v) {
    return Math.max(-4, Math.min(4, v));
  }

  private static double dist2(float[] y, int i, int j, int dims, double[] diff) {
    double s = 0;
    for (int c = 0; c < dims; c++) {
      diff[c] = y[i * dims + c] - y[j * dims + c];
      s += diff[c] * diff[c];
    }
    return s;
  }

  /** exp(-(d - rho_i) / sigma_i) per neighbour, sigma_i by bisection so that they sum to log2(k). */
  private static double[] memberships(Knn.Graph g) {
    int n = g.n();
    int k = g.k();
    double[] w = new double[n * k];
    double target = Math.log(k + 1) / Math.log(2); // k neighbours besides the point itself
    IntStream.range(0, n).parallel().forEach(i -> {
      double rho = g.distance()[i * k];
      double lo = 0;
      double hi = Double.POSITIVE_INFINITY;
      double sigma = 1;
      for (int step = 0; step < 64; step++) {
        double sum = 0;
        for (int t = 0; t < k; t++) {
          double d = g.distance()[i * k + t] - rho;
          sum += d > 0 ? Math.exp(-d / sigma) : 1;
        }
        if (Math.abs(sum - target) < 1e-5) {
          break;
        }
        if (sum > target) {
          hi = sigma;
          sigma = (lo + hi) / 2;
        } else {
          lo = sigma;
          sigma = hi == Double.POSITIVE_INFINITY ? sigma * 2 : (lo + hi) / 2;
        }
      }
      for (int t = 0; t < k; t++) {
        double d = g.distance()[i * k + t] - rho;
        w[i * k + t] = d > 0 ? Math.exp(-d / sigma) : 1;
      }
    });
    return w;
  }

  /**
   * The a and b of {@code 1 / (1 + a x^2b)} closest (least squares over 0 &lt;= x &lt;= 3 spread) to 1
   * below {@code minDist} and {@code exp(-(x - minDist) / spread)} above it.
   */
  static double[] curve(double minDist, double spread) {
    int pts = 300;
    double[] xs = new double[pts];
    double[] ys = new double[pts];
    for (int i = 0; i < pts; i++) {
      xs[i] = 3 * spread * i / (pts - 1);
      ys[i] = xs[i] < minDist ? 1 : Math.exp(-(xs[i] - minDist) / spread);
    }
    double bestA = 1;
    double bestB = 1;
    double best = Double.POSITIVE_INFINITY;
    for (double step = 0.5; step > 1e-7; step /= 2) { // pattern search, halving the step
      boolean moved = true;
      while (moved) {
        moved = false;
        for (int[] dir : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
          double ta = bestA + dir[0] * step;
          double tb = bestB + dir[1] * step;
          if (ta <= 0 || tb <= 0) {
            continue;
          }
          double err = 0;
          for (int i = 0; i < pts; i++) {
            double r = 1 / (1 + ta * Math.pow(xs[i], 2 * tb)) - ys[i];
            err += r * r;
          }
          if (err < best) {
            best = err;
            bestA = ta;
            bestB = tb;
            moved = true;
          }
        }
      }
    }
    return new double[] {bestA, bestB};
  }
}
