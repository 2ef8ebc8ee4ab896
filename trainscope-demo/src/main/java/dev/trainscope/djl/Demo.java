package dev.trainscope.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.trainscope.writer.Denormalize;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The demo trainer behind {@code trainscope demo}: a small CNN (two convolution-ReLU-max-pool
 * stages, dropout, a dense layer) learning the bundled MNIST digits (8,000 for training, 2,000 for
 * validation) with Adam, through DJL's own {@link EasyTrain#fit} loop with a {@link
 * TrainscopeListener} at its default settings; or the same with a {@link Fault} injected.
 *
 * <pre>{@code
 * Demo.Result r = Demo.train(Demo.Options.defaults(Path.of("runs/demo/run1")), Demo.Progress.NONE);
 * }</pre>
 *
 * <p>A seed makes a run reproducible on one machine: it seeds DJL's and PyTorch's random numbers
 * (initialisation, shuffling, dropout).
 */
public final class Demo {
  private Demo() {}

  public static final int BATCH_SIZE = 64;
  /** Validation batches are larger: no gradients, fewer calls. */
  static final int VAL_BATCH_SIZE = 500;
  public static final int DEFAULT_EPOCHS = 12;
  public static final int DEFAULT_SEED = 1;
  static final int PROBE_SIZE = 32;
  static final int OVERFIT_SAMPLES = 256;
  /**
   * The zero-init fault's hidden layers. With 128 and 64 units the units of a layer stayed exact
   * copies through 8 epochs (1 distinct weight row in each layer); with 100 and 50, PyTorch's CPU
   * kernels rounded some units differently (presumably those of a width's remainder that a kernel
   * handles apart): 2 distinct rows of 100 from the first epoch, and the second layer's weights, one
   * value until step 500, spread over 0.13 by step 750.
   */
  private static final int[] ZERO_INIT_WIDTHS = {128, 64};
  /**
   * The shuffled-labels fault's default epochs: memorising random labels takes longer than learning
   * digits (its MLP fits 0.80 of them in epoch 14).
   */
  public static final int SHUFFLED_LABELS_EPOCHS = 20;
  /** The unshuffled fault's default epochs: more let the validation accuracy creep up (0.39 in epoch 4). */
  public static final int UNSHUFFLED_EPOCHS = 6;
  static final String MODEL_CNN = "cnn: conv5x5(16, N(0, 0.01) init)-relu-maxpool, conv5x5(32)-relu-maxpool, dropout 0.25, dense(10)";

  /**
   * What to train.
   *
   * @param logdir where the listener writes its event file, or null to train without the listener
   *     (the overhead benchmark's baseline)
   * @param epochs training epochs; 0 for the fault's default
   * @param trainSamples how many of the 8,000 training digits to use (the overfit fault takes
   *     {@value #OVERFIT_SAMPLES} of them); 0 for all
   * @param skip what the listener leaves out ({@link TrainscopeListener.Builder#skip}); nothing by
   *     default
   */
  public record Options(Path logdir, Fault fault, int seed, int epochs, int trainSamples, Variant variant,
      Set<Logged> skip) {
    public Options {
      Require.nonNull(fault, "fault");
      Require.nonNull(variant, "variant");
      skip = Set.copyOf(Require.nonNull(skip, "skip"));
      if (epochs < 0) {
        throw new IllegalArgumentException("epochs must be >= 0 (0 for the default), was " + epochs);
      }
      if (trainSamples < 0 || trainSamples > Mnist.TRAIN_COUNT) {
        throw new IllegalArgumentException("trainSamples must be in [0, " + Mnist.TRAIN_COUNT + "], was "
            + trainSamples);
      }
      if (fault != Fault.NONE && !variant.architectureDefault()) {
        throw new IllegalArgumentException("a fault fixes its own network and optimiser: --arch, --optimizer and --lr"
            + " go with --fault none only");
      }
    }

    public Options(Path logdir, Fault fault, int seed, int epochs, int trainSamples, Variant variant) {
      this(logdir, fault, seed, epochs, trainSamples, variant, Set.of());
    }

    public Options(Path logdir, Fault fault, int seed, int epochs, int trainSamples) {
      this(logdir, fault, seed, epochs, trainSamples, Variant.DEFAULT);
    }

    /** The default run, logging to {@code logdir}. */
    public static Options defaults(Path logdir) {
      return new Options(logdir, Fault.NONE, DEFAULT_SEED, 0, 0, Variant.DEFAULT);
    }

    public Options withFault(Fault f) {
      return new Options(logdir, f, seed, epochs, trainSamples, variant, skip);
    }

    public Options withSeed(int s) {
      return new Options(logdir, fault, s, epochs, trainSamples, variant, skip);
    }

    public Options withEpochs(int e) {
      return new Options(logdir, fault, seed, e, trainSamples, variant, skip);
    }

    public Options withTrainSamples(int n) {
      return new Options(logdir, fault, seed, epochs, n, variant, skip);
    }

    public Options withLogdir(Path dir) {
      return new Options(dir, fault, seed, epochs, trainSamples, variant, skip);
    }

    public Options withVariant(Variant v) {
      return new Options(logdir, fault, seed, epochs, trainSamples, v, skip);
    }

    public Options withSkip(Set<Logged> what) {
      return new Options(logdir, fault, seed, epochs, trainSamples, variant, what);
    }
  }

