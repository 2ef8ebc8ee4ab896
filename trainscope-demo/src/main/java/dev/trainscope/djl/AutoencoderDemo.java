package dev.trainscope.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.SummaryWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generative side of {@code trainscope demo --model autoencoder}: the convolutional VAE of
 * {@link Autoencoder} learning the bundled MNIST digits (8,000 for training, 2,000 for validation)
 * with Adam through DJL's own {@link EasyTrain#fit} loop, so a generative model's latent space
 * can be watched as it forms. Two listeners share one event file: {@link TrainscopeListener} at its
 * default settings (the negative ELBO as {@code train/loss} and {@code val/loss}, its two terms as
 * {@code train/reconstruction}, {@code train/kl} and their {@code val/} twins, gradients, weights,
 * input pictures...), and {@link LatentTraversal} at the listener's image cadence.
 *
 * <pre>{@code
 * AutoencoderDemo.Result r = AutoencoderDemo.train(AutoencoderDemo.Options.defaults(Path.of("runs/demo/vae")),
 *     Demo.Progress.NONE);
 * }</pre>
 *
 * <p>The encoder sees normalised pixels ({@code (p / 255 - mean) / std}, as the CNN does); the
 * targets are the pixels in [0, 1]. A seed makes a run reproducible on one machine.
 */
public final class AutoencoderDemo {
  private AutoencoderDemo() {}

  public static final int DEFAULT_EPOCHS = 12;
  public static final double DEFAULT_LR = 1e-3;
  /** The listener's and the traversal's image cadence, in training steps. */
  static final int IMAGES_EVERY = 200;
  /** The validation digit the traversal varies, the same at every step. */
  static final int TRAVERSAL_SAMPLE = 0;
  /** Validation digits shown with their reconstructions. */
  static final int RECONSTRUCTIONS = 10;

  /**
   * What to train.
   *
   * @param logdir where the listeners write their event file, or null to train without them (the
   *     overhead baseline)
   * @param epochs training epochs; 0 for {@value #DEFAULT_EPOCHS}
   * @param trainSamples how many of the 8,000 training digits to use; 0 for all
   * @param batchSize training batch size, 1..1024
   * @param lr Adam's learning rate; 0 for {@value #DEFAULT_LR}
   * @param latentDims the latent dimension, 1..64
   */
  public record Options(Path logdir, int seed, int epochs, int trainSamples, int batchSize, double lr,
      int latentDims) {
    public Options {
      if (epochs < 0) {
        throw new IllegalArgumentException("epochs must be >= 0 (0 for the default), was " + epochs);
      }
      if (trainSamples < 0 || trainSamples > Mnist.TRAIN_COUNT) {
        throw new IllegalArgumentException("trainSamples must be in [0, " + Mnist.TRAIN_COUNT + "], was "
            + trainSamples);
      }
      Require.inRange(batchSize, 1, 1024, "batch size");
      if (!(lr >= 0 && lr <= 10)) {
        throw new IllegalArgumentException("lr must be in [0, 10] (0 for the default), was " + lr);
      }
      Require.inRange(latentDims, 1, 64, "latentDims");
    }

    /** The default run, logging to {@code logdir}. */
    public static Options defaults(Path logdir) {
      return new Options(logdir, Demo.DEFAULT_SEED, 0, 0, Demo.BATCH_SIZE, 0, Autoencoder.DEFAULT_LATENT_DIMS);
    }

    public Options withEpochs(int e) {
      return new Options(logdir, seed, e, trainSamples, batchSize, lr, latentDims);
    }

    public Options withTrainSamples(int n) {
      return new Options(logdir, seed, epochs, n, batchSize, lr, latentDims);
    }

    public Options withLogdir(Path dir) {
      return new Options(dir, seed, epochs, trainSamples, batchSize, lr, latentDims);
    }
  }

  /**
   * What the run did. Losses are per digit, in nats, from the last validation pass (decoded from
   * the posterior mean).
   *
   * @param trainSeconds the time in DJL's training loop, validation passes included, model set-up,
   *     data loading and the final logging after the last step not
   * @param listenerSeconds the part of it spent in the two listeners' callbacks
   * @param traversalMillis how long each logging step of {@link LatentTraversal} took, in order
   *     (the one after the last step included); empty without a logdir
   */
  public record Result(int epochs, long steps, double trainSeconds, double listenerSeconds, double valLoss,
      double valReconstruction, double valKl, double[] traversalMillis) {
    /** The median of {@link #traversalMillis}, NaN when there are none. */
    public double traversalMedianMillis() {
      return Stats.median(traversalMillis);
    }
  }

  /** Trains as {@code options} say and returns what happened. */
  public static Result train(Options options, Demo.Progress progress) throws IOException, TranslateException {
    return train(options, progress, IMAGES_EVERY);
  }

