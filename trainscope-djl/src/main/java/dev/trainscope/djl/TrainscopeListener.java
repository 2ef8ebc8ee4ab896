package dev.trainscope.djl;

import ai.djl.Device;
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
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.tracker.Tracker;
import dev.trainscope.djl.Network.Layer;
import dev.trainscope.djl.Network.Param;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.writer.Denormalize;
import dev.trainscope.writer.HParam;
import dev.trainscope.writer.HParamMetric;
import dev.trainscope.writer.ImageBatch;
import dev.trainscope.writer.Images;
import dev.trainscope.writer.Layout;
import dev.trainscope.writer.SessionStatus;
import dev.trainscope.writer.SummaryWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
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
 * tree as a graph ({@link BlockGraph}) whose layer nodes carry the layer names of the tags. Scalars
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
 * <p>The network is seen as a {@code SequentialBlock} (nested ones are flattened); any other block
 * counts as one layer whose inside is shown in the graph only. Parameters are read from the model's
 * own arrays: one device (CPU or one GPU). Not thread-safe: DJL calls listeners from the training
 * thread.
 */
public final class TrainscopeListener implements TrainingListener {
  private static final String TRAIN_KEY = "trainscope_train";
  private static final String VAL_KEY = "trainscope_val";
  /** Steps per second are averaged over this many steps. */
  static final int SPEED_WINDOW = 20;
  /** The share of the training time the feature views may take by default: see {@link Builder#featureViewsBudget}. */
  public static final double DEFAULT_FEATURE_BUDGET = 0.05;

  private final SummaryWriter log;
  private final boolean ownsWriter;
  private final int scalarsEvery;
  private final int histogramsEvery;
  private final int imagesEvery;
  private final Set<Logged> logged;
  private final Tracker learningRate;
  private final Denormalize inputNormalization;
  private final int[] inputImageShape;
  private final int imagesPerGrid;
  private final int probeSize;
  private final List<String> classNames;
  private final Map<String, Object> hparams;
  private final int featureChannels;
  private final Map<String, int[]> featureLayers;
  private final int featureSamples;

  private List<Sample> probeData;
  private Sample probeLabels;

  private Network network;
  /** The feature views, once the network is known and has a convolution to view; null otherwise. */
  private FeatureViews features;
  /** The feature views' share of the time since the first training step. */
  private final TimeBudget featureBudget;
  /** Whether the feature views watch the validation pass under way. */
  private boolean featurePass;
  private long step;
  private final Set<String> described = new HashSet<>();
  /** Weights before the update of {@link #pendingStep}, per parameter. */
  private final Map<Param, float[]> before = new HashMap<>();
  private long pendingStep = -1;
  private final long[] times = new long[SPEED_WINDOW + 1];
  private int timeCount;
  private int valBatches;
  private List<Evaluator> evaluators = List.of();
  private Evaluator loss;
  private boolean ended;

  private TrainscopeListener(Builder b) {
    this.log = b.writer != null ? b.writer : SummaryWriter.create(b.logdir);
    this.ownsWriter = b.writer == null;
    this.scalarsEvery = b.scalarsEvery;
    this.histogramsEvery = b.histogramsEvery;
    this.imagesEvery = b.imagesEvery;
    this.logged = EnumSet.copyOf(b.logged);
    this.learningRate = b.learningRate;
    this.inputNormalization = b.inputNormalization;
    this.inputImageShape = b.inputImageShape;
    this.imagesPerGrid = b.imagesPerGrid;
    this.probeSize = b.probeSize;
    this.classNames = b.classNames;
    this.hparams = b.hparams;
    this.probeData = b.probeData;
    this.probeLabels = b.probeLabels;
    this.featureChannels = b.featureChannels;
    this.featureLayers = b.featureLayers.isEmpty() ? null : new LinkedHashMap<>(b.featureLayers);
    this.featureSamples = b.featureSamples;
    this.featureBudget = new TimeBudget(b.featureBudget);
  }

  /** A listener writing a new event file in {@code logdir} (created if needed), closed when training ends. */
  public static Builder builder(Path logdir) {
    return new Builder(Require.nonNull(logdir, "logdir"), null);
  }

