package dev.trainscope.diagnose;

import java.util.List;

/**
 * Labels that do not match the inputs (shuffled, misaligned, or from another file): the network
 * fits the training labels, its training loss falls, while on correctly labelled validation data it
 * stays at chance level (accuracy about 1/K for K classes) for the whole run. Overfitting looks
 * different: validation improves first and falls behind later.
 */
final class LabelsMismatch implements Rule {
  @Override
  public String id() {
    return "labels-mismatch";
  }

  @Override
  public Coverage coverage(Subject s) {
    Facts f = Facts.of(s);
    if (f.valAcc == null || f.trainLoss == null) {
      return Coverage.notChecked("needs validation accuracy and training loss");
    }
    return f.classes > 0 ? Coverage.checked("validation accuracy against the training loss")
        : Coverage.notChecked("the number of classes is unknown (no output-layer bias logged)");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    Facts f = Facts.of(s);
    Series acc = f.valAcc;
    Series train = f.trainLoss;
    if (acc == null || train == null || f.classes < 2 || acc.size() < 2 || train.nonFinite() > 0 || train.size() < 3) {
      return;
    }
    double chance = 1.0 / f.classes;
    double best = Stats.max(acc.values());
    double end = acc.values()[acc.size() - 1];
    double start = Double.isFinite(f.startLoss) ? f.startLoss : train.values()[0];
    double trainEnd = Stats.mean(train.values(), RuleSupport.tailStart(train.size(), 0.1), train.size());
    double fell = (start - trainEnd) / start;
    if (best > t.get(Threshold.LABELS_BEST_ACCURACY) * chance || end > t.get(Threshold.LABELS_END_ACCURACY) * chance
        || fell < t.get(Threshold.LABELS_TRAIN_DROP)) {
      return;
    }
    out.add(new Finding(id(), Severity.ERROR, acc.run(), List.of(acc.tag(), train.tag()), "", acc.steps()[0],
        acc.lastStep(), RuleSupport.ev("val_accuracy_best", best, "chance_accuracy", chance, "train_loss_start", start,
            "train_loss_end", trainEnd),
        "the labels probably do not match the inputs: the training loss fell " + RuleSupport.fmt(100 * fell) + "% ("
            + RuleSupport.fmt(start) + " to " + RuleSupport.fmt(trainEnd) + ") while validation accuracy stayed at chance level"
            + " for " + f.classes + " classes (best " + RuleSupport.fmt(best) + ", chance " + RuleSupport.fmt(chance) + ")",
        "check that labels are aligned with their inputs (shuffling one without the other, an off-by-one, the wrong "
            + "label file or column); look at a few training samples with their labels",
        "validation accuracy and training loss"));
  }
}
