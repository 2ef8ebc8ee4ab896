package dev.trainscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.tracker.Tracker;
import dev.trainscope.djl.Network.Layer;
import dev.trainscope.djl.Probe.Cadence;
import dev.trainscope.djl.Probe.Step;
import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.SummaryWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;


/**
 * A DJL {@link TrainingListener} that logs what a network does inside while it trains, to
 * TensorBoard event files that Trainscope and TensorBoard read. One line adds it:
 *
 * <pre>{@code
 * config.addTrainingListeners(TrainscopeListener.builder(Path.of("runs/exp1")).build());
 * }</pre>
 *
 * <p>It logs, with the tags of {@link TagNames}: the loss and every evaluator for training batches
 * and validation passes, the learning rate, steps per second; per parameter the gradient's norm,
 * fraction of zeros and histogram, the weights, and the update/weight ratio; per layer the
 * activations of a fixed probe batch before and after the nonlinearity, dead ReLU units, mean and
 * std; input samples as pictures with the normalisation undone, the input histogram and a
 * fingerprint of every batch; the probe batch's predictions; each convolution's kernels and
 * feature maps; after validation passes (as many as a time budget allows, {@link
 * Builder#featureViewsBudget}), for chosen channels of the convolutions, the 9 validation images
 * that excite each most with their deconvnet and guided back-propagation reconstructions ({@link
 * FeatureViews}); and once, at the first training step, when the input's shape is known, the block
 * tree as a graph ({@link BlockGraph}) whose layer nodes carry the layer names of the tags; and
 * once, when training ends, the penultimate layer's output for the first validation samples as an
 * embedding for the projector, with their labels ({@link Logged#EMBEDDING}). Scalars
 * go every {@link Builder#scalarsEvery} steps (1), histograms every {@link Builder#histogramsEvery}
 * (50), pictures and predictions every {@link Builder#imagesEvery} (200); {@link Builder#skip}
 * leaves out what is not wanted.
 *
 * <p><b>When it reads what.</b> DJL calls {@link #onTrainingBatch} after the backward pass and
 * before the optimizer's step ({@code EasyTrain.trainBatch} then {@code trainer.step()}), so the
 * gradients are still there; a custom loop must notify the listeners at the same point. The
 * weights read then are those before the step; the update of step {@code s} is measured at the
 * next batch (or the end of the epoch) as the change of the weights, whatever the optimizer, and
 * logged at step {@code s}. Steps are counted from 0; validation values are logged at the number
 * of steps done.
 *
 * <p><b>Training is unchanged.</b> The listener only reads: it copies tensors out of the engine,
 * and it runs the probe batch through the network in inference mode, block by block (dropout off,
 * batch-norm statistics not updated, no gradients recorded into the parameters, no random numbers
 * drawn), as it does the validation images for the feature views; for the graph it asks the blocks
 * for their output shapes, as DJL does when it initialises them. A run with the listener gives bit
 * for bit the weights of a run without it.
 *
 * <p><b>Probes.</b> Each of these is a probe (a subclass of {@code Probe}: {@code GradientsProbe},
 * {@code ActivationsProbe}...) that names its {@link Logged} switch and its cadences and describes
 * the tags it writes; the listener keeps the step count, the network and the probe batch, runs the
 * probe batch through the network once at a step where a probe reads it, and times each probe
 * ({@link #probeSeconds}).
 *
 * <p>The network is seen as a {@code SequentialBlock} (nested ones are flattened); any other block
 * counts as one layer whose inside is shown in the graph only. Parameters are read from the model's
 * own arrays: one device (CPU or one GPU). Not thread-safe: DJL calls listeners from the training
 * thread.
 */
public final class TrainscopeListener implements TrainingListener {
  /**
   * The share of the training time the feature views may take by default: see {@link
   * Builder#featureViewsBudget}. 2 %, so that the listener as a whole stays within a tenth of the
   * training time: in the demo their first pass alone takes about that, so by default they watch
   * the first validation pass and seldom a later one.
   */
  public static final double DEFAULT_FEATURE_BUDGET = 0.02;

