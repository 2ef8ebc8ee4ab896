package dev.trainscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainscopeListener#recording}: the listener logs the loss the trainer back-propagated, the
 * same values bit for bit as when it evaluates the loss again on each batch, and the loss is
 * evaluated once a step instead of twice.
 */
class RecordingLossTest {
  static final int STEPS = 12;

  /** The softmax cross-entropy, counting its evaluations. */
  static final class Counting extends SoftmaxCrossEntropyLoss {
    int evaluated;

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      evaluated++;
      return super.evaluate(labels, predictions);
    }
  }

  @TempDir
  Path dir;

  private TreeMap<Long, Double> trainLoss(Path logdir, Loss loss) throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      ArrayDataset train = Fixture.dataset(manager, 0, 64 * STEPS, true, 64, true);
      TrainscopeListener listener = TrainscopeListener.builder(logdir).learningRate(Fixture.LR)
          .skip(Logged.FEATURE_VIEWS, Logged.EMBEDDING).build();
      Fixture.train(Fixture.smallCnn(), 5, 1, train, null, new Shape(64, 1, 28, 28), loss, model -> List.of(listener));
    }
    return Logs.read(logdir).scalars("train/loss");
  }

  @Test
  void theRecordedLoss_isTheEvaluatedOne_bitForBit_evaluatedOnceAStep() throws Exception {
    Counting plain = new Counting();
    TreeMap<Long, Double> evaluatedAgain = trainLoss(dir.resolve("plain"), plain);
    Counting recorded = new Counting();
    TreeMap<Long, Double> read = trainLoss(dir.resolve("recorded"), TrainscopeListener.recording(recorded));

    assertEquals(STEPS, evaluatedAgain.size(), evaluatedAgain.toString());
    // Double.equals compares the bits: the same float32 values, step by step
    assertEquals(evaluatedAgain, read);
    assertEquals(2 * STEPS, plain.evaluated, "the trainer's evaluation and the listener's");
    assertEquals(STEPS, recorded.evaluated, "the trainer's evaluation only");
  }

  @Test
  void recording_wrapsOnce_andKeepsTheName() {
    Loss once = TrainscopeListener.recording(Loss.softmaxCrossEntropyLoss());
    assertSame(once, TrainscopeListener.recording(once));
    assertEquals(Loss.softmaxCrossEntropyLoss().getName(), once.getName());
  }
}