  /**
   * A healthy run other than the default (the diagnosis benchmark's healthy runs vary these).
   *
   * @param arch {@code cnn} (the demo's network) or {@code mlp} (two dense(256)-relu layers)
   * @param optimizer {@code adam} or {@code sgd} (with momentum 0.9)
   * @param batchSize training batch size
   * @param lr learning rate; 0 for the optimiser's default (adam 1e-3, sgd 0.01 with momentum 0.9)
   */
  public record Variant(String arch, String optimizer, int batchSize, double lr) {
    public static final Variant DEFAULT = new Variant("cnn", "adam", BATCH_SIZE, 0);

    public Variant {
      Require.nonNull(arch, "arch");
      Require.nonNull(optimizer, "optimizer");
      if (!arch.equals("cnn") && !arch.equals("mlp")) {
        throw new IllegalArgumentException("arch must be cnn or mlp, was '" + arch + "'");
      }
      if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
        throw new IllegalArgumentException("optimizer must be adam or sgd, was '" + optimizer + "'");
      }
      if (batchSize < 1 || batchSize > 1024) {
        throw new IllegalArgumentException("batch size must be in 1..1024, was " + batchSize);
      }
      if (!(lr >= 0 && lr <= 10)) {
        throw new IllegalArgumentException("lr must be in [0, 10] (0 for the default), was " + lr);
      }
    }