  /** A listener logging to the caller's writer, which it flushes but does not close. */
  public static Builder builder(SummaryWriter writer) {
    return new Builder(null, Require.nonNull(writer, "writer"));
  }

  /** The writer this listener logs to. */
  public SummaryWriter writer() {
    return log;
  }

  /** The number of training steps seen so far. */
  public long steps() {
    return step;
  }

  // ---- TrainingListener ----

  @Override
  public void onTrainingBegin(Trainer trainer) {
    evaluators = List.copyOf(trainer.getEvaluators());
    loss = trainer.getLoss();
    for (Evaluator e : evaluators) {
      e.addAccumulator(TRAIN_KEY);
      e.addAccumulator(VAL_KEY);
    }
    if (logged.contains(Logged.METRICS)) {
      for (Evaluator e : evaluators) {
        describeMetric(e, false);
        describeMetric(e, true);
      }
    }
    describeGlobalTags();
    if (hparams != null) {
      startHparams();
    }
  }

  @Override
  public void onTrainingBatch(Trainer trainer, BatchData batchData) {
    long s = step++;
    long now = System.nanoTime();
    featureBudget.start(now);
    boolean scalars = s % scalarsEvery == 0;
    boolean histograms = s % histogramsEvery == 0;
    boolean images = s % imagesEvery == 0;
    try (NDManager scope = trainer.getManager().newSubManager()) {
      if (network == null) {
        Block block = trainer.getModel().getBlock();
        network = Network.of(block);
        if (logged.contains(Logged.GRAPH)) {
          log.graph(BlockGraph.of(block, batchData.getBatch().getData().getShapes()));
        }
        if (logged.contains(Logged.FEATURE_VIEWS)) {
          features = FeatureViews.of(network, featureChannels, featureLayers, featureSamples);
          if (features.targets().isEmpty()) {
            features = null;
          }
        }
        describeNetworkTags();
        if (probeData == null) {
          captureProbe(batchData.getBatch(), scope);
        }
      }
      if (scalars && logged.contains(Logged.METRICS)) {
        for (Evaluator e : evaluators) {
          e.resetAccumulator(TRAIN_KEY);
          for (Device d : batchData.getLabels().keySet()) {
            e.updateAccumulator(TRAIN_KEY, batchData.getLabels().get(d), batchData.getPredictions().get(d));
          }
          log.scalar(metricTag(e, false), e.getAccumulator(TRAIN_KEY), s);
        }
      }
      if (scalars && learningRate != null && logged.contains(Logged.LEARNING_RATE)) {
        // DJL's optimizers ask the tracker for update number s + 1 at step s.
        log.scalar(TagNames.LEARNING_RATE, learningRate.getNewValue(Math.toIntExact(s + 1)), s);
      }
      if (logged.contains(Logged.SPEED)) {
        speed(now, s, scalars);
      }
      NDList data = batchData.getBatch().getData();
      NDList labels = batchData.getBatch().getLabels();
      if (scalars && logged.contains(Logged.FINGERPRINTS)) {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (NDArray a : data) {
          buffers.add(a.toByteBuffer());
        }
        for (NDArray a : labels) {
          buffers.add(a.toByteBuffer());
        }
        log.scalar(TagNames.INPUTS_FINGERPRINT, Stats.fingerprint(buffers.toArray(new ByteBuffer[0])), s);
      }
      parameters(s, scalars, histograms, scope);
      if (logged.contains(Logged.INPUTS) && !data.isEmpty()) {
        if (histograms) {
          log.histogram(TagNames.INPUTS_HISTOGRAM, floats(data.head(), scope), s);
        }
        if (images) {
          inputPictures(TagNames.INPUTS_TRAIN, data.head(), s, scope);
        }
      }
      boolean probeActivations = histograms && logged.contains(Logged.ACTIVATIONS);
      boolean probeImages = images && (logged.contains(Logged.PREDICTIONS) || logged.contains(Logged.FEATURE_MAPS));
      if (probeActivations || probeImages) {
        probe(s, probeActivations, probeImages, scope);
      }
      if (images && logged.contains(Logged.FILTERS)) {
        filters(s, scope);
      }
    }
  }

