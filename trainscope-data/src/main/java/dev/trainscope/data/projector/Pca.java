package dev.trainscope.data.projector;

/**
 * Principal component analysis: the mean and the leading eigenvectors of the covariance of a set
 * of rows ({@link Eigen}), and the projection of any row onto them.
 */
public final class Pca {
  private Pca() {}

  /**
   * A fitted PCA.
   *
   * @param components unit eigenvectors of the covariance, by decreasing variance, each with its
   *     largest component positive (so that the sign of an axis does not depend on chance)
   * @param variances the variance along each component (the eigenvalues)
   * @param totalVariance the trace of the covariance: {@code variances[i] / totalVariance} is the
   *     share of the variance a component explains
   */
  public record Fit(double[] mean, double[][] components, double[] variances, double totalVariance) {
    /** Writes the coordinates of {@code row} on the first {@code out.length} components into {@code out}. */
    public void project(float[] row, float[] out) {
      for (int c = 0; c < out.length; c++) {
        double[] v = components[c];
        double s = 0;
        for (int j = 0; j < row.length; j++) {
          s += (row[j] - mean[j]) * v[j];
        }
        out[c] = (float) s;
      }
    }

    /** The same as {@link #project} for {@code n} rows of {@code d} numbers held one after another. */
    public float[] projectAll(float[] rows, int n, int k) {
      int d = mean.length;
      float[] out = new float[n * k];
      float[] row = new float[d];
      float[] one = new float[k];
      for (int i = 0; i < n; i++) {
        System.arraycopy(rows, i * d, row, 0, d);
        project(row, one);
        System.arraycopy(one, 0, out, i * k, k);
      }
      return out;
    }
  }

  /** The PCA of {@code n} rows of {@code d} numbers held one after another, with {@code k} components. */
  public static Fit fit(float[] rows, int n, int d, int k) {
    if (n < 1 || d < 1 || rows.length < (long) n * d) {
      throw new IllegalArgumentException("expected " + n + " x " + d + " numbers, got " + rows.length);
    }
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += rows[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[][] cov = new double[d][d];
    double[] x = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[j] = rows[i * d + j] - mean[j];
      }
      for (int a = 0; a < d; a++) {
        double xa = x[a];
        if (xa == 0) {
          continue;
        }
        double[] ca = cov[a];
        for (int b = a; b < d; b++) {
          ca[b] += xa * x[b];
        }
      }
    }
    double scale = 1.0 / Math.max(1, n - 1);
    double trace = 0;
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        cov[a][b] *= scale;
        cov[b][a] = cov[a][b];
      }
      trace += cov[a][a];
    }
    int kk = Math.min(k, d);
    double[][] eig = Eigen.leading(cov, kk);
    double[][] components = new double[kk][];
    for (int c = 0; c < kk; c++) {
      components[c] = eig[c + 1];
    }
    double[] variances = new double[kk];
    for (int c = 0; c < kk; c++) {
      variances[c] = Math.max(0, eig[0][c]);
    }
    return new Fit(mean, components, variances, trace);
  }
}
