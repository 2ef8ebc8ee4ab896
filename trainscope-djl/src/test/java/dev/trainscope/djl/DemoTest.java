package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import dev.trainscope.events.plugins.PluginTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void everyFault_recordsItsName_andLeavesItsSignature(Fault fault) throws Exception {
    int samples = fault == Fault.OVERFIT ? 0 : 256;
    Demo.Result r = Demo.train(Demo.Options.defaults(dir).withFault(fault).withEpochs(1).withTrainSamples(samples),
        Demo.Progress.NONE);
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
      default -> throw new AssertionError(fault);
    }
  }

  @Test
  void faults_byName() {
    assertEquals(Fault.REPEAT_BATCH, Fault.of("repeat-batch"));
    assertEquals(Fault.LR_HIGH, Fault.of("LR-High"));
    assertEquals("unknown fault 'nan'; known: none, lr-high, lr-low, no-normalize, dead-relu, vanishing, exploding,"
        + " overfit, repeat-batch, saturated", assertThrows(IllegalArgumentException.class, () -> Fault.of("nan"))
        .getMessage());
  }
}
