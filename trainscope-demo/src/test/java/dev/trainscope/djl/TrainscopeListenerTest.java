package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.proto.AttrValue;
import dev.trainscope.events.proto.GraphDefProto;
import dev.trainscope.events.proto.NodeDef;
import dev.trainscope.events.proto.TensorShape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trains a small CNN on real MNIST digits for one epoch of 8 steps with the listener, while a
 * second listener computes the same quantities directly with DJL's NDArray operations at the same
 * moment; then checks what the listener logged against them.
 */
class TrainscopeListenerTest {
  static final int STEPS = 8;
  static final int BATCH = 32;
  static final int PROBE = 8;
  static final int HISTOGRAMS_EVERY = 3;
  static final int IMAGES_EVERY = 4;
  /** Parameter names in tags, by the network's parameter keys. */
  static final Map<String, String> TAG_NAMES = Map.of(
      "01Conv2d_weight", "conv2d_1", "01Conv2d_bias", "conv2d_1/bias",
      "04Conv2d_weight", "conv2d_2", "04Conv2d_bias", "conv2d_2/bias",
      "08Linear_weight", "linear_1", "08Linear_bias", "linear_1/bias");

  @TempDir
  static Path dir;
  static NDManager manager;
  static Logs logs;
  static Direct direct;

  /** What the test's own listener computed at each step, with NDArray operations. */
  static final class Direct extends TrainingListenerAdapter {
    final SequentialBlock net;
    final NDArray probe;
    final NDArray probeLabels;
    long step;
    final Map<Long, Float> loss = new TreeMap<>();
    final Map<Long, Float> accuracy = new TreeMap<>();
    final Map<Long, Map<String, Float>> gradNorm = new TreeMap<>();
    final Map<Long, Map<String, Float>> gradZeros = new TreeMap<>();
    /** Weights at the start of each step and after the last one (key STEPS). */
    final Map<Long, Map<String, NDArray>> weights = new TreeMap<>();
    final Map<Long, float[]> conv1Pre = new TreeMap<>();
    final Map<Long, Float> conv1PostMean = new TreeMap<>();
    final Map<Long, Float> conv1PostStd = new TreeMap<>();
    final Map<Long, Float> conv1Dead = new TreeMap<>();
    final Map<Long, Integer> probeRight = new TreeMap<>();
    float valAccuracy;
    float valLoss;

    Direct(SequentialBlock net, NDArray probe, NDArray probeLabels) {
      this.net = net;
      this.probe = probe;
      this.probeLabels = probeLabels;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
      long s = step++;
      NDList labels = batchData.getLabels().get(Device.cpu());
      NDList preds = batchData.getPredictions().get(Device.cpu());
      loss.put(s, trainer.getLoss().evaluate(labels, preds).getFloat());
      NDArray predicted = preds.head().argMax(1).toType(DataType.FLOAT32, false);
      accuracy.put(s, predicted.eq(labels.head()).sum().getLong() / (float) labels.head().size());
      Map<String, Float> norms = new HashMap<>();
      Map<String, Float> zeros = new HashMap<>();
      for (Pair<String, Parameter> p : net.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        norms.put(TAG_NAMES.get(p.getKey()), g.norm().getFloat());
        zeros.put(TAG_NAMES.get(p.getKey()), g.eq(0).sum().getLong() / (float) g.size());
        g.close();
      }
      gradNorm.put(s, norms);
      gradZeros.put(s, zeros);
      snapshotWeights(s);
      if (s % HISTOGRAMS_EVERY == 0 || s % IMAGES_EVERY == 0) {
        probeDirectly(s);
      }
    }

    void snapshotWeights(long s) {
      Map<String, NDArray> w = new HashMap<>();
      for (Pair<String, Parameter> p : net.getParameters()) {
        NDArray copy = p.getValue().getArray().duplicate();
        copy.attach(manager);
        w.put(TAG_NAMES.get(p.getKey()), copy);
      }
      weights.put(s, w);
    }

