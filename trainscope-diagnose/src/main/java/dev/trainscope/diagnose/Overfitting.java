package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;

import java.util.List;

/**
 * Overfitting: validation loss rising from its minimum while training loss keeps falling, or a
 * validation accuracy below training accuracy by a gap that grows (AUTOTRAINER's test gap: 0.1
 * while training accuracy is at most 0.9, 0.07 above). Reports the step where it began.
 */
final class Overfitting implements Rule {
  @Override
  public String id() {
    return "overfitting";
  }

  @Override
  public Coverage coverage(Subject s) {
    Facts f = Facts.of(s);
    if (f.valLoss != null && f.trainLoss != null) {
      return Coverage.checked("training and validation loss");
    }
    return f.valAcc != null && f.trainAcc != null ? Coverage.checked("training and validation accuracy")
        : Coverage.notChecked("no validation loss or accuracy beside the training one");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    if (byLoss(s, t, out)) {
      return;
    }
    byAccuracy(s, t, out);
  }

  private boolean byLoss(Subject s, Thresholds t, List<Finding> out) {
    Facts f = Facts.of(s);
    // held against the validation loss on the same axis: per epoch when that is logged (Keras
    // counts epochs, not batches, on the x axis of its epoch_* tags)
    Series v = f.valLoss;
    Series tr = f.trainEpochLoss != null && sameAxis(f.trainEpochLoss, v) ? f.trainEpochLoss : f.trainLoss;
    if (v == null || tr == null || !sameAxis(tr, v)) {
      return false;
    }
    if (v.size() < 4 || tr.size() < 4 || v.nonFinite() > 0) {
      return false;
    }
    double[] sv = Stats.ema(v.values(), v.size() >= 20 ? 0.6 : 0.3);
    int best = Stats.argMin(sv);
    double min = sv[best];
    double end = sv[sv.length - 1];
    int risingPoints = sv.length - 1 - best;
    if (min <= 0 || risingPoints < 3 || (end - min) / min < t.get(Threshold.OVERFIT_RISE)) {
      return false;
    }
    // training loss still falling after the validation minimum
    double trainAtBest = RuleSupport.valueNear(tr, v.steps()[best]);
    double trainEnd = Stats.mean(tr.values(), RuleSupport.tailStart(tr.size(), 0.1), tr.size());
    if (!(trainEnd < trainAtBest)) {
      return false;
    }
    out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag(), tr.tag()), "", v.steps()[best], v.lastStep(),
        RuleSupport.ev("val_loss_min", min, "val_loss_end", end, "rise", (end - min) / min, "train_loss_at_min", trainAtBest,
            "train_loss_end", trainEnd),
        "overfitting from step " + v.steps()[best] + ": validation loss rose " + RuleSupport.fmt(100 * (end - min) / min)
            + "% above its minimum while training loss kept falling",
        "stop earlier (early stopping at step " + v.steps()[best] + "), add regularisation (weight decay, dropout), "
            + "augment the data or get more of it"));
    return true;
  }

  private void byAccuracy(Subject s, Thresholds t, List<Finding> out) {
    Series v = Facts.of(s).valAcc;
    Series tr = Facts.of(s).trainAcc;
    if (v == null || tr == null || !sameAxis(tr, v)) {
      return;
    }
    if (v.size() < 3 || tr.size() < 3) {
      return;
    }
    double trainEnd = Stats.mean(tr.values(), RuleSupport.tailStart(tr.size(), 0.1), tr.size());
    double valEnd = Stats.mean(v.values(), RuleSupport.tailStart(v.size(), 0.1), v.size());
    double gap = trainEnd - valEnd;
    double bound = trainEnd <= Limit.OVERFIT_HIGH_ACCURACY.value() ? t.get(Threshold.OVERFIT_GAP_LOW) : t.get(Threshold.OVERFIT_GAP_HIGH);
    // grown since the first validation (a gap that opened early and then held is still overfitting)
    double gapEarly = RuleSupport.valueNear(tr, v.steps()[0]) - v.values()[0];
    if (gap >= bound && gap > gapEarly) {
      int onset = 0;
      for (int i = 0; i < v.size(); i++) {
        if (RuleSupport.valueNear(tr, v.steps()[i]) - v.values()[i] >= bound / 2) {
          onset = i;
          break;
        }
      }
      out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag(), tr.tag()), "", v.steps()[onset],
          v.lastStep(), RuleSupport.ev("train_accuracy", trainEnd, "val_accuracy", valEnd, "gap", gap, "gap_bound", bound),
          "overfitting: validation accuracy " + RuleSupport.fmt(valEnd) + " is " + RuleSupport.fmt(gap)
              + " below training accuracy " + RuleSupport.fmt(trainEnd) + ", a gap that grew during training",
          "add regularisation (weight decay, dropout), augment the data or get more of it, or stop earlier"));
    }
  }

  /**
   * True when the two series count steps the same way: their step ranges overlap by at least half
   * of the shorter one (Keras counts epochs on its epoch_* tags and batches on its batch_* tags).
   */
  static boolean sameAxis(Series a, Series b) {
    if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
      return false;
    }
    long lo = Math.max(a.steps()[0], b.steps()[0]);
    long hi = Math.min(a.lastStep(), b.lastStep());
    long shorter = Math.min(a.lastStep() - a.steps()[0], b.lastStep() - b.steps()[0]);
    return hi >= lo && (hi - lo) * 2 >= shorter;
  }

  /**
   * The validation tag to hold against a training one: of the same name when there is one (Keras
   * writes epoch_accuracy in a train and a validation run, beside per-iteration evaluation tags on
   * other steps), else the first validation tag of the role.
   */
  static TagRole validationOf(Subject s, Role role, TagRole train) {
    if (train != null) {
      for (TagRole t : s.withRole(role)) {
        if (t.split() == Split.VALIDATION && t.tag().equals(train.tag())) {
          return t;
        }
      }
    }
    return s.first(role, Split.VALIDATION);
  }

}