  /** As {@link #train(Options, Demo.Progress)}, with pictures every {@code imagesEvery} steps. */
  static Result train(Options options, Demo.Progress progress, int imagesEvery) throws IOException,
      TranslateException {
    Require.nonNull(options, "options");
    Require.nonNull(progress, "progress");
    Require.positive(imagesEvery, "imagesEvery");
    int epochs = options.epochs() > 0 ? options.epochs() : DEFAULT_EPOCHS;
    int samples = options.trainSamples() > 0 ? options.trainSamples() : Mnist.TRAIN_COUNT;
    int batch = options.batchSize();
    Tracker lr = Tracker.fixed((float) (options.lr() > 0 ? options.lr() : DEFAULT_LR));
    Mnist all = Mnist.bundled();
    Mnist train = all.slice(0, samples);
    Mnist val = all.slice(Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + Mnist.VAL_COUNT);
    Engine.getInstance().setRandomSeed(options.seed());
    Autoencoder vae = Autoencoder.vae(options.latentDims());
    try (Model model = Model.newInstance("trainscope-autoencoder-demo")) {
      model.setBlock(vae);
      NDManager m = model.getNDManager();
      Shape trainShape = new Shape(train.count(), 1, train.rows(), train.cols());
      Shape valShape = new Shape(val.count(), 1, val.rows(), val.cols());
      NDArray valX = m.create(val.floats(true), valShape);
      float[] valUnit = unit(val);
      ArrayDataset trainSet = new ArrayDataset.Builder().setData(m.create(train.floats(true), trainShape))
          .optLabels(m.create(unit(train), trainShape)).setSampling(batch, true).build();
      ArrayDataset valSet = new ArrayDataset.Builder().setData(valX).optLabels(m.create(valUnit, valShape))
          .setSampling(Demo.VAL_BATCH_SIZE, false).build();
      int stepsPerEpoch = Math.toIntExact((trainSet.size() + batch - 1) / batch);

      Demo.Tally tally = new Demo.Tally(progress, stepsPerEpoch);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Autoencoder.loss())
          .addEvaluator(Autoencoder.reconstruction())
          .addEvaluator(Autoencoder.kl())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(lr).build())
          .addTrainingListeners(tally);
      SummaryWriter log = null;
      Demo.Timed listener = null;
      LatentTraversal traversal = null;
      Demo.Timed timedTraversal = null;
      if (options.logdir() != null) {
        log = SummaryWriter.create(options.logdir());
        Map<String, Object> hparams = new LinkedHashMap<>();
        hparams.put("fault", Fault.NONE.id());
        hparams.put("model", vae.describe());
        hparams.put("optimizer", "adam");
        hparams.put("lr", (double) lr.getNewValue(1));
        hparams.put("batch_size", batch);
        hparams.put("epochs", epochs);
        hparams.put("train_samples", samples);
        hparams.put("normalize", true);
        hparams.put("seed", options.seed());
        hparams.put("latent_dims", options.latentDims());
        listener = new Demo.Timed(TrainscopeListener.builder(log)
            .learningRate(lr)
            .imagesEvery(imagesEvery)
            .inputNormalization(Denormalize.meanStd(new float[] {Mnist.MEAN}, new float[] {Mnist.STD}))
            .probe(valX.get(new NDIndex("0:" + Demo.PROBE_SIZE)), null)
            .hparams(hparams)
            .build());
        traversal = new LatentTraversal(log, vae, valX, Arrays.copyOf(valUnit, RECONSTRUCTIONS * 784),
            TRAVERSAL_SAMPLE, RECONSTRUCTIONS, imagesEvery);
        timedTraversal = new Demo.Timed(traversal);
        config.addTrainingListeners(listener, timedTraversal);
      }
      long t0;
      long t1;
      try {
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(new Shape(batch, 1, train.rows(), train.cols()));
          progress.started(epochs, stepsPerEpoch);
          t0 = System.nanoTime();
          EasyTrain.fit(trainer, epochs, trainSet, valSet);
          t1 = System.nanoTime();
        }
      } finally {
        if (log != null) {
          log.close();
        }
      }
      double listenerSeconds = listener == null ? 0 : (listener.nanos + timedTraversal.nanos) / 1e9;
      return new Result(epochs, tally.steps, (t1 - t0) / 1e9, listenerSeconds, tally.valLoss,
          tally.val.getOrDefault("Reconstruction", Double.NaN), tally.val.getOrDefault("KL", Double.NaN),
          traversal == null ? new double[0] : traversal.millis());
    }
  }

  /** The pixels scaled to [0, 1], the VAE's targets. */
  static float[] unit(Mnist digits) {
    byte[] p = digits.pixels();
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (p[i] & 0xFF) / 255f;
    }
    return out;
  }
}