    /** The first convolution and ReLU, and the whole network, on the probe, through DJL's blocks. */
    void probeDirectly(long s) {
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = probe.duplicate();
        x.attach(scope);
        ParameterStore store = new ParameterStore(scope, false);
        Block conv1 = net.getChildren().get(0).getValue();
        NDArray pre = conv1.forward(store, new NDList(x), false).head();
        conv1Pre.put(s, pre.toFloatArray());
        NDArray post = Activation.relu(pre);
        conv1PostMean.put(s, post.mean().getFloat());
        // population std, as the listener logs
        conv1PostStd.put(s, post.sub(post.mean()).square().mean().sqrt().getFloat());
        long channels = post.getShape().get(1);
        long dead = post.transpose(1, 0, 2, 3).reshape(channels, -1).max(new int[] {1}).eq(0).sum().getLong();
        conv1Dead.put(s, dead / (float) channels);
        NDArray out = net.forward(store, new NDList(x), false).head();
        probeRight.put(s, (int) out.argMax(1).toType(DataType.FLOAT32, false).eq(probeLabels).sum().getLong());
      }
    }

    @Override
    public void onEpoch(Trainer trainer) {
      snapshotWeights(step);
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = Fixture.images(scope, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 64, true);
        NDArray y = Fixture.labels(scope, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 64);
        NDArray out = net.forward(new ParameterStore(scope, false), new NDList(x), false).head();
        valAccuracy = out.argMax(1).toType(DataType.FLOAT32, false).eq(y).sum().getLong() / 64f;
        valLoss = trainer.getLoss().evaluate(new NDList(y), new NDList(out)).getFloat();
      }
    }
  }

  @BeforeAll
  static void train() throws Exception {
    manager = NDManager.newBaseManager();
    ArrayDataset trainSet = Fixture.dataset(manager, 0, STEPS * BATCH, true, BATCH, true);
    // one validation batch of 64, so the logged mean over batches is the mean over samples
    ArrayDataset valSet = Fixture.dataset(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 64, true, 64, false);
    NDArray probe = Fixture.images(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + PROBE, true);
    NDArray probeLabels = Fixture.labels(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + PROBE);
    SequentialBlock net = Fixture.smallCnn();
    direct = new Direct(net, probe, probeLabels);
    Fixture.train(net, 7, 1, trainSet, valSet, new Shape(BATCH, 1, 28, 28), model -> List.of(
        TrainscopeListener.builder(dir)
            .histogramsEvery(HISTOGRAMS_EVERY)
            .imagesEvery(IMAGES_EVERY)
            .learningRate(Fixture.LR)
            .probe(probe, probeLabels)
            .build(),
        direct));
    logs = Logs.read(dir);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void trainLossAndAccuracy_everyStep_matchTheLossAndArgmaxOfThePredictions() {
    TreeMap<Long, Double> loss = logs.scalars("train/loss");
    TreeMap<Long, Double> acc = logs.scalars("train/accuracy");
    assertEquals(STEPS, loss.size());
    assertEquals(0L, loss.firstKey());
    for (long s = 0; s < STEPS; s++) {
      assertEquals(direct.loss.get(s), loss.get(s).floatValue(), 1e-6f * Math.abs(direct.loss.get(s)), "loss at " + s);
      assertEquals(direct.accuracy.get(s), acc.get(s).floatValue(), 1e-6f, "accuracy at " + s);
    }
  }

  @Test
  void validationMetrics_afterTheEpoch_matchTheNetworkOnTheValidationSet() {
    assertEquals(Map.of((long) STEPS, (double) direct.valAccuracy), logs.scalars("val/accuracy"));
    TreeMap<Long, Double> loss = logs.scalars("val/loss");
    assertEquals(List.of((long) STEPS), new ArrayList<>(loss.keySet()));
    assertEquals(direct.valLoss, loss.get((long) STEPS), 1e-5 * direct.valLoss);
  }

  @Test
  void gradientNormsAndZeroFractions_everyStep_matchNdArrayNorms() {
    for (String p : TAG_NAMES.values()) {
      TreeMap<Long, Double> norms = logs.scalars("grad_norm/" + p);
      TreeMap<Long, Double> zeros = logs.scalars("grad_zero_fraction/" + p);
      assertEquals(STEPS, norms.size(), p);
      for (long s = 0; s < STEPS; s++) {
        float expected = direct.gradNorm.get(s).get(p);
        assertTrue(expected > 0, "a real gradient for " + p + " at " + s);
        assertEquals(expected, norms.get(s), 2e-5 * expected, "grad norm " + p + " at " + s);
        assertEquals(direct.gradZeros.get(s).get(p), zeros.get(s), 1e-6, "zero fraction " + p + " at " + s);
      }
    }
  }

  @Test
  void updateRatios_everyStep_matchTheChangeOfTheWeightsThroughTheOptimizerStep() {
    for (String p : TAG_NAMES.values()) {
      TreeMap<Long, Double> ratios = logs.scalars("update_ratio/" + p);
      assertTrue(ratios.containsKey((long) STEPS - 1), p + ": the last step's update is logged at the end of the epoch");
      assertTrue(ratios.lastKey() < STEPS, p + ": no ratio after the last step");
      for (long s = 0; s < STEPS; s++) {
        NDArray before = direct.weights.get(s).get(p);
        NDArray after = direct.weights.get(s + 1).get(p);
        float beforeNorm = before.norm().getFloat();
        if (beforeNorm == 0) {
          // a zero-initialised bias has no finite ratio at its first step: none is logged
          assertFalse(ratios.containsKey(s), "no ratio of an all-zero " + p + " at " + s);
          continue;
        }
        float expected = after.sub(before).norm().getFloat() / beforeNorm;
        assertTrue(expected > 0, "the weights moved at " + s);
        assertEquals(expected, ratios.get(s), 1e-4 * expected, "update ratio " + p + " at " + s);
      }
    }
  }

  @Test
  void weightAndGradientHistograms_atHistogramSteps_countEveryElementAndSpanItsRange() {
    for (String p : TAG_NAMES.values()) {
      String valuesTag = p.endsWith("/bias") ? "biases/" + p.substring(0, p.length() - 5) : "weights/" + p;
      TreeMap<Long, PluginTensors.Buckets> weights = logs.histograms(valuesTag);
      TreeMap<Long, PluginTensors.Buckets> grads = logs.histograms("grad/" + p);
      assertEquals(List.of(0L, 3L, 6L), new ArrayList<>(grads.keySet()), p);
      // the last step (7) was no histogram step: the final weights come at step 8
      assertEquals(List.of(0L, 3L, 6L, 8L), new ArrayList<>(weights.keySet()), p);
      for (long s : weights.keySet()) {
        NDArray w = direct.weights.get(s).get(p);
        PluginTensors.Buckets b = weights.get(s);
        assertEquals(w.size(), Logs.total(b), valuesTag + " at " + s);
        assertEquals(w.min().getFloat(), b.left()[0], 0.0, "lowest edge is the smallest weight");
        assertEquals(w.max().getFloat(), b.right()[b.right().length - 1], 0.0, "highest edge is the largest weight");
      }
      for (long s : grads.keySet()) {
        assertEquals(direct.weights.get(s).get(p).size(), Logs.total(grads.get(s)), "grad/" + p + " at " + s);
      }
    }
  }

  @Test
  void activations_ofTheProbeBatch_matchTheFirstConvolutionRunDirectly() {
    TreeMap<Long, PluginTensors.Buckets> pre = logs.histograms("activations/conv2d_1/pre");
    TreeMap<Long, PluginTensors.Buckets> post = logs.histograms("activations/conv2d_1/post");
    assertEquals(List.of(0L, 3L, 6L, 8L), new ArrayList<>(pre.keySet()));
    for (long s : List.of(0L, 3L, 6L)) {
      float[] expected = direct.conv1Pre.get(s);
      assertEquals(PROBE * 4 * 26 * 26, expected.length);
      PluginTensors.Buckets b = pre.get(s);
      assertEquals(expected.length, Logs.total(b));
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      int negative = 0;
      for (float v : expected) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        negative += v <= 0 ? 1 : 0;
      }
      assertEquals(min, b.left()[0], 0.0);
      assertEquals(max, b.right()[b.right().length - 1], 0.0);
      // after the ReLU every value <= 0 is 0: the post histogram's lowest edge is 0 and holds them all
      PluginTensors.Buckets a = post.get(s);
      assertEquals(0.0, a.left()[0]);
      assertTrue(a.count()[0] >= negative, "post bucket 0 holds the " + negative + " zeros");
      assertEquals(direct.conv1PostMean.get(s), logs.scalars("activation_mean/conv2d_1").get(s), 1e-5);
      assertEquals(direct.conv1PostStd.get(s), logs.scalars("activation_std/conv2d_1").get(s), 1e-5);
      assertEquals(direct.conv1Dead.get(s), logs.scalars("dead_units/conv2d_1").get(s), 0.0);
    }
    // the last layer has no nonlinearity: pre only, and its mean and std are of that output
    assertFalse(logs.byTag.containsKey("activations/linear_1/post"));
    assertFalse(logs.byTag.containsKey("dead_units/linear_1"));
    assertEquals(PROBE * 10, Logs.total(logs.histograms("activations/linear_1/pre").get(0L)));
  }

  @Test
  void predictions_atImageSteps_countWhatTheNetworkGetsRightOnTheProbe() {
    TreeMap<Long, String> texts = logs.texts("predictions");
    assertEquals(List.of(0L, 4L, 8L), new ArrayList<>(texts.keySet()));
    for (long s : List.of(0L, 4L)) {
      String t = texts.get(s);
      assertTrue(t.startsWith("Probe batch at step " + s + ": **" + direct.probeRight.get(s) + " of " + PROBE
          + " right**"), t);
      assertEquals(PROBE, t.lines().filter(l -> l.matches("\\| \\d+ \\| \\d \\| \\d \\| 0?[.0-9]+ \\| .*")).count(), t);
      // the labels column is the probe's labels, in order
      float[] labels = direct.probeLabels.toFloatArray();
      List<String> rows = t.lines().filter(l -> l.matches("\\| \\d+ \\| .*")).toList();
      for (int i = 0; i < PROBE; i++) {
        assertTrue(rows.get(i).startsWith("| " + i + " | " + (int) labels[i] + " | "), rows.get(i));
      }
    }
  }

  @Test
  void fingerprints_everyStep_differForDifferentBatches() {
    TreeMap<Long, Double> f = logs.scalars("inputs/fingerprint");
    assertEquals(STEPS, f.size());
    assertEquals(STEPS, f.values().stream().distinct().count(), "8 different batches, 8 fingerprints: " + f);
    for (double v : f.values()) {
      assertTrue(v >= 0 && v < (1 << 24) && v == Math.rint(v), "a 24-bit integer: " + v);
    }
  }

  @Test
  void learningRateAndSpeed_everyStep() {
    TreeMap<Long, Double> lr = logs.scalars("train/lr");
    assertEquals(STEPS, lr.size());
    for (double v : lr.values()) {
      assertEquals(1e-3f, (float) v);
    }
    TreeMap<Long, Double> speed = logs.scalars("train/steps_per_sec");
    assertEquals(STEPS - 1, speed.size(), "from the second step on");
    for (double v : speed.values()) {
      assertTrue(v > 0 && Double.isFinite(v), "steps/s " + v);
    }
  }

  @Test
  void pictures_atImageSteps() {
    assertEquals(List.of(0L, 4L), new ArrayList<>(logs.images("inputs/train").keySet()));
    assertEquals(List.of((long) STEPS), new ArrayList<>(logs.images("inputs/val").keySet()));
    assertEquals(List.of(0L, 4L, 8L), new ArrayList<>(logs.images("filters/conv2d_1").keySet()));
    // and every other convolution's: 16 kernels of 3 x 3 (means over 4 inputs), each enlarged to 24 pixels, 8 a row
    assertEquals(List.of(0L, 4L, 8L), new ArrayList<>(logs.images("filters/conv2d_2").keySet()));
    assertEquals(8 * 24 + 9 * 2, logs.images("filters/conv2d_2").get(0L).getWidth());
    assertEquals(2 * 24 + 3 * 2, logs.images("filters/conv2d_2").get(0L).getHeight());
    // the first probe image's maps: 26 x 26 enlarged to 52 for conv2d_1 (4 channels), 11 x 11 to 33 for conv2d_2 (16)
    assertEquals(4 * 52 + 5 * 2, logs.images("feature_maps/conv2d_1").get(0L).getWidth());
    assertEquals(52 + 2 * 2, logs.images("feature_maps/conv2d_1").get(0L).getHeight());
    assertEquals(8 * 33 + 9 * 2, logs.images("feature_maps/conv2d_2").get(0L).getWidth());
    assertEquals(2 * 33 + 3 * 2, logs.images("feature_maps/conv2d_2").get(0L).getHeight());
  }

  @Test
  void graph_writtenOnceAtStep0_itsLayerNodesAreTheLayersOfTheTags() {
    assertEquals(1, logs.graphs.size(), "one graph_def event");
    assertEquals(0, logs.graphs.get(0).step());
    GraphDefProto g = logs.graph();
    List<String> layers = new ArrayList<>();
    for (NodeDef n : g.nodes()) {
      AttrValue layer = n.attrs().get(BlockGraph.LAYER);
      if (layer != null) {
        String name = ((AttrValue.Str) layer).utf8();
        layers.add(name);
        assertEquals("SequentialBlock/" + name, n.name());
        assertTrue(logs.byTag.containsKey("weights/" + name), name + " has weights in the tags");
        assertEquals("role: grad_norm, split: train, layer: " + name + ", param: weight",
            logs.machineLine("grad_norm/" + name));
      }
    }
    assertEquals(List.of("conv2d_1", "conv2d_2", "linear_1"), layers);
    assertEquals(TAG_NAMES.values().stream().filter(p -> !p.endsWith("/bias")).sorted().toList(), layers);
    assertEquals(8 + 2, g.nodes().size(), "the 8 blocks of the network, input and output");
    NodeDef out = g.nodes().get(g.nodes().size() - 1);
    assertEquals(BlockGraph.OUTPUT, out.name());
    assertEquals(List.of("SequentialBlock/linear_1"), out.inputs());
    assertEquals(new AttrValue.ListOf(List.of(new AttrValue.Shape(TensorShape.of(BATCH, 10)))),
        out.attrs().get(BlockGraph.OUTPUT_SHAPES), "the last layer's output for the training batch");
  }

  @Test
  void everyTag_carriesItsRoleInItsMetadata() {
    for (String tag : logs.byTag.keySet()) {
      if (tag.startsWith("_hparams_")) {
        continue;
      }
      assertFalse(logs.metadata.get(tag).displayName().isEmpty(), tag);
      assertTrue(logs.machineLine(tag).startsWith("role: "), tag + ": " + logs.machineLine(tag));
    }
    assertEquals("role: grad_norm, split: train, layer: conv2d_1, param: weight", logs.machineLine("grad_norm/conv2d_1"));
    assertEquals("role: biases, layer: linear_1, param: bias", logs.machineLine("biases/linear_1"));
    assertEquals("role: update_ratio, split: train, layer: conv2d_2, param: bias",
        logs.machineLine("update_ratio/conv2d_2/bias"));
    assertEquals("role: gradients, split: train, layer: conv2d_2, param: bias", logs.machineLine("grad/conv2d_2/bias"));
    assertEquals("role: loss, split: val", logs.machineLine("val/loss"));
    assertEquals("role: accuracy, split: train", logs.machineLine("train/accuracy"));
    assertEquals("role: dead_units, layer: conv2d_2", logs.machineLine("dead_units/conv2d_2"));
    assertEquals("role: pre_activations, layer: linear_1", logs.machineLine("activations/linear_1/pre"));
    assertEquals("role: activations, layer: conv2d_1", logs.machineLine("activations/conv2d_1/post"));
    assertEquals("role: batch_fingerprint, split: train", logs.machineLine("inputs/fingerprint"));
    assertEquals("role: inputs, split: train", logs.machineLine("inputs/histogram"));
    assertEquals("validation loss", logs.metadata.get("val/loss").displayName());
    assertNotEquals(logs.metadata.get("train/loss").summaryDescription(), logs.metadata.get("val/loss").summaryDescription());
  }
}