  /** How many images of a validation pass the feature views rank by default ({@link Builder#featureSamples}). */
  public static final int DEFAULT_FEATURE_SAMPLES = 512;
  /** How many validation samples the embedding holds by default: see {@link Builder#embeddingSamples}. */
  public static final int DEFAULT_EMBEDDING_SAMPLES = 500;
  /** The name of the probe batch's forward pass in {@link #probeSeconds}. */
  public static final String PROBE_PASS = "probe pass";

  private final boolean ownsWriter;
  private final int scalarsEvery;
  private final int histogramsEvery;
  private final int imagesEvery;
  private final int probeSize;
  /** The probes the builder's settings turn on, in the order they run. */
  private final List<Probe> probes;
  /** Nanoseconds spent in each probe, by its index in {@link #probes}. */
  private final long[] probeNanos;
  private long passNanos;
  private final Probe.Context context;
  /** The layer whose own block is each step of the network, or null; and the layer each step ends (after its nonlinearity). */
  private Layer[] preAt;
  private Layer[] postAt;

  private long step;
  private int valBatches;
  private boolean ended;

  private TrainscopeListener(Builder b) {
    SummaryWriter log = b.writer != null ? b.writer : SummaryWriter.create(b.logdir);
    this.ownsWriter = b.writer == null;
    this.scalarsEvery = b.scalarsEvery;
    this.histogramsEvery = b.histogramsEvery;
    this.imagesEvery = b.imagesEvery;
    this.probeSize = b.probeSize;
    this.context = new Probe.Context(log);
    context.probeData = b.probeData;
    context.probeLabels = b.probeLabels;
    Set<Logged> logged = EnumSet.copyOf(b.logged);
    List<Probe> all = List.of(
        new MetricsProbe(),
        new LearningRateProbe(b.learningRate),
        new SpeedProbe(),
        new FingerprintProbe(),
        new UpdateRatioProbe(),
        new WeightsProbe(),
        new GradientsProbe(),
        new InputsProbe(b.inputNormalization, b.inputImageShape, b.imagesPerGrid),
        new ActivationsProbe(),
        new FeatureMapsProbe(),
        new PredictionsProbe(b.classNames),
        new FiltersProbe(),
        new FeatureViewsProbe(b.featureChannels, b.featureLayers.isEmpty() ? null : new LinkedHashMap<>(b.featureLayers),
            b.featureSamples, b.inputNormalization, b.featureBudget),
        new GraphProbe(),
        new EmbeddingProbe(b.embeddingSamples, b.inputNormalization, b.inputImageShape, b.classNames),
        new HParamsProbe(b.hparams, logged.contains(Logged.METRICS)));
    List<Probe> on = new ArrayList<>();
    for (Probe p : all) {
      if ((p.what == null || logged.contains(p.what)) && p.enabled()) {
        on.add(p);
      }
    }
    this.probes = List.copyOf(on);
    this.probeNanos = new long[probes.size()];
  }

  /** A listener writing a new event file in {@code logdir} (created if needed), closed when training ends. */
  public static Builder builder(Path logdir) {
    return new Builder(Require.nonNull(logdir, "logdir"), null);
  }

  /** A listener logging to the caller's writer, which it flushes but does not close. */
  public static Builder builder(SummaryWriter writer) {
    return new Builder(null, Require.nonNull(writer, "writer"));
  }

  /**
   * {@code loss}, computing as before, with its latest value kept for the listener: give this to the
   * training config ({@code new DefaultTrainingConfig(TrainscopeListener.recording(loss))}) and the
   * listener logs each training batch's loss as the trainer back-propagated it, instead of evaluating
   * the loss once more on the batch. The values logged are the same, bit for bit; the saving is a
   * forward of the loss and a reduction each step (BENCHMARKS.md, "the listener's probes and
   * overhead"). Training itself does not change: the loss computes what {@code loss} computes.
   */
  public static ai.djl.training.loss.Loss recording(ai.djl.training.loss.Loss loss) {
    Require.nonNull(loss, "loss");
    return loss instanceof RecordingLoss ? loss : new RecordingLoss(loss);
  }

  /** The writer this listener logs to. */
  public SummaryWriter writer() {
    return context.log;
  }

  /** The number of training steps seen so far. */
  public long steps() {
    return step;
  }

