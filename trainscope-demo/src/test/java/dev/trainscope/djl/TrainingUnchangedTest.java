package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener does not change training: the demo's CNN (with dropout, so PyTorch's random numbers
 * matter too) trained with the same seed, with the listener logging everything at every step (and
 * the feature views after each validation pass) and without it, ends with bit-identical weights.
 */
class TrainingUnchangedTest {
  static NDManager manager;
  static ArrayDataset train;
  static ArrayDataset val;
  static Fixture.Trained without;

  @TempDir
  Path dir;

  @BeforeAll
  static void baseline() throws Exception {
    manager = NDManager.newBaseManager();
    train = Fixture.dataset(manager, 0, 640, true, 64, true);
    val = Fixture.dataset(manager, Mnist.TRAIN_COUNT, Mnist.TRAIN_COUNT + 128, true, 64, false);
    without = run(model -> List.of());
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Fixture.Trained run(java.util.function.Function<ai.djl.Model, List<TrainingListener>> listeners)
      throws Exception {
    return Fixture.train(Demo.cnn(0.25f, 0f), 42, 2, train, val, new Shape(64, 1, 28, 28), listeners);
  }

  @Test
  void withTheListenerLoggingEverythingEveryStep_theWeightsAreBitIdentical() throws Exception {
    Fixture.Trained with = run(model -> List.of(TrainscopeListener.builder(dir)
        .histogramsEvery(1).imagesEvery(1).featureViewsBudget(1).learningRate(Fixture.LR).build()));
    Logs logs = Logs.read(dir);
    assertEquals(20, logs.histograms("activations/conv2d_1/post").size(), "every one of the 20 steps probed");
    assertEquals(20, logs.texts("predictions").size());
    assertEquals(1, logs.graphs.size(), "the graph too, once");
    assertEquals(2, logs.images("features/conv2d_2/7/guided").size(), "the feature views after each of the 2 epochs");
    assertSameWeights(without.parameters(), with.parameters());
  }

  @Test
  void control_aListenerThatDrawsOneRandomNumber_changesTheWeights() throws Exception {
    // Shows the comparison above can fail: one draw from PyTorch's generator shifts every dropout mask after it.
    TrainingListener drawer = new TrainingListenerAdapter() {
      @Override
      public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        try (NDManager m = trainer.getManager().newSubManager()) {
          m.randomUniform(0, 1, new Shape(1));
        }
      }
    };
    Fixture.Trained disturbed = run(model -> List.of(drawer));
    boolean differs = false;
    for (Map.Entry<String, float[]> e : without.parameters().entrySet()) {
      differs |= !Arrays.equals(e.getValue(), disturbed.parameters().get(e.getKey()));
    }
    assertTrue(differs, "one random draw per step must show in the weights");
  }

  @Test
  void control_theSameSeedTwiceWithoutTheListener_isBitIdentical() throws Exception {
    assertSameWeights(without.parameters(), run(model -> List.of()).parameters());
  }

  private static void assertSameWeights(Map<String, float[]> expected, Map<String, float[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    assertFalse(expected.isEmpty());
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      float[] a = actual.get(e.getKey());
      assertEquals(e.getValue().length, a.length);
      int[] ea = new int[a.length];
      int[] aa = new int[a.length];
      for (int i = 0; i < a.length; i++) {
        ea[i] = Float.floatToRawIntBits(e.getValue()[i]);
        aa[i] = Float.floatToRawIntBits(a[i]);
      }
      assertArrayEquals(ea, aa, e.getKey() + " differs");
    }
  }
}
