package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.ImageBatch;
import dev.trainscope.writer.Images;
import dev.trainscope.writer.SummaryWriter;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Shows what each latent factor of an {@link Autoencoder} has learnt, while it trains: every
 * {@code every} training steps (the image cadence of {@link TrainscopeListener}) and once after
 * the last step, it logs
 *
 * <ul>
 *   <li>{@link TagNames#LATENT_TRAVERSAL}: one picture, a row per latent dimension {@code d} and
 *       {@value #STEPS} columns. Cell {@code (d, k)} is the decoded digit of the code {@code z}
 *       where {@code z_j = c_j} for {@code j != d} and {@code z_d = c_d + o_k}, {@code c} being
 *       the posterior mean (mu) of validation digit {@code sample} and {@code o_k = 3 (2k - 8) / 8}
 *       prior standard deviations: -3, -2.25, ..., 0, ..., +3. The prior is N(0, 1), so the sweep
 *       is the same in every row; the middle column ({@code o = 0}, exactly) is the digit's own
 *       reconstruction. The same digit at every step, so steps compare.
 *   <li>{@link TagNames#LATENT_RECONSTRUCTIONS}: validation digits {@code 0..n-1} in the top row,
 *       their reconstructions (decoded from mu) in the bottom row.
 *   <li>{@link TagNames#latentStd} ({@code latent/std/<d>}): the standard deviation of mu's dimension
 *       {@code d} over the whole validation set. A dimension the decoder ignores collapses to its
 *       prior, its mu near 0 for every digit: its row of the traversal shows one digit nine times.
 *       (Burda et al., "Importance Weighted Autoencoders", 2016, call a unit active when that
 *       variance exceeds 0.01, a standard deviation of 0.1.)
 * </ul>
 *
 * <p>DJL calls {@link #onTrainingBatch} after the backward pass and before the optimizer's step,
 * so what is logged at step {@code s} shows the weights before that step's update, as the
 * listener's histograms do.
 *
 * <p>Pictures are grids as {@link Images#grid} makes them: 28 x 28 grey cells, {@value #PADDING}
 * black pixels around every cell; white is a pixel probability of 1.
 *
 * <p>It reads only: the network runs in inference mode ({@code z = mu}, no random numbers drawn,
 * nothing recorded for gradients), so training goes on exactly as without it. Not thread-safe:
 * DJL calls listeners from the training thread.
 */
final class LatentTraversal extends TrainingListenerAdapter {
  /** Columns of a traversal: an odd number, so the middle one is the sample's own code. */
  static final int STEPS = 9;
  /** The sweep goes from {@code -RANGE} to {@code +RANGE} prior standard deviations. */
  static final double RANGE = 3;
  static final int PADDING = Images.DEFAULT_PADDING;
  /** Validation digits encoded per forward pass. */
  private static final int BATCH = 500;
  private static final int PIXELS = Autoencoder.SIDE * Autoencoder.SIDE;

  private final SummaryWriter log;
  private final Autoencoder model;
  private final NDArray valInputs;
  private final float[] valPixels;
  private final int sample;
  private final int reconstructions;
  private final int every;
  private final int dims;
  private final List<Long> nanos = new ArrayList<>();
  private long step;
  private long lastLogged = -1;
  private boolean described;

  /**
   * @param valInputs the validation digits as the network takes them, {@code [V, 1, 28, 28]}
   *     (owned by the caller, open while training)
   * @param valPixels the first {@code reconstructions} of them as pictures: pixels in [0, 1], 784 a digit
   * @param sample the validation digit whose code the traversal varies
   * @param reconstructions how many validation digits the reconstruction grid shows
   * @param every log at training steps {@code 0, every, 2 every, ...}
   */
  LatentTraversal(SummaryWriter log, Autoencoder model, NDArray valInputs, float[] valPixels, int sample,
      int reconstructions, int every) {
    this.log = Require.nonNull(log, "log");
    this.model = Require.nonNull(model, "model");
    this.valInputs = Require.nonNull(valInputs, "valInputs");
    long v = valInputs.getShape().get(0);
    if (!valInputs.getShape().equals(new Shape(v, 1, Autoencoder.SIDE, Autoencoder.SIDE)) || v < 1) {
      throw new IllegalArgumentException("valInputs must be [V >= 1, 1, 28, 28], was " + valInputs.getShape());
    }
    this.sample = Require.inRange(sample, 0, Math.toIntExact(v) - 1, "sample");
    this.reconstructions = Require.inRange(reconstructions, 1, Math.toIntExact(Math.min(v, 64)), "reconstructions");
    this.valPixels = Require.nonNull(valPixels, "valPixels");
    if (valPixels.length != reconstructions * PIXELS) {
      throw new IllegalArgumentException("valPixels must hold reconstructions x 784 = " + reconstructions * PIXELS
          + " values, held " + valPixels.length);
    }
    this.every = Require.positive(every, "every");
    this.dims = model.latentDims();
  }

  /** How long each logging step took, in milliseconds, in order. */
  double[] millis() {
    return nanos.stream().mapToDouble(n -> n / 1e6).toArray();
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    long s = step++;
    if (s % every == 0) {
      logAt(s, trainer.getManager());
    }
  }

  @Override
  public void onTrainingEnd(Trainer trainer) {
    if (step > 0 && lastLogged != step && (step - 1) % every != 0) {
      logAt(step, trainer.getManager()); // after the last update, as the listener's final snapshot
    }
  }

  /** Logs the traversal, the reconstructions and the codes' spread at step {@code s}. */
  void logAt(long s, NDManager parent) {
    long t0 = System.nanoTime();
    describe();
    try (NDManager scope = parent.newSubManager()) {
      ParameterStore store = new ParameterStore(scope, false);
      float[] mu = encodeAll(store, scope);
      double[] sd = spread(mu, dims);
      for (int d = 0; d < dims; d++) {
        log.scalar(TagNames.latentStd(d), sd[d], s);
      }
      Decoder decoder = (codes, n) -> model.decode(store, scope.create(codes, new Shape(n, dims))).toFloatArray();
      float[] base = Arrays.copyOfRange(mu, sample * dims, (sample + 1) * dims);
      log.image(TagNames.LATENT_TRAVERSAL, traversal(base, decoder), s);
      float[] decoded = decoder.decode(Arrays.copyOf(mu, reconstructions * dims), reconstructions);
      log.image(TagNames.LATENT_RECONSTRUCTIONS, reconstructionGrid(valPixels, decoded, reconstructions), s);
    }
    lastLogged = s;
    nanos.add(System.nanoTime() - t0);
  }

  /** The posterior means of every validation digit, {@code V x D}, row after row. */
  private float[] encodeAll(ParameterStore store, NDManager scope) {
    long v = valInputs.getShape().get(0);
    float[] out = new float[Math.toIntExact(v * dims)];
    for (long from = 0; from < v; from += BATCH) {
      long to = Math.min(v, from + BATCH);
      NDArray x = valInputs.get(new NDIndex(from + ":" + to));
      x.attach(scope);
      float[] mu = model.encode(store, x).toFloatArray();
      System.arraycopy(mu, 0, out, Math.toIntExact(from * dims), mu.length);
    }
    return out;
  }

  /** Turns {@code n} codes ({@code n x D} floats) into {@code n} digits ({@code n x 784} pixels in [0, 1]). */
  interface Decoder {
    float[] decode(float[] codes, int n);
  }

  /** The traversal grid around {@code base}: {@code D x STEPS} decoded codes of {@link #sweep}. */
  static BufferedImage traversal(float[] base, Decoder decoder) {
    int d = base.length;
    float[] pixels = decoder.decode(sweep(base, STEPS, RANGE), d * STEPS);
    return grid(pixels, d * STEPS, STEPS);
  }

  /** The offset of column {@code k} of {@code steps}, in standard deviations: exactly 0 in the middle. */
  static double offset(int k, int steps, double range) {
    return range * (2 * k - (steps - 1)) / (steps - 1);
  }

  /**
   * The codes of a traversal, {@code D x steps} codes of {@code D} floats, row {@code d} (dimension
   * {@code d} swept) after row: code {@code (d, k)} is {@code base} with {@code base[d] + offset(k)}
   * at {@code d} (the prior's standard deviation is 1).
   */
  static float[] sweep(float[] base, int steps, double range) {
    if (steps < 3 || steps % 2 == 0) {
      throw new IllegalArgumentException("steps must be odd and >= 3, so the middle one is the sample, was " + steps);
    }
    int d = base.length;
    float[] codes = new float[d * steps * d];
    for (int row = 0; row < d; row++) {
      for (int k = 0; k < steps; k++) {
        int at = (row * steps + k) * d;
        System.arraycopy(base, 0, codes, at, d);
        codes[at + row] = (float) (base[row] + offset(k, steps, range));
      }
    }
    return codes;
  }

  /** Inputs above, reconstructions below: two rows of {@code n}. */
  static BufferedImage reconstructionGrid(float[] inputs, float[] decoded, int n) {
    float[] both = Arrays.copyOf(inputs, 2 * n * PIXELS);
    System.arraycopy(decoded, 0, both, n * PIXELS, n * PIXELS);
    return grid(both, 2 * n, n);
  }

  /** {@code count} 28 x 28 digits, pixels in [0, 1], {@code columns} a row. */
  static BufferedImage grid(float[] pixels, int count, int columns) {
    return Images.grid(ImageBatch.nchw(pixels, count, 1, Autoencoder.SIDE, Autoencoder.SIDE), Denormalize.NONE,
        columns, PADDING);
  }

  /** The population standard deviation of each of {@code dims} columns of {@code v}. */
  static double[] spread(float[] v, int dims) {
    int n = v.length / dims;
    double[] sum = new double[dims];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < dims; d++) {
        sum[d] += v[i * dims + d];
      }
    }
    double[] sd = new double[dims];
    for (int d = 0; d < dims; d++) {
      double mean = sum[d] / n;
      double ss = 0;
      for (int i = 0; i < n; i++) {
        double x = v[i * dims + d] - mean;
        ss += x * x;
      }
      sd[d] = Math.sqrt(ss / n);
    }
    return sd;
  }

  /** The machine-readable last line of {@link TagNames#LATENT_TRAVERSAL}'s description. */
  static String traversalLine(int dims, int sample) {
    return String.format(Locale.ROOT, "role: %s, dims: %d, sweep: -%s..%s sd, steps: %d, sample: %d, sd: prior",
        Role.LATENT_TRAVERSAL.id(), dims, number(RANGE), number(RANGE), STEPS, sample);
  }

  private static String number(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  private void describe() {
    if (described) {
      return;
    }
    described = true;
    long v = valInputs.getShape().get(0);
    describe(TagNames.LATENT_TRAVERSAL, "latent traversal",
        "Each row sweeps one latent dimension (row d is z_d, from 0) from -3 to +3 standard deviations of the prior"
            + " N(0, 1) around the code (posterior mean) of validation digit " + sample + ", in " + STEPS
            + " steps, the other dimensions held at that code; the middle column is the digit's own reconstruction.\n\n"
            + traversalLine(dims, sample));
    describe(TagNames.LATENT_RECONSTRUCTIONS, "reconstructions",
        "Validation digits 0.." + (reconstructions - 1) + " (top row) and their reconstructions decoded from the"
            + " posterior mean (bottom row).\n\n"
            + "role: " + Role.RECONSTRUCTIONS.id() + ", split: val, samples: 0.." + (reconstructions - 1));
    for (int d = 0; d < dims; d++) {
      describe(TagNames.latentStd(d), "latent std z" + d,
          "The standard deviation of latent dimension " + d + "'s posterior mean over the " + v + " validation"
              + " digits: near 0 when the decoder ignores the dimension (an inactive unit).\n\n"
              + "role: " + Role.LATENT_STD.id() + ", split: val, dim: " + d);
    }
  }

  private void describe(String tag, String displayName, String description) {
    try {
      log.describe(tag, displayName, description);
    } catch (IllegalStateException e) {
      // A shared writer already holds values of this tag: they keep the metadata they have.
    }
  }
}
