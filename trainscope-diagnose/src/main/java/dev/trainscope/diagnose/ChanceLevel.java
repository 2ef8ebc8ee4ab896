package dev.trainscope.diagnose;

import java.util.List;

/**
 * A classifier at chance level: accuracy about 1/K for K classes, or, where accuracy is not logged,
 * a loss at ln K, what cross-entropy gives for uniform predictions. Not a cause by itself but the
 * state a broken training ends in (dead units, a blow-up, vanishing gradients, labels that do not
 * match): the verdict ties it to its cause.
 */
final class ChanceLevel implements Rule {
  @Override
  public String id() {
    return "chance-level";
  }

  @Override
  public Coverage coverage(Subject s) {
    Facts f = Facts.of(s);
    if (f.classes < 2) {
      return Coverage.notChecked("the number of classes is unknown (no output-layer bias logged)");
    }
    return f.valAcc != null || f.valLoss != null || f.trainLoss != null ? Coverage.checked("accuracy and loss against "
        + f.classes + " classes") : Coverage.notChecked("no loss or accuracy logged");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    Facts f = Facts.of(s);
    if (f.classes < 2) {
      return;
    }
    double chanceAcc = 1.0 / f.classes;
    double chanceLoss = f.chanceLoss();
    Series acc = f.valAcc != null ? f.valAcc : f.trainAcc;
    Series loss = f.valLoss != null ? f.valLoss : f.trainEpochLoss != null ? f.trainEpochLoss : f.trainLoss;
    double accEnd = acc == null ? Double.NaN : Stats.mean(acc.values(), RuleSupport.tailStart(acc.size(), 0.3), acc.size());
    double lossEnd = loss == null || loss.nonFinite() > 0 ? Double.NaN
        : Stats.mean(loss.values(), RuleSupport.tailStart(loss.size(), 0.3), loss.size());
    boolean byAcc = Double.isFinite(accEnd) && accEnd <= t.get(Threshold.CHANCE_ACCURACY) * chanceAcc;
    boolean byLoss = Double.isFinite(lossEnd) && Math.abs(lossEnd - chanceLoss) <= t.get(Threshold.CHANCE_LOSS) * chanceLoss;
    if (!(acc != null ? byAcc : byLoss)) {
      return;
    }
    Series shown = acc != null ? acc : loss;
    String what = (acc != null ? "accuracy " + RuleSupport.fmt(accEnd) + " (1/" + f.classes + " = " + RuleSupport.fmt(chanceAcc) + ")"
        : "") + (byLoss ? (acc != null ? ", " : "") + "loss " + RuleSupport.fmt(lossEnd) + " (ln " + f.classes + " = "
            + RuleSupport.fmt(chanceLoss) + ")" : "");
    out.add(new Finding(id(), Severity.WARNING, shown.run(), loss != null && byLoss && acc != null
        ? List.of(acc.tag(), loss.tag()) : List.of(shown.tag()), "", shown.steps()[RuleSupport.tailStart(shown.size(), 0.3)],
        shown.lastStep(), RuleSupport.ev("classes", f.classes, "accuracy", Double.isNaN(accEnd) ? -1 : accEnd, "loss",
            Double.isNaN(lossEnd) ? -1 : lossEnd),
        "the network is at chance level for " + f.classes + " classes: " + what + " at the end",
        "a network that predicts no better than guessing has learnt nothing: look for the cause (see the other findings)",
        acc != null ? "accuracy" + (byLoss ? " and loss" : "") : "loss"));
  }
}
