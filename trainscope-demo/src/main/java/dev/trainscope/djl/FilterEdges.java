package dev.trainscope.djl;

import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How much a convolution's filters look like oriented edge and bar detectors, the way first-layer
 * filters of trained image networks are said to look (Zeiler and Fergus 2014, figure 2; Krizhevsky
 * et al. 2012, figure 3): each filter's best absolute Pearson correlation, over its k x k weights,
 * with a bank of oriented kernels. A score near 1 says the filter is, up to scale and offset, one
 * of them; random filters score well below.
 *
 * <p>The bank, for a k x k filter with coordinates (u, v) from its centre (u to the right, v
 * down), at 8 orientations {@code θ = 0°, 22.5°, ..., 157.5°}, with {@code x' = u cos θ + v sin θ}
 * across the edge and {@code y' = -u sin θ + v cos θ} along it:
 *
 * <ul>
 *   <li>{@code step}: an ideal step edge, {@code sign(x')};
 *   <li>{@code sobel}: a smoothed edge (Sobel-like), the derivative of a Gaussian of σ = 1, {@code
 *       x' exp(-(x'² + y'²) / 2)};
 *   <li>{@code bar}: a line one to two pixels wide, the negated second derivative of a Gaussian of
 *       σ = 1 across and σ = 2 along, {@code (1 - x'²) exp(-x'² / 2 - y'² / 8)};
 *   <li>{@code gabor-odd} and {@code gabor-even}: Gabor functions of wavelength 4 and σ = 2 (aspect
 *       0.5), {@code sin} and {@code cos (2π x' / 4) exp(-(x'² + (y'/2)²) / 8)}.
 * </ul>
 *
 * <p>40 kernels. Both polarities count alike: the score takes the absolute correlation, and a
 * kernel's negative (a dark-to-bright edge turned bright-to-dark, a dark bar for a bright one) has
 * the opposite correlation. Orientations over 180° suffice: turning by 180° negates the odd
 * kernels and leaves the even ones as they are.
 *
 * <p>Run {@link #main} to train the demo and compare the first convolution's filters after
 * training with the same filters at initialisation and with Gaussian noise.
 */
public final class FilterEdges {
  private FilterEdges() {}

  static final int ORIENTATIONS = 8;
  static final List<String> KINDS = List.of("step", "sobel", "bar", "gabor-odd", "gabor-even");

  /** One kernel of the bank. */
  record Kernel(String kind, double degrees, float[] weights) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s %.1f°", kind, degrees);
    }
  }

  /** The best kernel for a filter, and the absolute correlation with it. */
  record Match(double score, Kernel kernel) {}

  /** The bank for {@code k x k} filters. */
  static List<Kernel> bank(int k) {
    List<Kernel> out = new ArrayList<>();
    double c = (k - 1) / 2.0;
    for (String kind : KINDS) {
      for (int o = 0; o < ORIENTATIONS; o++) {
        double deg = 180.0 * o / ORIENTATIONS;
        double t = Math.toRadians(deg);
        float[] w = new float[k * k];
        for (int v = 0; v < k; v++) {
          for (int u = 0; u < k; u++) {
            double x = (u - c) * Math.cos(t) + (v - c) * Math.sin(t);
            double y = -(u - c) * Math.sin(t) + (v - c) * Math.cos(t);
            w[v * k + u] = (float) value(kind, x, y);
          }
        }
        out.add(new Kernel(kind, deg, w));
      }
    }
    return out;
  }

  private static double value(String kind, double x, double y) {
    switch (kind) {
      case "step":
        // rounding keeps pixels on the edge line at 0 whatever cos and sin give
        double r = Math.rint(x * 1e9) / 1e9;
        return Math.signum(r);
      case "sobel":
        return x * Math.exp(-(x * x + y * y) / 2);
      case "bar":
        return (1 - x * x) * Math.exp(-x * x / 2 - y * y / 8);
      case "gabor-odd":
        return Math.sin(2 * Math.PI * x / 4) * Math.exp(-(x * x + y * y / 4) / 8);
      case "gabor-even":
        return Math.cos(2 * Math.PI * x / 4) * Math.exp(-(x * x + y * y / 4) / 8);
      default:
        throw new IllegalArgumentException("unknown kernel kind '" + kind + "'");
    }
  }

  /** The kernel of the bank {@code filter} correlates best with, in absolute value. */
  static Match best(float[] filter, List<Kernel> bank) {
    Match best = new Match(0, null);
    for (Kernel k : bank) {
      double r = Math.abs(Stats.pearson(filter, k.weights));
      if (r > best.score) {
        best = new Match(r, k);
      }
    }
    return best;
  }

  /**
   * The best match of each filter of a convolution's weights {@code [out, in, k, k]}; a filter
   * over several input channels is taken as the mean of them.
   */
  static List<Match> matches(float[] weights, long[] shape) {
    if (shape.length != 4 || shape[2] != shape[3]) {
      throw new IllegalArgumentException("weights must be [out, in, k, k], were " + Arrays.toString(shape));
    }
    int out = Math.toIntExact(shape[0]);
    int in = Math.toIntExact(shape[1]);
    int k = Math.toIntExact(shape[2]);
    List<Kernel> bank = bank(k);
    List<Match> matches = new ArrayList<>(out);
    for (int o = 0; o < out; o++) {
      float[] f = new float[k * k];
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < k * k; j++) {
          f[j] += weights[(o * in + i) * k * k + j] / in;
        }
      }
      matches.add(best(f, bank));
    }
    return matches;
  }

  static double[] scores(List<Match> matches) {
    return matches.stream().mapToDouble(Match::score).toArray();
  }

  /** The scores of {@code n} filters of {@code k x k} independent N(0, 1) weights. */
  static double[] noise(int n, int k, long seed) {
    Random r = new Random(seed);
    List<Kernel> bank = bank(k);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      float[] f = new float[k * k];
      for (int j = 0; j < f.length; j++) {
        f[j] = (float) r.nextGaussian();
      }
      out[i] = best(f, bank).score;
    }
    return out;
  }

  /**
   * Trains the demo ({@code args}: epochs, default {@value Demo#DEFAULT_EPOCHS}; a log directory,
   * default none) and prints, for each filter of its first convolution, the best match at
   * initialisation and after training and how far training moved the filter (Pearson's r with its
   * initial weights, {@code ||w - w0|| / ||w0||}), the medians, and the scores of Gaussian noise
   * filters.
   */
  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : Demo.DEFAULT_EPOCHS;
    Path logdir = args.length > 1 ? Path.of(args[1]) : null;
    float[][] filters = new float[2][];
    long[][] shapes = new long[2][];
    Demo.Progress progress = new Demo.Progress() {
      @Override
      public void initialized(Block network) {
        keep(network, 0);
      }

      @Override
      public void trained(Block network) {
        keep(network, 1);
      }

      private void keep(Block network, int i) {
        Network.Layer conv = Network.of(network).firstConv2d();
        var w = conv.params.get(0).parameter().getArray();
        filters[i] = w.toFloatArray();
        shapes[i] = w.getShape().getShape();
      }

      @Override
      public void epochDone(int epoch, double valAccuracy, double valLoss) {
        System.err.printf(Locale.ROOT, "epoch %d: validation accuracy %.4f, loss %.4f%n", epoch, valAccuracy, valLoss);
      }
    };
    Demo.Result result = Demo.train(Demo.Options.defaults(logdir).withEpochs(epochs), progress);
    List<Match> before = matches(filters[0], shapes[0]);
    List<Match> after = matches(filters[1], shapes[1]);
    System.out.printf(Locale.ROOT, "demo CNN, %d epochs, %d steps, validation accuracy %.2f%%; conv2d_1 %s%n",
        result.epochs(), result.steps(), 100 * result.valAccuracy(), Arrays.toString(shapes[1]));
    System.out.println("| filter | at initialisation | best kernel | trained | best kernel | r(initial, trained) |"
        + " change |");
    System.out.println("|---:|---:|---|---:|---|---:|---:|");
    int k2 = (int) (shapes[1][1] * shapes[1][2] * shapes[1][3]);
    double[] kept = new double[after.size()];
    double[] moved = new double[after.size()];
    for (int i = 0; i < after.size(); i++) {
      float[] w0 = Arrays.copyOfRange(filters[0], i * k2, (i + 1) * k2);
      float[] w1 = Arrays.copyOfRange(filters[1], i * k2, (i + 1) * k2);
      kept[i] = Stats.pearson(w0, w1);
      double d = 0;
      double n0 = 0;
      for (int j = 0; j < k2; j++) {
        d += (w1[j] - w0[j]) * (double) (w1[j] - w0[j]);
        n0 += w0[j] * (double) w0[j];
      }
      moved[i] = Math.sqrt(d / n0);
      System.out.printf(Locale.ROOT, "| %d | %.3f | %s | %.3f | %s | %.3f | %.0f%% |%n", i, before.get(i).score(),
          before.get(i).kernel(), after.get(i).score(), after.get(i).kernel(), kept[i], 100 * moved[i]);
    }
    System.out.printf(Locale.ROOT, "median r(initial, trained) %.3f; median change ||w - w0|| / ||w0|| %.0f%%%n",
        Stats.median(kept), 100 * Stats.median(moved));
    double[] noise = noise(10_000, (int) shapes[1][2], 1);
    double[] sorted = noise.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "median best |r|: initialisation %.3f, trained %.3f; N(0, 1) noise filters"
        + " (10,000): median %.3f, 95th percentile %.3f, 99th %.3f%n", Stats.median(scores(before)), Stats.median(scores(after)),
        Stats.median(noise), sorted[(int) (0.95 * sorted.length)], sorted[(int) (0.99 * sorted.length)]);
  }
}
