package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import dev.trainscope.events.plugins.PluginTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The demo trainer, on a few steps: what each run records, and the signature each fault leaves. */
class DemoTest {
  @TempDir
  Path dir;

  @Test
  void defaultRun_onePass_learnsAndLogsEverything() throws Exception {
    List<String> events = new ArrayList<>();
    Demo.Result r = Demo.train(Demo.Options.defaults(dir).withEpochs(1).withTrainSamples(640), new Demo.Progress() {
      @Override
      public void started(int epochs, int stepsPerEpoch) {
        events.add("started " + epochs + " x " + stepsPerEpoch);
      }

      @Override
      public void step(int epoch, int stepInEpoch, long step) {
        events.add(epoch + "." + stepInEpoch + "=" + step);
      }

      @Override
      public void epochDone(int epoch, double valAccuracy, double valLoss) {
        events.add("epoch " + epoch);
      }
    });
    assertEquals(List.of("started 1 x 10", "1.1=0", "1.2=1", "1.3=2", "1.4=3", "1.5=4", "1.6=5", "1.7=6", "1.8=7",
        "1.9=8", "1.10=9", "epoch 1"), events);
    assertEquals(10, r.steps());
    // chance is 0.1; the first convolution starts from small weights (Demo.CONV1_INIT_SIGMA), so 10 steps reach ~0.5
    assertTrue(r.valAccuracy() > 0.3, "10 steps of Adam learn something: " + r.valAccuracy());
    Logs logs = Logs.read(dir);
    assertEquals(r.valAccuracy(), logs.scalars("val/accuracy").get(10L), 1e-6);
    Map<String, Object> hp = logs.hparams();
    assertEquals("none", hp.get("fault"));
    assertEquals(1.0, hp.get("seed"));
    assertEquals(640.0, hp.get("train_samples"));
    assertEquals(true, hp.get("normalize"));
    for (String tag : List.of("train/loss", "train/accuracy", "train/lr", "train/steps_per_sec", "val/loss",
        "grad_norm/conv2d_1", "grad/conv2d_2/bias", "weights/linear_1", "biases/conv2d_1", "update_ratio/linear_1",
        "grad_zero_fraction/conv2d_2", "activations/conv2d_1/pre", "activations/conv2d_2/post", "dead_units/conv2d_2",
        "activation_mean/linear_1", "activation_std/conv2d_1", "inputs/train", "inputs/val", "inputs/histogram",
        "inputs/fingerprint", "predictions", "filters/conv2d_1", "feature_maps/conv2d_1", "feature_maps/conv2d_2",
        "features/conv2d_1/0/top9", "features/conv2d_1/7/deconv", "features/conv2d_2/0/guided",
        "features/conv2d_2/7/ranking")) {
      assertTrue(logs.byTag.containsKey(tag), tag + " missing; have " + logs.byTag.keySet());
    }
  }

  @Test
  void skip_leavesThemOut_andProgressSeesTheNetworkBeforeAndAfterTraining() throws Exception {
    List<float[]> conv1 = new ArrayList<>();
    Demo.Progress seen = new Demo.Progress() {
      @Override
      public void initialized(Block network) {
        conv1.add(Network.of(network).firstConv2d().params.get(0).parameter().getArray().toFloatArray());
      }

      @Override
      public void trained(Block network) {
        initialized(network);
      }
    };
    Demo.train(Demo.Options.defaults(dir).withEpochs(1).withTrainSamples(128)
        .withSkip(Set.of(Logged.FEATURE_VIEWS, Logged.GRAPH)), seen);
    Logs logs = Logs.read(dir);
    assertTrue(logs.byTag.containsKey("feature_maps/conv2d_1"));
    assertFalse(logs.byTag.keySet().stream().anyMatch(t -> t.startsWith("features/")), logs.byTag.keySet().toString());
    assertEquals(0, logs.graphs.size());
    assertEquals(2, conv1.size());
    assertEquals(16 * 25, conv1.get(0).length);
    assertFalse(Arrays.equals(conv1.get(0), conv1.get(1)), "two steps of Adam moved the filters");
  }

  @Test
  void withoutALogdir_trainsWithoutTheListener() throws Exception {
    Demo.Result r = Demo.train(Demo.Options.defaults(null).withEpochs(1).withTrainSamples(128), Demo.Progress.NONE);
    assertEquals(2, r.steps());
    assertTrue(r.trainSeconds() > 0);
  }

