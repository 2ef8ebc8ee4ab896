package dev.trainscope.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainscope.events.plugins.PluginNames;
import dev.trainscope.events.plugins.PluginTensors;
import dev.trainscope.events.plugins.PrCurvePluginData;
import dev.trainscope.events.proto.DataType;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.TensorProto;
import dev.trainscope.events.proto.TensorShape;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrCurveTest {
  @TempDir
  Path dir;

  /**
   * Thresholds 0, 0.5, 1. Buckets floor(p * 2): 0.9 -> 1 (T), 0.8 -> 1 (F), 0.3 -> 0 (T), 0.1 -> 0 (F).
   * TP = [2, 1, 0], FP = [2, 1, 0], TN = FP[0] - FP = [0, 1, 2], FN = [0, 1, 2],
   * precision = TP / max(1e-7, TP + FP) = [0.5, 0.5, 0], recall = TP / max(1e-7, TP + FN) = [1, 0.5, 0].
   */
  @Test
  void prCurve_smallExample_matchesHandComputation() {
    boolean[] labels = {true, false, true, false};
    float[] predictions = {0.9f, 0.8f, 0.3f, 0.1f};
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      w.prCurve("pr", labels, predictions, 3, 10);
    }
    Read.Value v = Read.values(Read.onlyEventFile(dir), "pr").get(0);
    TensorProto t = (TensorProto) v.value().value();
    assertEquals(DataType.DT_FLOAT, t.dataType());
    assertEquals(TensorShape.of(6, 3), t.shape());
    PluginTensors.PrCurve c = PluginTensors.prCurve(t);
    assertArrayEquals(new double[] {2, 1, 0}, c.truePositives());
    assertArrayEquals(new double[] {2, 1, 0}, c.falsePositives());
    assertArrayEquals(new double[] {0, 1, 2}, c.trueNegatives());
    assertArrayEquals(new double[] {0, 1, 2}, c.falseNegatives());
    assertArrayEquals(new double[] {0.5, 0.5, 0}, c.precision());
    assertArrayEquals(new double[] {1, 0.5, 0}, c.recall());
    SummaryMetadata md = v.value().metadata();
    assertEquals(PluginNames.PR_CURVES, md.pluginName());
    assertEquals(new PrCurvePluginData(0, 3), PrCurvePluginData.parse(md.pluginData().content()));
    assertEquals(10, v.step());
  }

  /** A prediction of exactly 1 counts at the last threshold; all-negative labels give zero precision, not NaN. */
  @Test
  void prCurve_edgePredictionsAndNoPositives() {
    float[] out = PrCurves.compute(new boolean[] {false, false}, new float[] {1f, 0f}, 2);
    // TP = [0, 0], FP = [2, 1], TN = [0, 1], FN = [0, 0], precision = [0, 0], recall = 0 / 1e-7 = [0, 0]
    assertArrayEquals(new float[] {0, 0, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0}, out);
  }

  /** Against a direct count of C(t) = (p >= threshold) for random data, away from threshold edges. */
  @Test
  void prCurve_randomData_equalsCountingAtEachThreshold() {
    Random r = new Random(17);
    int n = 2000;
    int t = 11;
    boolean[] labels = new boolean[n];
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextBoolean();
      p[i] = (float) ((r.nextInt(1000) + 0.5) / 1000.0); // never exactly on a threshold i / 10
    }
    float[] out = PrCurves.compute(labels, p, t);
    for (int k = 0; k < t; k++) {
      double threshold = k / 10.0;
      int tp = 0;
      int fp = 0;
      int positives = 0;
      int negatives = 0;
      for (int i = 0; i < n; i++) {
        positives += labels[i] ? 1 : 0;
        negatives += labels[i] ? 0 : 1;
        if (p[i] >= threshold) {
          tp += labels[i] ? 1 : 0;
          fp += labels[i] ? 0 : 1;
        }
      }
      assertEquals(tp, out[k], "tp at " + k);
      assertEquals(fp, out[t + k], "fp at " + k);
      assertEquals(negatives - fp, out[2 * t + k], "tn at " + k);
      assertEquals(positives - tp, out[3 * t + k], "fn at " + k);
      assertEquals((float) (tp / Math.max(1e-7, tp + fp)), out[4 * t + k], "precision at " + k);
      assertEquals((float) (tp / (double) positives), out[5 * t + k], "recall at " + k);
    }
  }

  @Test
  void prCurve_badArguments_throwNamingThem() {
    try (SummaryWriter w = SummaryWriter.create(dir)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> w.prCurve("pr", new boolean[] {true}, new float[] {0.5f}, 1, 0));
      assertEquals("numThresholds must be in [2, 1048576], was 1", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.prCurve("pr", new boolean[] {true, false}, new float[] {0.5f}, 3, 0));
      assertEquals("labels and predictions must have the same length, were 2 and 1", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.prCurve("pr", new boolean[] {true, false}, new float[] {0.5f, 1.5f}, 3, 0));
      assertEquals("predictions[1] must be in [0, 1], was 1.5", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> w.prCurve("pr", new boolean[] {true}, new float[] {Float.NaN}, 3, 0));
      assertEquals("predictions[0] must be in [0, 1], was NaN", e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> w.prCurve("pr", new boolean[0], new float[0], 3, 0));
      assertEquals("labels must not be empty, was boolean[0]", e.getMessage());
      w.prCurve("pr", new boolean[] {true}, new float[] {0.5f}, 3, 1);
      e = assertThrows(IllegalArgumentException.class,
          () -> w.prCurve("pr", new boolean[] {true}, new float[] {0.5f}, 5, 2));
      assertEquals("numThresholds must stay 3 for tag 'pr' (its first curve had 3), was 5", e.getMessage());
      w.prCurve("pr", new boolean[] {false}, new float[] {0.25f}, 3, 3);
    }
    List<Read.Value> vs = Read.values(Read.onlyEventFile(dir), "pr");
    assertEquals(2, vs.size());
    assertNull(vs.get(1).value().metadata());
  }
}
