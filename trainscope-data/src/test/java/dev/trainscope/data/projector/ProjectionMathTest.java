package dev.trainscope.data.projector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

/**
 * The projector's PCA against a direct eigen decomposition (Apache Commons Math), and t-SNE and
 * UMAP by how well they keep real digits' neighbourhoods: the label of a digit's nearest neighbours
 * in the 2-D (and 3-D) layout, against 10 % by chance.
 */
class ProjectionMathTest {
  @Test
  void jacobi_onAKnownMatrix() {
    double[][] e = Eigen.jacobi(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}});
    assertArrayEquals(new double[] {5, 3, 1}, e[0], 1e-12);
    assertArrayEquals(new double[] {0, 0, 1}, abs(e[1]), 1e-12);
    assertArrayEquals(new double[] {Math.sqrt(0.5), Math.sqrt(0.5), 0}, abs(e[2]), 1e-12);
  }

  private static double[] abs(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.abs(v[i]);
    }
    return out;
  }

  /** Rows whose columns have distinct spreads, mixed by a random rotation-ish matrix. */
  private static float[] data(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] mix = new double[d][d];
    for (double[] row : mix) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextGaussian();
      }
    }
    float[] out = new float[n * d];
    for (int i = 0; i < n; i++) {
      double[] z = new double[d];
      for (int j = 0; j < d; j++) {
        z[j] = r.nextGaussian() * (d - j) + (j == 0 ? 3 : 0);
      }
      for (int a = 0; a < d; a++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += mix[a][j] * z[j];
        }
        out[i * d + a] = (float) (s + 10 * a);
      }
    }
    return out;
  }

  /** Both of PCA's paths: Jacobi for d <= 64, subspace iteration beyond. */
  @Test
  void pca_equalsTheDirectEigenDecomposition() {
    for (int[] nd : new int[][] {{300, 12}, {600, 100}}) {
      int n = nd[0];
      int d = nd[1];
      float[] x = data(n, d, n + d);
      Pca.Fit fit = Pca.fit(x, n, d, 3);

      double[] mean = new double[d];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          mean[j] += x[i * d + j] / (double) n;
        }
      }
      double[][] cov = new double[d][d];
      for (int i = 0; i < n; i++) {
        for (int a = 0; a < d; a++) {
          for (int b = 0; b < d; b++) {
            cov[a][b] += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]) / (n - 1);
          }
        }
      }
      EigenDecomposition ref = new EigenDecomposition(new Array2DRowRealMatrix(cov));
      double[] values = ref.getRealEigenvalues(); // descending, as Commons Math sorts them
      for (int c = 0; c < 3; c++) {
        assertEquals(values[c], fit.variances()[c], 1e-9 * values[0], "variance of component " + c + ", d=" + d);
        RealVector v = ref.getEigenvector(c);
        double sign = Math.signum(v.getEntry(v.getMaxIndex()) + v.getEntry(v.getMinIndex())); // the largest |component| positive
        for (int i = 0; i < n; i += 37) {
          double expected = 0;
          for (int j = 0; j < d; j++) {
            expected += (x[i * d + j] - mean[j]) * v.getEntry(j) * sign;
          }
          float[] out = new float[3];
          float[] row = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
          fit.project(row, out);
          assertEquals(expected, out[c], 1e-4 * Math.sqrt(values[0]), "row " + i + " component " + c + ", d=" + d);
        }
      }
    }
  }

  @Test
  void tsne_keepsDigitsNeighbourhoods() throws Exception {
    Mnist m = Mnist.first(2000);
    float[] reduced = Pca.fit(m.pixels, m.n, 784, 50).projectAll(m.pixels, m.n, 50);
    double before = Mnist.knnAccuracy(reduced, m.n, 50, m.labels, 5);
    float[] y2 = Tsne.run(reduced, m.n, 50, 2, 30, 500);
    double in2 = Mnist.knnAccuracy(y2, m.n, 2, m.labels, 5);
    float[] y3 = Tsne.run(reduced, m.n, 50, 3, 30, 300);
    double in3 = Mnist.knnAccuracy(y3, m.n, 3, m.labels, 5);
    System.out.printf("t-SNE, 2,000 MNIST digits: 5-NN accuracy %.3f in 50-D PCA, %.3f in 2-D, %.3f in 3-D%n", before, in2, in3);
    assertTrue(in2 > 0.8, "2-D: " + in2);
    assertTrue(in3 > 0.8, "3-D: " + in3);
    float[] pca2 = Pca.fit(m.pixels, m.n, 784, 2).projectAll(m.pixels, m.n, 2);
    double pca = Mnist.knnAccuracy(pca2, m.n, 2, m.labels, 5);
    assertTrue(in2 > pca + 0.2, "t-SNE keeps neighbourhoods far better than 2-D PCA (" + pca + ")");
  }

  @Test
  void umap_keepsDigitsNeighbourhoods() throws Exception {
    Mnist m = Mnist.first(2000);
    float[] reduced = Pca.fit(m.pixels, m.n, 784, 50).projectAll(m.pixels, m.n, 50);
    float[] y2 = Umap.run(reduced, m.n, 50, 2, 15, 0.1, 300, 1);
    double in2 = Mnist.knnAccuracy(y2, m.n, 2, m.labels, 5);
    float[] y3 = Umap.run(reduced, m.n, 50, 3, 15, 0.1, 200, 1);
    double in3 = Mnist.knnAccuracy(y3, m.n, 3, m.labels, 5);
    float[] pca2 = Pca.fit(m.pixels, m.n, 784, 2).projectAll(m.pixels, m.n, 2);
    double pca = Mnist.knnAccuracy(pca2, m.n, 2, m.labels, 5);
    System.out.printf("UMAP, 2,000 MNIST digits: 5-NN accuracy %.3f in 2-D, %.3f in 3-D (2-D PCA %.3f)%n", in2, in3, pca);
    assertTrue(in2 > 0.8, "2-D: " + in2);
    assertTrue(in3 > 0.8, "3-D: " + in3);
    assertTrue(in2 > pca + 0.2, "UMAP keeps neighbourhoods far better than 2-D PCA (" + pca + ")");
  }

  /** umap-learn's fitted curve for min_dist 0.1, spread 1: a = 1.577, b = 0.895. */
  @Test
  void umapCurve_matchesTheKnownFit() {
    double[] ab = Umap.curve(0.1, 1.0);
    assertEquals(1.577, ab[0], 0.02);
    assertEquals(0.895, ab[1], 0.01);
  }
}