  /**
   * The seconds spent so far in each thing it logs (its probes: "metrics", "gradients",
   * "activations"...), in the order they run, and in the probe batch's forward pass ({@link
   * #PROBE_PASS}) that the activations, feature maps and predictions read. The rest of the time
   * in its callbacks is its own: the step's bookkeeping and closing the arrays made on the way.
   */
  public Map<String, Double> probeSeconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < probes.size(); i++) {
      out.put(probes.get(i).name, probeNanos[i] / 1e9);
    }
    out.put(PROBE_PASS, passNanos / 1e9);
    return out;
  }

  /** The tags described so far: every tag a probe writes is described before it is written. */
  Set<String> describedTags() {
    return context.described();
  }

  // ---- TrainingListener ----

  @Override
  public void onTrainingBegin(Trainer trainer) {
    context.evaluators = List.copyOf(trainer.getEvaluators());
    context.loss = trainer.getLoss();
    for (int i = 0; i < probes.size(); i++) {
      long t = System.nanoTime();
      probes.get(i).begin(context);
      probeNanos[i] += System.nanoTime() - t;
    }
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    long s = step++;
    long now = System.nanoTime();
    context.steps = step;
    EnumSet<Cadence> due = EnumSet.of(Cadence.EVERY_STEP);
    if (s % scalarsEvery == 0) {
      due.add(Cadence.SCALARS);
    }
    if (s % histogramsEvery == 0) {
      due.add(Cadence.HISTOGRAMS);
    }
    if (s % imagesEvery == 0) {
      due.add(Cadence.IMAGES);
    }
    try (NDManager scope = trainer.getManager().newSubManager()) {
      Step st = new Step(s, batchData, scope, now, due);
      if (context.network == null) {
        start(trainer.getModel().getBlock(), st);
      }
      for (int i = 0; i < probes.size(); i++) {
        Probe p = probes.get(i);
        if (st.dueAny(p.cadences)) {
          long t = System.nanoTime();
          p.step(context, st);
          probeNanos[i] += System.nanoTime() - t;
        }
      }
      pass(st);
    }
  }

  /** At the first step: the network, the probe batch if none was given, and the probes' network tags. */
  private void start(Block block, Step st) {
    Network network = Network.of(block);
    context.network = network;
    preAt = new Layer[network.steps.size()];
    postAt = new Layer[network.steps.size()];
    for (Layer l : network.layers) {
      preAt[l.step] = l;
      postAt[l.activationStep >= 0 ? l.activationStep : l.step] = l;
    }
    if (context.probeData == null) {
      captureProbe(st.batch.getBatch(), st.scope);
    }
    for (int i = 0; i < probes.size(); i++) {
      long t = System.nanoTime();
      probes.get(i).start(context, st);
      probeNanos[i] += System.nanoTime() - t;
    }
  }

  @Override
  public void onValidationBatch(Trainer trainer, BatchData batchData) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      for (int i = 0; i < probes.size(); i++) {
        long t = System.nanoTime();
        probes.get(i).validationBatch(context, batchData, valBatches, scope);
        probeNanos[i] += System.nanoTime() - t;
      }
      valBatches++;
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      for (int i = 0; i < probes.size(); i++) {
        long t = System.nanoTime();
        probes.get(i).epoch(context, valBatches, scope);
        probeNanos[i] += System.nanoTime() - t;
      }
    }
    valBatches = 0;
  }

  @Override
  public void onTrainingEnd(Trainer trainer) {
    if (ended) {
      return;
    }
    ended = true;
    try {
      if (context.network != null) {
        // Weights, activations and pictures after the last update, unless the last step logged them.
        long last = step - 1;
        EnumSet<Cadence> due = EnumSet.noneOf(Cadence.class);
        if (last % histogramsEvery != 0) {
          due.add(Cadence.HISTOGRAMS);
        }
        if (last % imagesEvery != 0) {
          due.add(Cadence.IMAGES);
        }
        try (NDManager scope = trainer.getManager().newSubManager()) {
          Step st = new Step(step, null, scope, System.nanoTime(), due);
          for (int i = 0; i < probes.size(); i++) {
            long t = System.nanoTime();
            probes.get(i).end(context, st);
            probeNanos[i] += System.nanoTime() - t;
          }
          pass(st);
        }
      }
      for (int i = 0; i < probes.size(); i++) {
        long t = System.nanoTime();
        probes.get(i).close(context);
        probeNanos[i] += System.nanoTime() - t;
      }
    } finally {
      if (ownsWriter) {
        context.log.close();
      } else {
        context.log.flush();
      }
    }
  }

  // ---- the probe batch ----

  private void captureProbe(Batch batch, NDManager scope) {
    NDList data = batch.getData();
    if (data.isEmpty()) {
      return;
    }
    long n = data.head().getShape().get(0);
    long k = Math.min(n, probeSize);
    List<Sample> samples = new ArrayList<>();
    for (NDArray a : data) {
      samples.add(Sample.of(head(a, k, scope)));
    }
    context.probeData = samples;
    NDList labels = batch.getLabels();
    context.probeLabels = labels.isEmpty() ? null : Sample.of(head(labels.head(), k, scope));
  }

  /** The first {@code k} samples of {@code a}: {@code a} itself when it has {@code k}, else a view in {@code scope}. */
  static NDArray head(NDArray a, long k, NDManager scope) {
    if (a.getShape().get(0) == k) {
      return a;
    }
    NDArray h = a.get(new NDIndex("0:" + k));
    h.attach(scope);
    return h;
  }

  /**
   * Runs the probe batch through the network in inference mode, once, when a probe that reads it
   * wants it at this step, and shows them each step's output.
   */
  private void pass(Step st) {
    List<Integer> readers = new ArrayList<>();
    for (int i = 0; i < probes.size(); i++) {
      if (probes.get(i) instanceof PassProbe p && st.dueAny(p.cadences) && p.wantsPass(st)) {
        readers.add(i);
      }
    }
    if (readers.isEmpty() || context.probeData == null || context.network.steps.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    long[] inReaders = new long[1];
    NDList input = new NDList();
    for (Sample sample : context.probeData) {
      input.add(sample.toArray(st.scope));
    }
    ParameterStore store = new ParameterStore(st.scope, false);
    NDList out = context.network.forward(store, input, (i, output) -> {
      Layer pre = preAt[i];
      Layer post = postAt[i];
      if (pre == null && post == null) {
        return;
      }
      NDArray y = output.head();
      for (int r : readers) {
        long t = System.nanoTime();
        ((PassProbe) probes.get(r)).layerOutput(context, st, pre, post, y);
        long spent = System.nanoTime() - t;
        probeNanos[r] += spent;
        inReaders[0] += spent;
      }
    });
    for (int r : readers) {
      long t = System.nanoTime();
      ((PassProbe) probes.get(r)).networkOutput(context, st, out.head());
      long spent = System.nanoTime() - t;
      probeNanos[r] += spent;
      inReaders[0] += spent;
    }
    passNanos += System.nanoTime() - start - inReaders[0];
  }

  /** A tensor copied out of the engine: its bytes, shape and type. */
  record Sample(byte[] bytes, Shape shape, DataType type) {
    static Sample of(NDArray a) {
      ByteBuffer b = a.toByteBuffer(true); // in place: one copy, into the array
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return new Sample(bytes, a.getShape(), a.getDataType());
    }

    NDArray toArray(NDManager manager) {
      ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
      b.put(bytes).flip();
      return manager.create(b, shape, type);
    }
  }

  /** What to log and how often. */
  public static final class Builder {
    private final Path logdir;
    private final SummaryWriter writer;
    private int scalarsEvery = 1;
    private int histogramsEvery = 50;
    private int imagesEvery = 200;
    private final EnumSet<Logged> logged = EnumSet.allOf(Logged.class);
    private Tracker learningRate;
    private Denormalize inputNormalization;
    private int[] inputImageShape;
    private int imagesPerGrid = 16;
    private int probeSize = 32;
    private List<String> classNames;
    private Map<String, Object> hparams;
    private List<Sample> probeData;
    private Sample probeLabels;
    private int featureChannels = FeatureViews.DEFAULT_CHANNELS;
    private final Map<String, int[]> featureLayers = new LinkedHashMap<>();
    private int featureSamples = DEFAULT_FEATURE_SAMPLES;
    private double featureBudget = DEFAULT_FEATURE_BUDGET;
    private int embeddingSamples = DEFAULT_EMBEDDING_SAMPLES;

    private Builder(Path logdir, SummaryWriter writer) {
      this.logdir = logdir;
      this.writer = writer;
    }

    /** Scalars every {@code steps} training steps; 1 (every step) by default. */
    public Builder scalarsEvery(int steps) {
      this.scalarsEvery = Require.positive(steps, "scalarsEvery");
      return this;
    }

    /** Histograms and activation statistics every {@code steps} training steps; 50 by default. */
    public Builder histogramsEvery(int steps) {
      this.histogramsEvery = Require.positive(steps, "histogramsEvery");
      return this;
    }

    /** Pictures (inputs, filters, feature maps) and predictions every {@code steps} training steps; 200 by default. */
    public Builder imagesEvery(int steps) {
      this.imagesEvery = Require.positive(steps, "imagesEvery");
      return this;
    }

    /** Logs only these (see {@link Logged}); everything by default. */
    public Builder log(Collection<Logged> what) {
      Require.nonNull(what, "log");
      logged.clear();
      for (Logged l : what) {
        logged.add(Require.nonNull(l, "an element of log"));
      }
      return this;
    }

    /** Leaves these out. */
    public Builder skip(Logged... what) {
      Require.nonNull(what, "skip");
      for (Logged l : what) {
        logged.remove(Require.nonNull(l, "an element of skip"));
      }
      return this;
    }

    /** The optimizer's learning-rate tracker, so {@code train/lr} can be logged; none by default. */
    public Builder learningRate(Tracker tracker) {
      this.learningRate = Require.nonNull(tracker, "learningRate");
      return this;
    }

    /**
     * The normalisation the data pipeline applied to the inputs, undone for the input pictures
     * ({@code Denormalize.meanStd(mean, std)}). By default each picture maps its own [min, max] to
     * [0, 255].
     */
    public Builder inputNormalization(Denormalize undo) {
      this.inputNormalization = Require.nonNull(undo, "inputNormalization");
      return this;
    }

    /**
     * The shape {@code channels x height x width} of one input sample, for inputs that are not
     * laid out as images ({@code [N, 784]} for a flattened MNIST digit is found by itself: a square
     * length is taken as a grey square). By default: {@code [N, C, H, W]} when C is 1, 3 or 4,
     * else {@code [N, H, W, C]} when C is; {@code [N, H, W]} as grey.
     */
    public Builder inputImageShape(int channels, int height, int width) {
      if (channels != 1 && channels != 3 && channels != 4) {
        throw new IllegalArgumentException("channels must be 1, 3 or 4, was " + channels);
      }
      this.inputImageShape = new int[] {channels, Require.positive(height, "height"),
          Require.positive(width, "width")};
      return this;
    }

    /** How many samples an input picture shows; 16 by default. */
    public Builder imagesPerGrid(int n) {
      this.imagesPerGrid = Require.inRange(n, 1, 1024, "imagesPerGrid");
      return this;
    }

    /**
     * How many samples of the first training batch become the probe batch, when {@link #probe} is
     * not given; 32 by default.
     */
    public Builder probeSize(int n) {
      this.probeSize = Require.inRange(n, 1, 4096, "probeSize");
      return this;
    }

    /**
     * The fixed batch whose activations, feature maps and predictions are logged (samples along the
     * first axis; labels may be null). Copied now, so the arrays may be closed afterwards. By
     * default the first {@link #probeSize} samples of the first training batch.
     */
    public Builder probe(NDArray data, NDArray labels) {
      Require.nonNull(data, "probe data");
      if (data.getShape().dimension() < 1 || data.getShape().get(0) < 1) {
        throw new IllegalArgumentException("probe data must hold at least one sample, had shape " + data.getShape());
      }
      if (labels != null && (labels.getShape().dimension() < 1 || labels.getShape().get(0) != data.getShape().get(0))) {
        throw new IllegalArgumentException("probe labels must have one row per sample (" + data.getShape().get(0)
            + "), had shape " + labels.getShape());
      }
      this.probeData = List.of(Sample.of(data));
      this.probeLabels = labels == null ? null : Sample.of(labels);
      return this;
    }

    /** Names of the classes, by index, for the predictions table; indices by default. */
    public Builder classNames(List<String> names) {
      Require.nonNull(names, "classNames");
      for (int i = 0; i < names.size(); i++) {
        Require.nonNull(names.get(i), "classNames[" + i + "]");
      }
      this.classNames = List.copyOf(names);
      return this;
    }

    /**
     * The run's hyperparameters (numbers, booleans or strings), written as TensorBoard's hparams
     * session of the run, with the validation and training metrics; none by default.
     */
    public Builder hparams(Map<String, ?> values) {
      Require.nonNull(values, "hparams");
      if (values.isEmpty()) {
        throw new IllegalArgumentException("hparams must not be empty, was {}");
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<String, ?> e : values.entrySet()) {
        Object v = e.getValue();
        if (!(v instanceof Number || v instanceof Boolean || v instanceof CharSequence)) {
          throw new IllegalArgumentException("hparams['" + e.getKey() + "'] must be a number, boolean or string, was "
              + (v == null ? "null" : v.getClass().getName()));
        }
        copy.put(Require.nonNull(e.getKey(), "an hparams key"), v instanceof CharSequence ? v.toString() : v);
      }
      this.hparams = copy;
      return this;
    }

    /**
     * The feature views ({@link Logged#FEATURE_VIEWS}) show the first {@code n} channels of every
     * 2-D convolution (fewer when it has fewer); 8 by default. Ignored once {@link
     * #featureChannels(String, int...)} has chosen channels.
     */
    public Builder featureChannels(int n) {
      this.featureChannels = Require.inRange(n, 1, 4096, "featureChannels");
      return this;
    }

    /**
     * The feature views show these channels of this layer (named as in {@link TagNames}: {@code
     * conv2d_1}...), and of the other layers given so, only. The network is checked at the first
     * training step: a name that is not a 2-D convolution reachable from the input through
     * convolutions, ReLUs, max-pools and dropout, or a channel it does not have, fails that step.
     */
    public Builder featureChannels(String layer, int... channels) {
      Require.nonNull(layer, "layer");
      Require.nonNull(channels, "channels");
      if (channels.length == 0) {
        throw new IllegalArgumentException("channels of " + layer + " must not be empty, was []");
      }
      for (int c : channels) {
        if (c < 0) {
          throw new IllegalArgumentException("channels of " + layer + " must be >= 0, was " + c);
        }
      }
      featureLayers.put(layer, channels.clone());
      return this;
    }

    /**
     * The feature views rank the first {@code n} images of each validation pass, {@value
     * #DEFAULT_FEATURE_SAMPLES} by default. Each is run once more through the network, up to the
     * deepest chosen convolution: ranking all 2,000 validation digits of the demo took 0.77 s, three
     * quarters of the first pass, which is always watched (BENCHMARKS.md, "the listener's probes and
     * overhead"); a set of hundreds already holds nine images that excite a channel strongly.
     */
    public Builder featureSamples(int n) {
      this.featureSamples = Require.positive(n, "featureSamples");
      return this;
    }

    /**
     * The share of the training time the feature views may take: they watch the first validation
     * pass, and a later one only when their time so far, plus as much as their last pass took,
     * stays within {@code fraction} of the time since the first training step. Each pass runs the
     * validation images through the network once more, which for a small network costs about as
     * much as the validation pass itself. {@value #DEFAULT_FEATURE_BUDGET} by default (the first
     * pass, dearest with JIT compilation, takes about that in the demo, so later ones are rare);
     * raise it to watch more passes, 1 watches every validation pass.
     */
    public Builder featureViewsBudget(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("featureViewsBudget must be in (0, 1], was " + fraction);
      }
      this.featureBudget = fraction;
      return this;
    }

    /**
     * The embedding ({@link Logged#EMBEDDING}) holds the first {@code n} samples of the first
     * validation pass; {@value #DEFAULT_EMBEDDING_SAMPLES} by default. They are copied out of the
     * engine during that pass and run through the network once more when training ends, on the
     * training's time: for the demo's 1,568-wide penultimate layer, 1,000 samples took 0.7 s (a
     * forward pass of 0.28 s, then 12.8 MB of text for TensorBoard's TSV), 3 % of the demo's
     * training (BENCHMARKS.md, "the listener's probes and overhead"); 500 show the classes' clusters
     * as well.
     */
    public Builder embeddingSamples(int n) {
      this.embeddingSamples = Require.inRange(n, 1, 100_000, "embeddingSamples");
      return this;
    }

    public TrainscopeListener build() {
      return new TrainscopeListener(this);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "TrainscopeListener[%s, scalars every %d, histograms every %d, images every %d]",
        context.log.logdir(), scalarsEvery, histogramsEvery, imagesEvery);
  }
}
