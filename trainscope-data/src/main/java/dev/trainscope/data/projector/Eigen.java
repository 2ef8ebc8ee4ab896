package dev.trainscope.data.projector;

/**
 * Eigenvectors of a symmetric matrix: all of them for a small one (cyclic Jacobi rotations), the
 * leading ones of a large one (subspace iteration with Rayleigh-Ritz on a few more vectors than
 * asked for, then Jacobi on the small projected matrix). Golub and Van Loan, Matrix Computations,
 * 8.5 and 8.2.
 */
final class Eigen {
  private Eigen() {}

  /**
   * The eigen decomposition of a symmetric matrix by cyclic Jacobi.
   *
   * @return values in {@code out[0]} (descending) and the vectors as the rows of the rest
   */
  static double[][] jacobi(double[][] a0) {
    int n = a0.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = a0[i].clone();
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double diag = 0;
      for (int i = 0; i < n; i++) {
        diag += a[i][i] * a[i][i];
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off <= 1e-30 * Math.max(diag, 1e-300)) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) { // A <- A J (columns p and q)
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) { // A <- J^T A (rows p and q)
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) { // V <- V J
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
    double[][] out = new double[n + 1][];
    out[0] = new double[n];
    for (int r = 0; r < n; r++) {
      int col = order[r];
      out[0][r] = a[col][col];
      double[] vec = new double[n];
      for (int k = 0; k < n; k++) {
        vec[k] = v[k][col];
      }
      out[r + 1] = vec;
    }
    return out;
  }

  /**
   * The {@code k} leading eigenvalues and eigenvectors of a symmetric positive semi-definite
   * matrix, in the layout of {@link #jacobi}; each vector's sign makes its largest component positive.
   */
  static double[][] leading(double[][] c, int k) {
    int d = c.length;
    k = Math.min(k, d);
    double[][] full;
    if (d <= 64) {
      full = jacobi(c);
    } else {
      full = subspace(c, Math.min(d, k + 10), k);
    }
    double[][] out = new double[k + 1][];
    out[0] = java.util.Arrays.copyOf(full[0], k);
    for (int i = 0; i < k; i++) {
      double[] vec = full[i + 1];
      int big = 0;
      for (int j = 1; j < vec.length; j++) {
        if (Math.abs(vec[j]) > Math.abs(vec[big])) {
          big = j;
        }
      }
      if (vec[big] < 0) {
        for (int j = 0; j < vec.length; j++) {
          vec[j] = -vec[j];
        }
      }
      out[i + 1] = vec;
    }
    return out;
  }

  private static double[][] subspace(double[][] c, int m, int k) {
    int d = c.length;
    java.util.Random rnd = new java.util.Random(42);
    double[][] q = new double[m][d]; // rows are the basis vectors
    for (double[] row : q) {
      for (int j = 0; j < d; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    orthonormalize(q);
    double[] last = new double[k];
    double[][] ritz = null;
    for (int it = 0; it < 1000; it++) {
      double[][] z = new double[m][];
      for (int i = 0; i < m; i++) {
        z[i] = times(c, q[i]);
      }
      // Rayleigh-Ritz: T = Q C Q^T, rotate the basis to T's eigenvectors
      double[][] t = new double[m][m];
      for (int i = 0; i < m; i++) {
        for (int j = i; j < m; j++) {
          t[i][j] = t[j][i] = dot(q[i], z[j]);
        }
      }
      ritz = jacobi(t);
      double[][] rotated = new double[m][d];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          double w = ritz[i + 1][j];
          double[] zj = z[j];
          double[] out = rotated[i];
          for (int x = 0; x < d; x++) {
            out[x] += w * zj[x];
          }
        }
      }
      orthonormalize(rotated);
      q = rotated;
      double change = 0;
      for (int i = 0; i < k; i++) {
        change = Math.max(change, Math.abs(ritz[0][i] - last[i]) / Math.max(Math.abs(ritz[0][i]), 1e-300));
        last[i] = ritz[0][i];
      }
      if (it > 2 && change < 1e-13) {
        break;
      }
    }
    // one more Rayleigh-Ritz on the converged basis, for the values
    double[][] out = new double[m + 1][];
    out[0] = new double[m];
    for (int i = 0; i < m; i++) {
      out[0][i] = dot(q[i], times(c, q[i]));
      out[i + 1] = q[i];
    }
    return out;
  }

  static double[] times(double[][] c, double[] x) {
    double[] y = new double[c.length];
    for (int i = 0; i < c.length; i++) {
      y[i] = dot(c[i], x);
    }
    return y;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Modified Gram-Schmidt, twice for stability. */
  private static void orthonormalize(double[][] q) {
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < q.length; i++) {
        for (int j = 0; j < i; j++) {
          double p = dot(q[i], q[j]);
          for (int x = 0; x < q[i].length; x++) {
            q[i][x] -= p * q[j][x];
          }
        }
        double norm = Math.sqrt(dot(q[i], q[i]));
        if (norm < 1e-300) {
          norm = 1; // a zero vector stays zero: the matrix has rank below m
        }
        for (int x = 0; x < q[i].length; x++) {
          q[i][x] /= norm;
        }
      }
    }
  }
}
