package dev.trainscope.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener.BatchData;
import dev.trainscope.events.meaning.Role;

/** The loss and every evaluator: of each training batch, and over each validation pass. */
final class MetricsProbe extends Probe {
  private static final String TRAIN_KEY = "trainscope_train";
  private static final String VAL_KEY = "trainscope_val";

  MetricsProbe() {
    super("metrics", Logged.METRICS, Cadence.SCALARS);
  }

  @Override
  void begin(Context c) {
    for (Evaluator e : c.evaluators) {
      e.addAccumulator(TRAIN_KEY);
      e.addAccumulator(VAL_KEY);
    }
    for (Evaluator e : c.evaluators) {
      describe(c, e, false);
      describe(c, e, true);
    }
  }

  @Override
  void step(Context c, Step s) {
    BatchData b = s.batch;
    for (Evaluator e : c.evaluators) {
      if (e instanceof RecordingLoss r) {
        // the value the trainer back-propagated, as the loss's accumulator would compute it again
        // for a batch on one device (its sum, once): one read instead of a forward of the loss
        NDArray v = r.take();
        if (v != null && b.getLabels().size() == 1 && v.getShape().isScalar()) {
          c.log.scalar(c.metricTag(e, false), v.getFloat(), s.step);
          continue;
        }
      }
      e.resetAccumulator(TRAIN_KEY);
      for (Device d : b.getLabels().keySet()) {
        e.updateAccumulator(TRAIN_KEY, b.getLabels().get(d), b.getPredictions().get(d));
      }
      c.log.scalar(c.metricTag(e, false), e.getAccumulator(TRAIN_KEY), s.step);
    }
  }

  @Override
  void validationBatch(Context c, BatchData b, int index, NDManager scope) {
    for (Evaluator e : c.evaluators) {
      for (Device d : b.getLabels().keySet()) {
        e.updateAccumulator(VAL_KEY, b.getLabels().get(d), b.getPredictions().get(d));
      }
    }
  }

  @Override
  void epoch(Context c, int validationBatches, NDManager scope) {
    if (validationBatches > 0) {
      for (Evaluator e : c.evaluators) {
        c.log.scalar(c.metricTag(e, true), e.getAccumulator(VAL_KEY), c.steps);
      }
    }
    for (Evaluator e : c.evaluators) {
      e.resetAccumulator(VAL_KEY);
    }
  }

  private static void describe(Context c, Evaluator e, boolean validation) {
    boolean isLoss = e == c.loss;
    String split = validation ? "val" : "train";
    String what = isLoss ? "loss (" + e.getName() + ")" : e.getName();
    String sentence = validation
        ? "The " + what + " over the validation set, after each epoch."
        : "The " + what + " of each training batch, as the optimizer saw it.";
    String display = (validation ? "validation " : "training ") + (isLoss ? "loss" : e.getName());
    Role role = isLoss ? Role.LOSS
        : TagNames.metricName(e.getName()).contains("accuracy") ? Role.ACCURACY : Role.METRIC;
    c.describe(c.metricTag(e, validation), display, sentence, role, split, null, null);
  }
}