  /** Faults whose signature takes epochs to show: each has its own test below. */
  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"NONE", "SHUFFLED_LABELS", "UNSHUFFLED"}, mode = EnumSource.Mode.EXCLUDE)
  void everyFault_recordsItsName_andLeavesItsSignature(Fault fault) throws Exception {
    int samples = fault == Fault.OVERFIT ? 0 : 256;
    List<float[]> trained = new ArrayList<>(); // the first two layers' weights after training
    Demo.Result r = Demo.train(Demo.Options.defaults(dir).withFault(fault).withEpochs(1).withTrainSamples(samples),
        new Demo.Progress() {
          @Override
          public void trained(Block network) {
            for (Network.Layer l : Network.of(network).layers.subList(0, 2)) {
              trained.add(l.params.get(0).parameter().getArray().toFloatArray());
            }
          }
        });
    Logs logs = Logs.read(dir);
    assertEquals(fault.id(), logs.hparams().get("fault"));
    assertEquals(4, r.steps(), "256 samples, batches of 64");
    switch (fault) {
      case LR_HIGH -> assertEquals(0.05f, logs.scalars("train/lr").get(0L).floatValue());
      case LR_LOW -> assertEquals(1e-7f, logs.scalars("train/lr").get(0L).floatValue());
      case NO_NORMALIZE -> {
        PluginTensors.Buckets in = logs.histograms("inputs/histogram").get(0L);
        assertEquals(0.0, in.left()[0]);
        assertEquals(255.0, in.right()[in.right().length - 1]);
      }
      case DEAD_RELU -> {
        assertTrue(logs.scalars("dead_units/conv2d_1").get(0L) >= 0.9, logs.scalars("dead_units/conv2d_1").toString());
        assertTrue(logs.scalars("dead_units/conv2d_2").get(0L) >= 0.9, logs.scalars("dead_units/conv2d_2").toString());
      }
      case VANISHING -> {
        double first = logs.scalars("grad_norm/linear_1").get(0L);
        double last = logs.scalars("grad_norm/linear_11").get(0L);
        assertTrue(first * 1000 < last, "vanishing: first layer " + first + ", last " + last);
      }
      case EXPLODING -> {
        double first = logs.scalars("grad_norm/linear_1").get(0L);
        assertTrue(first > 1e4 || Double.isNaN(first), "exploding: " + first);
      }
      case OVERFIT -> assertEquals(256.0, logs.hparams().get("train_samples"));
      case REPEAT_BATCH -> {
        TreeMap<Long, Double> f = logs.scalars("inputs/fingerprint");
        assertEquals(4, f.size());
        assertEquals(1, f.values().stream().distinct().count(), "the same batch every step: " + f);
      }
      case SATURATED -> {
        PluginTensors.Buckets post = logs.histograms("activations/linear_1/post").get(0L);
        double saturated = 0;
        for (int i = 0; i < post.count().length; i++) {
          if (post.left()[i] >= 0.9 || post.right()[i] <= -0.9) {
            saturated += post.count()[i];
          }
        }
        assertTrue(saturated / Logs.total(post) > 0.5, "saturated tanh: " + saturated / Logs.total(post));
      }
      case ZERO_INIT -> {
        // every logit 0: the loss is ln 10 whatever the labels, and no gradient reaches the hidden layers
        assertEquals(Math.log(10), logs.scalars("train/loss").get(0L), 1e-5);
        assertEquals(0.0, logs.scalars("grad_norm/linear_1").get(0L));
        assertEquals(0.0, logs.scalars("grad_norm/linear_2").get(0L));
        assertTrue(logs.scalars("grad_norm/linear_3").get(0L) > 0);
        // then the units of a layer get the same updates: the second hidden layer's weights move as one value
        PluginTensors.Buckets w = logs.histograms("weights/linear_2").lastEntry().getValue();
        double[] range = range(w);
        assertTrue(range[0] != 0 && range[1] - range[0] <= 1e-6 * Math.abs(range[0]), "one spike that moved: "
            + Arrays.toString(range));
        // and the first hidden layer's 128 units stay copies of one another: all its rows alike
        float[] w1 = trained.get(0);
        assertEquals(128 * 784, w1.length);
        double largest = 0;
        double apart = 0;
        for (int i = 0; i < w1.length; i++) {
          largest = Math.max(largest, Math.abs(w1[i]));
          apart = Math.max(apart, Math.abs(w1[i] - w1[i % 784]));
        }
        assertTrue(largest > 0 && apart <= 1e-6 * largest, "rows alike: largest " + largest + ", apart " + apart);
      }
      default -> throw new AssertionError(fault);
    }
  }

  /** The smallest left and largest right edge of a histogram's non-empty buckets. */
  private static double[] range(PluginTensors.Buckets b) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < b.size(); i++) {
      if (b.count()[i] > 0) {
        lo = Math.min(lo, b.left()[i]);
        hi = Math.max(hi, b.right()[i]);
      }
    }
    return new double[] {lo, hi};
  }

  @Test
  void shuffledLabels_theNetworkMemorisesThem_validationStaysAtChance() throws Exception {
    Demo.train(Demo.Options.defaults(dir).withFault(Fault.SHUFFLED_LABELS).withEpochs(8).withTrainSamples(256),
        Demo.Progress.NONE);
    Logs logs = Logs.read(dir);
    assertEquals("shuffled-labels", logs.hparams().get("fault"));
    TreeMap<Long, Double> loss = logs.scalars("train/loss");
    TreeMap<Long, Double> accuracy = logs.scalars("train/accuracy");
    double firstLoss = mean(loss, 0, 4);
    double lastLoss = mean(loss, 28, 32);
    double lastAccuracy = mean(accuracy, 28, 32);
    assertTrue(mean(accuracy, 0, 4) < 0.3 && lastAccuracy > 0.8, "the random labels learnt by heart: "
        + mean(accuracy, 0, 4) + " -> " + lastAccuracy);
    assertTrue(lastLoss < 0.5 * firstLoss, "training loss " + firstLoss + " -> " + lastLoss);
    Collection<Double> valAccuracy = logs.scalars("val/accuracy").values();
    assertEquals(8, valAccuracy.size());
    // chance is 0.1; on 2,000 digits a model that learnt nothing of the digits stays well below 0.2
    assertTrue(valAccuracy.stream().allMatch(a -> a < 0.2), "validation accuracy at chance: " + valAccuracy);
    TreeMap<Long, Double> valLoss = logs.scalars("val/loss");
    double lowest = valLoss.values().stream().mapToDouble(d -> d).min().orElseThrow();
    assertTrue(valLoss.lastEntry().getValue() > lowest + 0.5, "validation loss rises: " + valLoss);
  }

  @Test
  void unshuffled_sameOrderEveryEpoch_sawToothLoss_highOnTheStreamPoorOnValidation() throws Exception {
    int samples = 2560; // about 4 batches of each digit
    Demo.train(Demo.Options.defaults(dir).withFault(Fault.UNSHUFFLED).withEpochs(2).withTrainSamples(samples),
        Demo.Progress.NONE);
    Logs logs = Logs.read(dir);
    assertEquals("unshuffled", logs.hparams().get("fault"));
    TreeMap<Long, Double> fingerprints = logs.scalars("inputs/fingerprint");
    assertEquals(80, fingerprints.size());
    assertEquals(List.copyOf(fingerprints.subMap(0L, 40L).values()),
        List.copyOf(fingerprints.subMap(40L, 80L).values()),
        "never reshuffled: the second epoch's batches are the first's, in order");
    assertEquals(40, fingerprints.values().stream().distinct().count());
    // the batches that bring a digit the one before did not have: where the sorted labels change
    int[] perDigit = new int[10];
    for (int i = 0; i < samples; i++) {
      perDigit[Fixture.MNIST.label(i)]++;
    }
    Set<Integer> newDigit = new TreeSet<>();
    int boundary = 0;
    for (int d = 0; d < 9; d++) {
      boundary += perDigit[d]; // the first sample of digit d + 1
      newDigit.add(boundary / 64); // the batch that holds it
    }
    TreeMap<Long, Double> loss = logs.scalars("train/loss");
    double atChange = 0;
    double within = 0;
    double lowest = Double.POSITIVE_INFINITY;
    double highest = 0;
    for (int b = 0; b < 40; b++) {
      double l = loss.get(40L + b);
      if (newDigit.contains(b)) {
        atChange += l / newDigit.size();
      } else {
        within += l / (40 - newDigit.size());
      }
      lowest = Math.min(lowest, l);
      highest = Math.max(highest, l);
    }
    assertTrue(atChange > 3 * within, "the loss jumps where the digit changes: " + atChange + " there, " + within
        + " elsewhere");
    assertTrue(highest > 30 * lowest, "a saw-tooth: " + lowest + " to " + highest + " in the second epoch");
    double stream = mean(logs.scalars("train/accuracy"), 40, 80);
    double val = logs.scalars("val/accuracy").lastEntry().getValue();
    assertTrue(val < 0.5 && stream > val + 0.25, "accuracy " + stream + " on the stream, " + val + " on validation");
  }

  /** The mean of a series over the steps {@code [from, to)}. */
  private static double mean(TreeMap<Long, Double> series, long from, long to) {
    return series.subMap(from, to).values().stream().mapToDouble(d -> d).average().orElseThrow();
  }

  @Test
  void feed_permutedLabels_moveTheLabelsAmongTheDigits_bySeed() {
    Mnist train = Fixture.MNIST.slice(0, 1000);
    byte[] before = train.labels().clone();
    Mnist fed = Demo.Feed.PERMUTED_LABELS.apply(train, 64, 7);
    assertArrayEquals(train.pixels(), fed.pixels(), "the digits stay, in order");
    assertArrayEquals(perDigit(train), perDigit(fed), "the same labels, moved about");
    int kept = 0;
    for (int i = 0; i < fed.count(); i++) {
      kept += fed.label(i) == train.label(i) ? 1 : 0;
    }
    // a random permutation leaves a label right with probability sum_c p_c^2, about 0.1 for ten balanced digits
    assertTrue(kept > 60 && kept < 150, "labels left right: " + kept);
    assertArrayEquals(fed.labels(), Demo.Feed.PERMUTED_LABELS.apply(train, 64, 7).labels(), "a seed fixes it");
    assertFalse(Arrays.equals(fed.labels(), Demo.Feed.PERMUTED_LABELS.apply(train, 64, 8).labels()));
    assertArrayEquals(before, train.labels(), "the original is left alone");
  }

  @Test
  void feed_sorted_allTheZerosInTheirOrderThenTheOnes() {
    Mnist train = Fixture.MNIST.slice(0, 500);
    Mnist fed = Demo.Feed.SORTED.apply(train, 64, 1);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < train.count(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt(train::label)); // List.sort is stable
    assertEquals(train.count(), fed.count());
    for (int i = 0; i < fed.count(); i++) {
      assertDigit(train, order.get(i), fed, i);
    }
  }

  @Test
  void feed_repeatBatch_theFirstBatchAsOftenAsTheSetHasWholeBatches() {
    Mnist train = Fixture.MNIST.slice(0, 200);
    Mnist fed = Demo.Feed.REPEAT_BATCH.apply(train, 64, 1);
    assertEquals(3 * 64, fed.count());
    for (int i = 0; i < fed.count(); i++) {
      assertDigit(train, i % 64, fed, i);
    }
    Mnist small = Demo.Feed.REPEAT_BATCH.apply(train.slice(0, 10), 64, 1);
    assertArrayEquals(train.slice(0, 10).pixels(), small.pixels(), "fewer digits than a batch: all of them once");
    assertSame(train, Demo.Feed.SHUFFLED.apply(train, 64, 1));
  }

  private static int[] perDigit(Mnist m) {
    int[] n = new int[10];
    for (int i = 0; i < m.count(); i++) {
      n[m.label(i)]++;
    }
    return n;
  }

  /** Digit {@code j} of {@code fed} is digit {@code i} of {@code m}, pixels and label. */
  private static void assertDigit(Mnist m, int i, Mnist fed, int j) {
    assertEquals(m.label(i), fed.label(j), "label of " + j);
    assertArrayEquals(m.slice(i, i + 1).pixels(), fed.slice(j, j + 1).pixels(), "pixels of " + j);
  }

  @Test
  void faults_byName() {
    assertEquals(Fault.REPEAT_BATCH, Fault.of("repeat-batch"));
    assertEquals(Fault.LR_HIGH, Fault.of("LR-High"));
    assertEquals("unknown fault 'nan'; known: none, lr-high, lr-low, no-normalize, dead-relu, vanishing, exploding,"
        + " overfit, repeat-batch, saturated, shuffled-labels, unshuffled, zero-init",
        assertThrows(IllegalArgumentException.class, () -> Fault.of("nan"))
        .getMessage());
  }
}