  @Override
  public void onValidationBatch(Trainer trainer, BatchData batchData) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      if (valBatches == 0 && logged.contains(Logged.INPUTS) && !batchData.getBatch().getData().isEmpty()) {
        inputPictures(TagNames.INPUTS_VAL, batchData.getBatch().getData().head(), step, scope);
      }
      if (valBatches == 0) {
        featurePass = features != null && featureBudget.due(System.nanoTime());
      }
      valBatches++;
      if (featurePass && features != null && !batchData.getBatch().getData().isEmpty()) {
        long t = System.nanoTime();
        NDList labels = batchData.getBatch().getLabels();
        try {
          features.observe(batchData.getBatch().getData().head(), labels.isEmpty() ? null : labels.head(), scope);
        } catch (Deconvnet.Unsupported e) {
          featuresOff(e);
        }
        featureBudget.spent(System.nanoTime() - t);
      }
      if (logged.contains(Logged.METRICS)) {
        for (Evaluator e : evaluators) {
          for (Device d : batchData.getLabels().keySet()) {
            e.updateAccumulator(VAL_KEY, batchData.getLabels().get(d), batchData.getPredictions().get(d));
          }
        }
      }
    }
  }

  @Override
  public void onEpoch(Trainer trainer) {
    if (valBatches > 0 && logged.contains(Logged.METRICS)) {
      for (Evaluator e : evaluators) {
        log.scalar(metricTag(e, true), e.getAccumulator(VAL_KEY), step);
      }
    }
    for (Evaluator e : evaluators) {
      e.resetAccumulator(VAL_KEY);
    }
    valBatches = 0;
    try (NDManager scope = trainer.getManager().newSubManager()) {
      resolveUpdates(scope);
      if (featurePass && features != null && features.seen() > 0) {
        long t = System.nanoTime();
        try {
          featureViews(features.finish(scope), step);
        } catch (Deconvnet.Unsupported e) {
          featuresOff(e);
        }
        featureBudget.spent(System.nanoTime() - t);
      }
      featurePass = false;
    }
    timeCount = 0; // the validation pass is not training time
  }

  @Override
  public void onTrainingEnd(Trainer trainer) {
    if (ended) {
      return;
    }
    ended = true;
    try {
      if (network != null) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
          resolveUpdates(scope);
          finalSnapshot(scope);
        }
      }
      if (hparams != null) {
        log.hparamsSessionEnd(SessionStatus.SUCCESS);
      }
    } finally {
      if (ownsWriter) {
        log.close();
      } else {
        log.flush();
      }
    }
  }

  /** Weights, activations and pictures after the last update, unless the last step logged them. */
  private void finalSnapshot(NDManager scope) {
    long last = step - 1;
    if (last < 0) {
      return;
    }
    boolean histograms = last % histogramsEvery != 0;
    boolean images = last % imagesEvery != 0;
    if (histograms && logged.contains(Logged.WEIGHTS)) {
      for (Param p : network.params()) {
        log.histogram(TagNames.values(p.layer().name, p.name()), floats(p.parameter().getArray(), scope), step);
      }
    }
    boolean probeActivations = histograms && logged.contains(Logged.ACTIVATIONS);
    boolean probeImages = images && (logged.contains(Logged.PREDICTIONS) || logged.contains(Logged.FEATURE_MAPS));
    if (probeActivations || probeImages) {
      probe(step, probeActivations, probeImages, scope);
    }
    if (images && logged.contains(Logged.FILTERS)) {
      filters(step, scope);
    }
  }

  // ---- parameters ----

  private void parameters(long s, boolean scalars, boolean histograms, NDManager scope) {
    boolean updates = logged.contains(Logged.UPDATES);
    boolean gradients = logged.contains(Logged.GRADIENTS) && (scalars || histograms);
    boolean weights = logged.contains(Logged.WEIGHTS) && histograms;
    boolean resolve = updates && pendingStep >= 0;
    boolean snapshot = updates && scalars;
    if (!(gradients || weights || resolve || snapshot)) {
      return;
    }
    for (Param p : network.params()) {
      NDArray w = p.parameter().getArray();
      String name = p.tagName();
      if (weights || resolve || snapshot) {
        float[] wv = floats(w, scope);
        if (resolve) {
          logUpdate(p, wv);
        }
        if (snapshot) {
          before.put(p, wv);
        }
        if (weights) {
          log.histogram(TagNames.values(p.layer().name, p.name()), wv, s);
        }
      }
      if (gradients && w.hasGradient()) {
        NDArray g = w.getGradient();
        g.attach(scope);
        float[] gv = floats(g, scope);
        if (scalars) {
          log.scalar(TagNames.gradNorm(name), Stats.l2(gv), s);
          log.scalar(TagNames.gradZeroFraction(name), Stats.zeroFraction(gv), s);
        }
        if (histograms) {
          log.histogram(TagNames.grad(name), gv, s);
        }
      }
    }
    if (resolve) {
      pendingStep = -1;
    }
    if (snapshot) {
      pendingStep = s;
    }
  }

  private void logUpdate(Param p, float[] after) {
    float[] b = before.get(p);
    double norm = b == null ? 0 : Stats.l2(b);
    // a parameter that is all zero (a bias at its start) has no ratio: logging one would be infinite
    if (b != null && b.length == after.length && norm > 0) {
      log.scalar(TagNames.updateRatio(p.tagName()), Stats.l2Distance(after, b) / norm, pendingStep);
    }
  }

  /** Logs the pending update ratios from the weights as they are now. */
  private void resolveUpdates(NDManager scope) {
    if (pendingStep < 0 || network == null) {
      return;
    }
    for (Param p : network.params()) {
      logUpdate(p, floats(p.parameter().getArray(), scope));
    }
    pendingStep = -1;
    before.clear();
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
    probeData = samples;
    NDList labels = batch.getLabels();
    probeLabels = labels.isEmpty() ? null : Sample.of(head(labels.head(), k, scope));
  }

  private static NDArray head(NDArray a, long k, NDManager scope) {
    if (a.getShape().get(0) == k) {
      return a;
    }
    NDArray h = a.get(new NDIndex("0:" + k));
    h.attach(scope);
    return h;
  }

  /** Runs the probe batch through the network in inference mode and logs what it shows. */
  private void probe(long s, boolean activations, boolean images, NDManager scope) {
    if (probeData == null || network.steps.isEmpty()) {
      return;
    }
    NDList input = new NDList();
    for (Sample sample : probeData) {
      input.add(sample.toArray(scope));
    }
    boolean featureMaps = images && logged.contains(Logged.FEATURE_MAPS);
    Map<Integer, Layer> byOutput = new HashMap<>();
    for (Layer l : network.layers) {
      byOutput.put(l.activationStep >= 0 ? l.activationStep : l.step, l);
    }
    Map<Integer, Layer> byPre = new HashMap<>();
    for (Layer l : network.layers) {
      byPre.put(l.step, l);
    }
    ParameterStore store = new ParameterStore(scope, false);
    NDList out = network.forward(store, input, (i, output) -> {
      Layer pre = byPre.get(i);
      Layer l = byOutput.get(i);
      if (pre == null && l == null) {
        return;
      }
      NDArray y = output.head();
      float[] v = activations ? floats(y, scope) : null;
      if (pre != null && activations) {
        log.histogram(TagNames.preActivations(pre.name), v, s);
      }
      if (l == null) {
        return;
      }
      if (activations) {
        if (l.activationStep == i) {
          log.histogram(TagNames.postActivations(l.name), v, s);
        }
        double[] ms = Stats.meanStd(v);
        log.scalar(TagNames.activationMean(l.name), ms[0], s);
        log.scalar(TagNames.activationStd(l.name), ms[1], s);
        if (l.reluLike() && y.getShape().dimension() >= 2) {
          log.scalar(TagNames.deadUnits(l.name), Stats.deadUnitFraction(v, y.getShape().getShape()), s);
        }
      }
      if (featureMaps && l.conv2d() && y.getShape().dimension() == 4) {
        long[] sh = y.getShape().getShape();
        float[] first = floats(head(y, 1, scope), scope);
        log.image(TagNames.featureMaps(l.name), Pictures.featureMaps(first, 0, Math.toIntExact(sh[1]),
            Math.toIntExact(sh[2]), Math.toIntExact(sh[3])), s);
      }
    });
    if (images && logged.contains(Logged.PREDICTIONS)) {
      predictions(out.head(), s, scope);
    }
  }

  private void predictions(NDArray output, long s, NDManager scope) {
    Shape shape = output.getShape();
    if (shape.dimension() != 2 || shape.get(1) < 2) {
      return; // not a classifier's scores
    }
    int n = Math.toIntExact(shape.get(0));
    int k = Math.toIntExact(shape.get(1));
    float[] scores = floats(output, scope);
    float[] labels = null;
    if (probeLabels != null && probeLabels.shape.size() == n) {
      NDArray l = probeLabels.toArray(scope);
      labels = floats(l, scope);
    }
    log.text(TagNames.PREDICTIONS, PredictionTable.markdown(scores, n, k, labels, classNames, s), s);
  }

  /** Each 2-D convolution's kernels; past the first, each kernel as the mean over its input channels. */
  private void filters(long s, NDManager scope) {
    for (Layer conv : network.layers) {
      if (!conv.conv2d()) {
        continue;
      }
      for (Param p : conv.params) {
        NDArray w = p.parameter().getArray();
        if (p.name().equals("weight") && w.getShape().dimension() == 4) {
          log.image(TagNames.filters(conv.name), Pictures.filters(floats(w, scope), w.getShape().getShape()), s);
          break;
        }
      }
    }
  }

  // ---- feature views ----

  private void featureViews(List<FeatureViews.View> views, long s) {
    for (FeatureViews.View v : views) {
      if (v.ranked().isEmpty()) {
        continue;
      }
      List<float[]> images = new ArrayList<>();
      List<float[]> deconv = new ArrayList<>();
      List<float[]> guided = new ArrayList<>();
      for (FeatureViews.Ranked r : v.ranked()) {
        images.add(r.image());
        deconv.add(r.deconv());
        guided.add(r.guided());
      }
      int c = v.channels();
      int h = v.height();
      int w = v.width();
      log.image(TagNames.featureTop9(v.layer(), v.channel()), Pictures.imageGrid(images, c, h, w, inputNormalization), s);
      log.image(TagNames.featureDeconv(v.layer(), v.channel()), Pictures.signedGrid(deconv, c, h, w), s);
      log.image(TagNames.featureGuided(v.layer(), v.channel()), Pictures.signedGrid(guided, c, h, w), s);
      log.text(TagNames.featureRanking(v.layer(), v.channel()), v.markdown(s), s);
    }
  }

  /** A network or data the feature views cannot handle: said once, and they stop; training goes on. */
  private void featuresOff(Deconvnet.Unsupported e) {
    features = null;
    System.err.println("trainscope: feature views turned off: " + e.getMessage());
  }

  // ---- inputs ----

  /** A grid of the first samples of a batch, if they can be seen as images. */
  private void inputPictures(String tag, NDArray data, long s, NDManager scope) {
    long[] sh = data.getShape().getShape();
    if (sh.length < 2 || sh[0] == 0) {
      return;
    }
    long perSample = data.getShape().size() / sh[0];
    int c;
    int h;
    int w;
    Layout layout = Layout.CHW;
    if (inputImageShape != null) {
      c = inputImageShape[0];
      h = inputImageShape[1];
      w = inputImageShape[2];
      if ((long) c * h * w != perSample) {
        return;
      }
    } else if (sh.length == 4 && isChannels(sh[1])) {
      c = (int) sh[1];
      h = Math.toIntExact(sh[2]);
      w = Math.toIntExact(sh[3]);
    } else if (sh.length == 4 && isChannels(sh[3])) {
      c = (int) sh[3];
      h = Math.toIntExact(sh[1]);
      w = Math.toIntExact(sh[2]);
      layout = Layout.HWC;
    } else if (sh.length == 3) {
      c = 1;
      h = Math.toIntExact(sh[1]);
      w = Math.toIntExact(sh[2]);
    } else if (sh.length == 2 && isSquare(sh[1])) {
      c = 1;
      h = (int) Math.round(Math.sqrt(sh[1]));
      w = h;
    } else {
      return;
    }
    int k = (int) Math.min(sh[0], imagesPerGrid);
    float[] v = floats(head(data, k, scope), scope);
    Denormalize undo = inputNormalization != null ? inputNormalization : Pictures.unitRange(v);
    log.image(tag, Images.grid(new ImageBatch(v, k, c, h, w, layout), undo), s);
  }

  private static boolean isChannels(long c) {
    return c == 1 || c == 3 || c == 4;
  }

  private static boolean isSquare(long n) {
    long r = Math.round(Math.sqrt(n));
    return r > 1 && r * r == n;
  }

  // ---- speed ----

  private void speed(long now, long s, boolean scalars) {
    if (timeCount == times.length) {
      System.arraycopy(times, 1, times, 0, times.length - 1);
      timeCount--;
    }
    times[timeCount++] = now;
    if (scalars && timeCount >= 2) {
      double seconds = (times[timeCount - 1] - times[0]) / 1e9;
      log.scalar(TagNames.STEPS_PER_SEC, (timeCount - 1) / seconds, s);
    }
  }

  // ---- tags and their descriptions ----

  private String metricTag(Evaluator e, boolean validation) {
    return TagNames.metric(validation, e == loss ? "loss" : TagNames.metricName(e.getName()));
  }

  private void describeMetric(Evaluator e, boolean validation) {
    boolean isLoss = e == loss;
    String split = validation ? "val" : "train";
    String what = isLoss ? "loss (" + e.getName() + ")" : e.getName();
    String sentence = validation
        ? "The " + what + " over the validation set, after each epoch."
        : "The " + what + " of each training batch, as the optimizer saw it.";
    String display = (validation ? "validation " : "training ") + (isLoss ? "loss" : e.getName());
    Role role = isLoss ? Role.LOSS
        : TagNames.metricName(e.getName()).contains("accuracy") ? Role.ACCURACY : Role.METRIC;
    describe(metricTag(e, validation), display, sentence, role, split, null, null);
  }

  private void describeGlobalTags() {
    if (learningRate != null && logged.contains(Logged.LEARNING_RATE)) {
      describe(TagNames.LEARNING_RATE, "learning rate", "The learning rate the optimizer used at each step.",
          Role.LEARNING_RATE, "train", null, null);
    }
    if (logged.contains(Logged.SPEED)) {
      describe(TagNames.STEPS_PER_SEC, "steps per second",
          "Training steps per second, over the last " + SPEED_WINDOW + " steps (validation passes excluded).",
          Role.STEPS_PER_SEC, "train", null, null);
    }
    if (logged.contains(Logged.FINGERPRINTS)) {
      describe(TagNames.INPUTS_FINGERPRINT, "batch fingerprint",
          "A 24-bit hash of each training batch's inputs and labels, exact as a float32: the same value at"
              + " two steps means the same batch.", Role.BATCH_FINGERPRINT, "train", null, null);
    }
    if (logged.contains(Logged.INPUTS)) {
      describe(TagNames.INPUTS_TRAIN, "training samples",
          "The first samples of a training batch, with the input normalisation undone.", Role.INPUT_IMAGES,
          "train", null, null);
      describe(TagNames.INPUTS_VAL, "validation samples",
          "The first samples of each validation pass, with the input normalisation undone.", Role.INPUT_IMAGES,
          "val", null, null);
      describe(TagNames.INPUTS_HISTOGRAM, "input values",
          "The values of a training batch's inputs, as the network sees them (after preprocessing).",
          Role.INPUTS, "train", null, null);
    }
    if (logged.contains(Logged.PREDICTIONS)) {
      describe(TagNames.PREDICTIONS, "probe predictions",
          "The probe batch's labels, predicted classes and their probabilities, for error analysis.",
          Role.PREDICTIONS, null, null, null);
    }
  }

  private void describeNetworkTags() {
    for (Layer l : network.layers) {
      String type = l.block.getClass().getSimpleName();
      for (Param p : l.params) {
        String of = l.name + "'s " + p.name() + " (" + type + ")";
        String param = p.tagName();
        if (logged.contains(Logged.WEIGHTS)) {
          boolean bias = p.name().equals("bias");
          describe(TagNames.values(l.name, p.name()), (bias ? "biases " : "weights ") + param,
              "The values of " + of + ".", bias ? Role.BIASES : Role.WEIGHTS, null, l.name, p.name());
        }
        if (logged.contains(Logged.GRADIENTS)) {
          describe(TagNames.gradNorm(param), "gradient norm " + param,
              "The L2 norm of the gradient of " + of + ", after backward and before the optimizer's step.",
              Role.GRAD_NORM, "train", l.name, p.name());
          describe(TagNames.gradZeroFraction(param), "zero gradients " + param,
              "The fraction of the gradient of " + of + " that is exactly 0.", Role.GRAD_ZERO_FRACTION, "train",
              l.name, p.name());
          describe(TagNames.grad(param), "gradient " + param, "The gradient of " + of + ".",
              Role.GRADIENTS, "train", l.name, p.name());
        }
        if (logged.contains(Logged.UPDATES)) {
          describe(TagNames.updateRatio(param), "update/weight ratio " + param,
              "||w after - w before|| / ||w before|| of " + of + " for the optimizer's step: how much one"
                  + " update changes the weights (about 1e-3 is the usual rule of thumb).",
              Role.UPDATE_RATIO, "train", l.name, p.name());
        }
      }
      if (logged.contains(Logged.ACTIVATIONS)) {
        String act = l.activationName;
        describe(TagNames.preActivations(l.name), "pre-activations " + l.name,
            "The output of " + l.name + " (" + type + ")" + (act != null ? " before its " + act : "")
                + " for the probe batch.", Role.PRE_ACTIVATIONS, null, l.name, null);
        if (act != null) {
          describe(TagNames.postActivations(l.name), "post-activations " + l.name,
              "The output of " + l.name + " after its " + act + ", for the probe batch.", Role.ACTIVATIONS,
              null, l.name, null);
        }
        String output = act != null ? "after its " + act : "(it has no nonlinearity)";
        describe(TagNames.activationMean(l.name), "activation mean " + l.name,
            "The mean of " + l.name + "'s output " + output + " over the probe batch.", Role.ACTIVATION_MEAN, null,
            l.name, null);
        describe(TagNames.activationStd(l.name), "activation std " + l.name,
            "The standard deviation of " + l.name + "'s output " + output + " over the probe batch.",
            Role.ACTIVATION_STD, null, l.name, null);
        if (l.reluLike()) {
          describe(TagNames.deadUnits(l.name), "dead units " + l.name,
              "The fraction of " + l.name + "'s units (" + (l.conv2d() ? "channels" : "neurons")
                  + ") whose " + act + " output is 0 for every sample of the probe batch.", Role.DEAD_UNITS, null,
              l.name, null);
        }
      }
      if (l.conv2d() && logged.contains(Logged.FEATURE_MAPS)) {
        describe(TagNames.featureMaps(l.name), "feature maps " + l.name,
            "The output channels of " + l.name + " for the first probe image, from black (the lowest value) to"
                + " white (the highest).", Role.FEATURE_MAPS, null, l.name, null);
      }
    }
    if (features != null) {
      for (FeatureViews.Target t : features.targets()) {
        for (int ch : t.channels()) {
          describeFeatureTags(t.layer().name, ch);
        }
      }
    }
    for (Layer conv : network.layers) {
      if (conv.conv2d() && logged.contains(Logged.FILTERS)) {
        describe(TagNames.filters(conv.name), "filters " + conv.name,
            "The kernels of " + conv.name + ", one per output channel (over one or three input channels as they"
                + " are, over more as their mean), from black (the lowest weight) to white (the highest).",
            Role.FILTERS, null, conv.name, "weight");
      }
    }
  }

  private void describeFeatureTags(String layer, int ch) {
    String of = layer + "'s channel " + ch;
    String samples = featureSamples == Integer.MAX_VALUE ? "the validation images"
        : "the first " + featureSamples + " validation images";
    String which = "the 9 of " + samples + " whose maximum activation in " + of + " is highest (row by row, highest"
        + " first)";
    describeChannel(TagNames.featureTop9(layer, ch), "top 9 " + layer + "/" + ch,
        "After the first validation pass and later ones as the time budget allows, " + which + ", with the input"
            + " normalisation undone.", Role.FEATURE_TOP9, layer, ch);
    describeChannel(TagNames.featureDeconv(layer, ch), "deconvnet " + layer + "/" + ch,
        "For each of " + which + ", in the same place: that activation alone projected back to pixel space by a"
            + " deconvnet (Zeiler and Fergus 2014: unpooling with the image's own switches, rectification,"
            + " transposed filters); each picture scaled on its own so that 0 is mid-grey.", Role.FEATURE_DECONV,
        layer, ch);
    describeChannel(TagNames.featureGuided(layer, ch), "guided backprop " + layer + "/" + ch,
        "For each of " + which + ", in the same place: that activation alone projected back to pixel space by"
            + " guided back-propagation (Springenberg et al. 2015: as the deconvnet, but a ReLU passes only where its"
            + " forward input was positive too); each picture scaled on its own so that 0 is mid-grey.",
        Role.FEATURE_GUIDED, layer, ch);
    describeChannel(TagNames.featureRanking(layer, ch), "ranking " + layer + "/" + ch,
        "After the validation passes the feature views watch, " + which + ": rank, validation index, label, max"
            + " activation and its position (y, x) in the convolution's output.", Role.FEATURE_RANKING, layer, ch);
  }

  private void describe(String tag, String displayName, String sentence, Role role, String split, String layer,
      String param) {
    describeAs(tag, displayName, TagNames.description(sentence, role, split, layer, param));
  }

  private void describeChannel(String tag, String displayName, String sentence, Role role, String layer, int ch) {
    describeAs(tag, displayName, TagNames.description(sentence, role, "val", layer, ch));
  }

  private void describeAs(String tag, String displayName, String description) {
    if (!described.add(tag)) {
      return;
    }
    try {
      log.describe(tag, displayName, description);
    } catch (IllegalStateException e) {
      // A shared writer already holds values of this tag: they keep the metadata they have.
    }
  }

  private void startHparams() {
    List<HParam> infos = new ArrayList<>();
    for (Map.Entry<String, Object> e : hparams.entrySet()) {
      Object v = e.getValue();
      HParam.Type type = v instanceof Number ? HParam.Type.FLOAT64
          : v instanceof Boolean ? HParam.Type.BOOL : HParam.Type.STRING;
      infos.add(HParam.of(e.getKey(), type));
    }
    List<HParamMetric> metrics = new ArrayList<>();
    if (logged.contains(Logged.METRICS)) {
      for (Evaluator e : evaluators) {
        metrics.add(new HParamMetric(metricTag(e, true), "", "", "", HParamMetric.Dataset.VALIDATION));
        metrics.add(new HParamMetric(metricTag(e, false), "", "", "", HParamMetric.Dataset.TRAINING));
      }
    }
    log.hparamsExperiment(infos, metrics);
    log.hparamsSessionStart(hparams);
  }

  // ---- tensors to Java ----

  /** The values as floats; arrays made on the way belong to {@code scope}. */
  static float[] floats(NDArray a, NDManager scope) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    NDArray f = a.toType(DataType.FLOAT32, true);
    f.attach(scope);
    return f.toFloatArray();
  }

  /** A tensor copied out of the engine: its bytes, shape and type. */
  record Sample(byte[] bytes, Shape shape, DataType type) {
    static Sample of(NDArray a) {
      ByteBuffer b = a.toByteBuffer();
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
    private int featureSamples = Integer.MAX_VALUE;
    private double featureBudget = DEFAULT_FEATURE_BUDGET;

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
     * The feature views rank the first {@code n} images of each validation pass; all of them by
     * default. Fewer take less time: each is run once more through the network, up to the deepest
     * chosen convolution.
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
     * much as the validation pass itself. {@value #DEFAULT_FEATURE_BUDGET} by default; 1 watches
     * every validation pass.
     */
    public Builder featureViewsBudget(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("featureViewsBudget must be in (0, 1], was " + fraction);
      }
      this.featureBudget = fraction;
      return this;
    }

    public TrainscopeListener build() {
      return new TrainscopeListener(this);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "TrainscopeListener[%s, scalars every %d, histograms every %d, images every %d]",
        log.logdir(), scalarsEvery, histogramsEvery, imagesEvery);
  }
}