    /** True when only the batch size differs from the default: the network and optimiser are the demo's. */
    boolean architectureDefault() {
      return arch.equals("cnn") && optimizer.equals("adam") && lr == 0;
    }
  }

  /**
   * What the run did.
   *
   * @param trainSeconds the time in DJL's training loop, validation passes included, model set-up
   *     and data loading not
   * @param listenerSeconds the part of it spent in the listener's callbacks on the training thread
   * @param valAccuracy the validation accuracy after the last epoch
   * @param probeSeconds the part of {@code listenerSeconds} spent in each of the listener's probes
   *     ({@link TrainscopeListener#probeSeconds}); empty without the listener
   */
  public record Result(int epochs, long steps, double trainSeconds, double listenerSeconds, double valAccuracy,
      double valLoss, Map<String, Double> probeSeconds) {}

  /** Hears of the run's progress, on the training thread. */
  public interface Progress {
    Progress NONE = new Progress() {};

    default void started(int epochs, int stepsPerEpoch) {}

    /** After training step {@code step} (from 0), the {@code stepInEpoch}-th (from 1) of epoch {@code epoch} (from 1). */
    default void step(int epoch, int stepInEpoch, long step) {}

    default void epochDone(int epoch, double valAccuracy, double valLoss) {}

    /**
     * The network, initialised, before the first step; its arrays may be read during the call only,
     * and must not be changed.
     */
    default void initialized(Block network) {}

    /** The network after the last epoch, as {@link #initialized}. */
    default void trained(Block network) {}
  }

  /** The recipe of a run: what the fault changes. */
  private record Recipe(Supplier<Block> network, Optimizer optimizer, Tracker lr, String optimizerName, boolean normalize,
      int trainSamples, int epochs, String model, Feed feed) {
    /** A recipe fed as it should be. */
    Recipe(Supplier<Block> network, Optimizer optimizer, Tracker lr, String optimizerName, boolean normalize,
        int trainSamples, int epochs, String model) {
      this(network, optimizer, lr, optimizerName, normalize, trainSamples, epochs, model, Feed.SHUFFLED);
    }

    Recipe fed(Feed f) {
      return new Recipe(network, optimizer, lr, optimizerName, normalize, trainSamples, epochs, model, f);
    }
  }

  /** How the training digits are fed: what the data faults change. */
  enum Feed {
    /** As they should be: reshuffled every epoch, with their true labels. */
    SHUFFLED(true),
    /** The first batch, repeated as many times as the data set has batches: the same batch every step. */
    REPEAT_BATCH(false),
    /** Reshuffled every epoch, the labels permuted among the digits once, by a permutation the seed fixes. */
    PERMUTED_LABELS(true),
    /** Sorted by label (stably: all the 0s in their original order, then the 1s...) and never reshuffled. */
    SORTED(false);

    /** Whether DJL reshuffles the set every epoch. */
    final boolean shuffled;

    Feed(boolean shuffled) {
      this.shuffled = shuffled;
    }

    /**
     * The training set as this feed gives it to the trainer, for batches of {@code batch}; {@code seed}
     * seeds the label permutation.
     */
    Mnist apply(Mnist train, int batch, long seed) {
      switch (this) {
        case SHUFFLED:
          return train;
        case REPEAT_BATCH: {
          int first = Math.min(batch, train.count());
          int[] images = new int[Math.max(1, train.count() / batch) * first];
          for (int i = 0; i < images.length; i++) {
            images[i] = i % first;
          }
          return pick(train, images);
        }
        case PERMUTED_LABELS: {
          byte[] labels = train.labels().clone();
          Random random = new Random(seed);
          for (int i = labels.length - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            byte t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
          }
          return new Mnist(train.pixels(), labels, train.count(), train.rows(), train.cols());
        }
        case SORTED: {
          int[] images = new int[train.count()];
          int at = 0;
          for (int digit = 0; digit <= 9; digit++) {
            for (int i = 0; i < train.count(); i++) {
              if (train.label(i) == digit) {
                images[at++] = i;
              }
            }
          }
          return pick(train, images);
        }
        default:
          throw new AssertionError(this);
      }
    }

    /** The digits {@code images} of {@code m}, in that order. */
    private static Mnist pick(Mnist m, int[] images) {
      int size = m.rows() * m.cols();
      byte[] pixels = new byte[images.length * size];
      byte[] labels = new byte[images.length];
      for (int i = 0; i < images.length; i++) {
        System.arraycopy(m.pixels(), images[i] * size, pixels, i * size, size);
        labels[i] = m.labels()[images[i]];
      }
      return new Mnist(pixels, labels, images.length, m.rows(), m.cols());
    }
  }

  static final String MODEL_MLP = "mlp: 2 x dense(256)-relu, dense(10)";

  /** A healthy run of another network or optimiser. */
  private static Recipe variant(Variant v, int samples, int epochs) {
    boolean sgd = v.optimizer().equals("sgd");
    Tracker lr = Tracker.fixed((float) (v.lr() > 0 ? v.lr() : sgd ? 0.01 : 1e-3));
    Optimizer opt = sgd ? sgdMomentum(lr) : adam(lr);
    String name = sgd ? "sgd-momentum" : "adam";
    if (v.arch().equals("mlp")) {
      return new Recipe(() -> mlp(2, 256, Activation.reluBlock(), null), opt, lr, name, true, samples, epochs,
          MODEL_MLP);
    }
    return new Recipe(() -> cnn(0.25f, 0f), opt, lr, name, true, samples, epochs, MODEL_CNN);
  }

  private static Recipe recipe(Options o) {
    int epochs = o.epochs() > 0 ? o.epochs() : DEFAULT_EPOCHS;
    int samples = o.trainSamples() > 0 ? o.trainSamples() : Mnist.TRAIN_COUNT;
    Tracker adam = Tracker.fixed(1e-3f);
    if (o.fault() == Fault.NONE && !o.variant().architectureDefault()) {
      return variant(o.variant(), samples, epochs);
    }
    switch (o.fault()) {
      case NONE:
        return new Recipe(() -> cnn(0.25f, 0f), adam(adam), adam, "adam", true, samples, epochs, MODEL_CNN);
      case LR_HIGH: {
        Tracker lr = Tracker.fixed(0.05f);
        return new Recipe(() -> cnn(0.25f, 0f), adam(lr), lr, "adam", true, samples, epochs, MODEL_CNN);
      }
      case LR_LOW: {
        Tracker lr = Tracker.fixed(1e-7f);
        return new Recipe(() -> cnn(0.25f, 0f), adam(lr), lr, "adam", true, samples, epochs, MODEL_CNN);
      }
      case NO_NORMALIZE:
        return new Recipe(() -> cnn(0.25f, 0f), adam(adam), adam, "adam", false, samples, epochs, MODEL_CNN);
      case DEAD_RELU:
        return new Recipe(() -> cnn(0.25f, -10f), adam(adam), adam, "adam", true, samples, epochs,
            MODEL_CNN + ", biases initialised to -10");
      case VANISHING: {
        Tracker lr = Tracker.fixed(0.1f);
        return new Recipe(() -> mlp(10, 64, Activation.sigmoidBlock(), null), sgd(lr), lr, "sgd", true, samples,
            epochs, "mlp: 10 x dense(64)-sigmoid, dense(10)");
      }
      case EXPLODING: {
        Tracker lr = Tracker.fixed(0.1f);
        // normalised inputs: the init scale alone makes it explode, so the fault is one fault, not two
        return new Recipe(() -> mlp(4, 256, Activation.reluBlock(), 1f), sgd(lr), lr, "sgd", true, samples,
            epochs, "mlp: 4 x dense(256)-relu, dense(10), N(0, 1) init");
      }
      case OVERFIT:
        return new Recipe(() -> cnn(0f, 0f), adam(adam), adam, "adam", true,
            o.trainSamples() > 0 ? o.trainSamples() : OVERFIT_SAMPLES, o.epochs() > 0 ? o.epochs() : 4 * epochs,
            MODEL_CNN.replace("dropout 0.25, ", ""));
      case REPEAT_BATCH:
        return new Recipe(() -> cnn(0.25f, 0f), adam(adam), adam, "adam", true, samples, epochs, MODEL_CNN)
            .fed(Feed.REPEAT_BATCH);
      case SATURATED: {
        Tracker lr = Tracker.fixed(0.01f);
        return new Recipe(() -> mlp(3, 128, Activation.tanhBlock(), 1f), sgd(lr), lr, "sgd", true, samples,
            epochs, "mlp: 3 x dense(128)-tanh, dense(10), N(0, 1) init");
      }
      case SHUFFLED_LABELS:
        return new Recipe(() -> mlp(2, 512, Activation.reluBlock(), null), adam(adam), adam, "adam", true, samples,
            o.epochs() > 0 ? o.epochs() : SHUFFLED_LABELS_EPOCHS, "mlp: 2 x dense(512)-relu, dense(10)")
            .fed(Feed.PERMUTED_LABELS);
      case UNSHUFFLED: {
        Tracker lr = Tracker.fixed(0.05f);
        return new Recipe(() -> mlp(2, 256, Activation.reluBlock(), null), sgd(lr), lr, "sgd", true, samples,
            o.epochs() > 0 ? o.epochs() : UNSHUFFLED_EPOCHS, MODEL_MLP).fed(Feed.SORTED);
      }
      case ZERO_INIT: {
        Tracker lr = Tracker.fixed(0.1f);
        Initializer zero = new ConstantInitializer(0f);
        return new Recipe(() -> mlp(ZERO_INIT_WIDTHS, Activation.sigmoidBlock(), zero, zero), sgdMomentum(lr), lr,
            "sgd-momentum", true, samples, epochs, "mlp: dense(128)-sigmoid, dense(64)-sigmoid, dense(10), every"
            + " weight and bias initialised to 0");
      }
      default:
        throw new AssertionError(o.fault());
    }
  }

  private static Optimizer adam(Tracker lr) {
    return Optimizer.adam().optLearningRateTracker(lr).build();
  }

  private static Optimizer sgd(Tracker lr) {
    return Optimizer.sgd().setLearningRateTracker(lr).build();
  }

  private static Optimizer sgdMomentum(Tracker lr) {
    return Optimizer.sgd().setLearningRateTracker(lr).optMomentum(0.9f).build();
  }

  /**
   * The standard deviation of the first convolution's initial weights. DJL's default (Xavier,
   * about 0.28 for a 5x5 filter) is so large next to what twelve epochs of Adam move that the
   * trained filters keep their random start (Pearson r 0.99 with it) and show nothing; from
   * N(0, 0.01), as in Krizhevsky et al. 2012, what the filters learn is what they show: stroke and
   * edge detectors (BENCHMARKS.md, "First-layer filters").
   */
  static final float CONV1_INIT_SIGMA = 0.01f;

  /** The demo's CNN; {@code bias} other than 0 initialises every bias to it. */
  static SequentialBlock cnn(float dropout, float bias) {
    Block conv1 = Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(16).build();
    conv1.setInitializer(new NormalInitializer(CONV1_INIT_SIGMA), Parameter.Type.WEIGHT);
    Block conv2 = Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(32).build();
    Block dense = Linear.builder().setUnits(10).build();
    if (bias != 0f) {
      for (Block b : List.of(conv1, conv2, dense)) {
        b.setInitializer(new ConstantInitializer(bias), Parameter.Type.BIAS);
      }
    }
    SequentialBlock net = new SequentialBlock()
        .add(conv1).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(conv2).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock());
    if (dropout > 0) {
      net.add(Dropout.builder().optRate(dropout).build());
    }
    return net.add(dense);
  }

  /** An MLP: {@code layers} hidden dense layers of {@code width} with the activation, then 10 outputs. */
  static SequentialBlock mlp(int layers, int width, Block activationPrototype, Float initSigma) {
    int[] widths = new int[layers];
    Arrays.fill(widths, width);
    return mlp(widths, activationPrototype, initSigma == null ? null : new NormalInitializer(initSigma), null);
  }

  /**
   * An MLP: hidden dense layers of {@code widths} with the activation, then 10 outputs; {@code weights}
   * and {@code biases} initialise every layer's weights and biases where they are not null (DJL's
   * defaults where they are).
   */
  static SequentialBlock mlp(int[] widths, Block activationPrototype, Initializer weights, Initializer biases) {
    SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
    List<Block> dense = new ArrayList<>();
    for (int width : widths) {
      Block d = Linear.builder().setUnits(width).build();
      dense.add(d);
      net.add(d).add(sameActivation(activationPrototype));
    }
    Block out = Linear.builder().setUnits(10).build();
    dense.add(out);
    for (Block d : dense) {
      if (weights != null) {
        d.setInitializer(weights, Parameter.Type.WEIGHT);
      }
      if (biases != null) {
        d.setInitializer(biases, Parameter.Type.BIAS);
      }
    }
    return net.add(out);
  }

  /** A new block of the same activation (blocks cannot be shared between places in a network). */
  private static Block sameActivation(Block prototype) {
    switch (Network.activationName(prototype)) {
      case "sigmoid":
        return Activation.sigmoidBlock();
      case "tanh":
        return Activation.tanhBlock();
      default:
        return Activation.reluBlock();
    }
  }

  /** Trains as {@code options} say and returns what happened. */
  public static Result train(Options options, Progress progress) throws IOException, TranslateException {
    Require.nonNull(options, "options");
    Require.nonNull(progress, "progress");
    Recipe r = recipe(options);
    int batch = options.variant().batchSize();
    Mnist all = Mnist.bundled();
    Mnist train = all.slice(0, r.trainSamples());
    Mnist val = all.slice(Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + Mnist.VAL_COUNT);
    Engine.getInstance().setRandomSeed(options.seed());
    try (Model model = Model.newInstance("trainscope-demo")) {
      model.setBlock(r.network().get());
      NDManager m = model.getNDManager();
      Mnist fed = r.feed().apply(train, batch, options.seed());
      NDArray trainX = m.create(fed.floats(r.normalize()), new Shape(fed.count(), 1, fed.rows(), fed.cols()));
      NDArray trainY = m.create(fed.labelFloats());
      NDArray valX = m.create(val.floats(r.normalize()), new Shape(val.count(), 1, val.rows(), val.cols()));
      NDArray valY = m.create(val.labelFloats());
      ArrayDataset trainSet = new ArrayDataset.Builder().setData(trainX).optLabels(trainY)
          .setSampling(batch, r.feed().shuffled).build();
      ArrayDataset valSet = new ArrayDataset.Builder().setData(valX).optLabels(valY)
          .setSampling(VAL_BATCH_SIZE, false).build();
      int stepsPerEpoch = Math.toIntExact((trainSet.size() + batch - 1) / batch);

      Tally tally = new Tally(progress, stepsPerEpoch);
      // with the listener, the loss keeps its value for it (TrainscopeListener.recording): the same
      // loss, read once instead of evaluated again each step
      Loss loss = options.logdir() != null ? TrainscopeListener.recording(Loss.softmaxCrossEntropyLoss())
          : Loss.softmaxCrossEntropyLoss();
      DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
          .addEvaluator(new Accuracy())
          .optOptimizer(r.optimizer())
          .addTrainingListeners(tally);
      Timed timed = null;
      TrainscopeListener listener = null;
      if (options.logdir() != null) {
        Map<String, Object> hparams = new LinkedHashMap<>();
        hparams.put("fault", options.fault().id());
        hparams.put("model", r.model());
        hparams.put("optimizer", r.optimizerName());
        hparams.put("lr", (double) r.lr().getNewValue(1));
        hparams.put("batch_size", batch);
        hparams.put("epochs", r.epochs());
        hparams.put("train_samples", r.trainSamples());
        hparams.put("normalize", r.normalize());
        hparams.put("seed", options.seed());
        listener = TrainscopeListener.builder(options.logdir())
            .learningRate(r.lr())
            .inputNormalization(r.normalize() ? Denormalize.meanStd(new float[] {Mnist.MEAN}, new float[] {Mnist.STD})
                : Denormalize.range(0, 255))
            .probe(valX.get(new NDIndex("0:" + PROBE_SIZE)), valY.get(new NDIndex("0:" + PROBE_SIZE)))
            .hparams(hparams)
            .skip(options.skip().toArray(new Logged[0]))
            .build();
        timed = new Timed(listener);
        config.addTrainingListeners(timed);
      }
      long t0;
      long t1;
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(batch, 1, train.rows(), train.cols()));
        progress.initialized(model.getBlock());
        progress.started(r.epochs(), stepsPerEpoch);
        t0 = System.nanoTime();
        EasyTrain.fit(trainer, r.epochs(), trainSet, valSet);
        t1 = System.nanoTime();
        progress.trained(model.getBlock());
      }
      return new Result(r.epochs(), tally.steps, (t1 - t0) / 1e9, timed == null ? 0 : timed.nanos / 1e9,
          tally.valAccuracy, tally.valLoss, listener == null ? Map.of() : listener.probeSeconds());
    }
  }

  /** The listener, with the time spent in its callbacks added up (the training thread waits for them). */
  static final class Timed implements TrainingListener {
    private final TrainingListener inner;
    long nanos;

    Timed(TrainingListener inner) {
      this.inner = inner;
    }

    @Override
    public void onEpoch(Trainer trainer) {
      long t = System.nanoTime();
      inner.onEpoch(trainer);
      nanos += System.nanoTime() - t;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
      long t = System.nanoTime();
      inner.onTrainingBatch(trainer, batchData);
      nanos += System.nanoTime() - t;
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
      long t = System.nanoTime();
      inner.onValidationBatch(trainer, batchData);
      nanos += System.nanoTime() - t;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
      long t = System.nanoTime();
      inner.onTrainingBegin(trainer);
      nanos += System.nanoTime() - t;
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
      inner.onTrainingEnd(trainer); // after the timed loop: closing the event file is not training time
    }
  }

  /**
   * Counts steps for the progress callback and keeps the last validation figures: the loss, the
   * accuracy (NaN without an {@link Accuracy} evaluator) and every evaluator's by name.
   */
  static final class Tally extends TrainingListenerAdapter {
    private static final String KEY = "demo_val";
    private final Progress progress;
    private final int stepsPerEpoch;
    private final List<Evaluator> evaluators = new ArrayList<>();
    private Evaluator loss;
    long steps;
    private int epoch = 1;
    double valAccuracy = Double.NaN;
    double valLoss = Double.NaN;
    final Map<String, Double> val = new LinkedHashMap<>();

    Tally(Progress progress, int stepsPerEpoch) {
      this.progress = progress;
      this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
      loss = trainer.getLoss();
      for (Evaluator e : trainer.getEvaluators()) {
        e.addAccumulator(KEY);
        evaluators.add(e);
      }
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
      long s = steps++;
      progress.step(epoch, (int) (s - (long) (epoch - 1) * stepsPerEpoch) + 1, s);
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
      for (Evaluator e : evaluators) {
        for (var d : batchData.getLabels().keySet()) {
          e.updateAccumulator(KEY, batchData.getLabels().get(d), batchData.getPredictions().get(d));
        }
      }
    }

    @Override
    public void onEpoch(Trainer trainer) {
      for (Evaluator e : evaluators) {
        double v = e.getAccumulator(KEY);
        val.put(e.getName(), v);
        if (e == loss) {
          valLoss = v;
        } else if (e instanceof Accuracy) {
          valAccuracy = v;
        }
        e.resetAccumulator(KEY);
      }
      progress.epochDone(epoch, valAccuracy, valLoss);
      epoch++;
    }
  }
}
