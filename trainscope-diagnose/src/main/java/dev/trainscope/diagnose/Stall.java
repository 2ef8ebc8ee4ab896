package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;

import java.util.List;

/**
 * Slow or stalled training: the training loss barely improves from its first tenth to its last,
 * or accuracy never rises by more than AUTOTRAINER's delta (0.01) at once and stays low. A
 * learning rate too low, or a bug (labels not matching inputs, a frozen network).
 */
final class Stall implements Rule {
  @Override
  public String id() {
    return "stalled";
  }

  @Override
  public Coverage coverage(Subject s) {
    return Facts.of(s).trainLoss == null && Facts.of(s).trainAcc == null && Facts.of(s).valAcc == null
        ? Coverage.notChecked("no training loss or accuracy logged") : Coverage.checked("training loss and accuracy");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (TagRole tag : RuleSupport.trainLosses(s)) {
      Series v = s.series(tag);
      int n = v.size();
      if (n < 20 || v.nonFinite() > 0) {
        continue;
      }
      double first = Stats.mean(v.values(), 0, Math.max(1, n / 10));
      // a mean of the first tenth, not the first value: said so, as another finding may quote the first value
      double last = Stats.mean(v.values(), RuleSupport.tailStart(n, 0.1), n);
      double improvement = (first - last) / Math.abs(first);
      boolean slow = n >= t.get(Threshold.STALL_SLOW_POINTS) && improvement < t.get(Threshold.STALL_SLOW_IMPROVEMENT);
      if (first != 0 && (improvement < t.get(Threshold.STALL_LOSS_IMPROVEMENT) || slow)) {
        out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), "", v.steps()[0], v.lastStep(),
            RuleSupport.ev("loss_start", first, "loss_end", last, "improvement", improvement),
            "training loss '" + v.tag() + "' " + (improvement < t.get(Threshold.STALL_LOSS_IMPROVEMENT) ? "barely improves"
                : "improves slowly (" + RuleSupport.fmt(100 * improvement) + "% in " + n + " points)") + ": " + RuleSupport.fmt(first)
                + " on average over the first tenth of the run, " + RuleSupport.fmt(last) + " over the last",
            "if nothing else is wrong the learning rate may be too low (raise it by 3-10x); check that labels match "
                + "inputs, that parameters are being updated, and that no layer is dead"));
        return;
      }
    }
    TagRole acc = s.first(Role.ACCURACY, Split.TRAIN);
    if (acc == null) {
      acc = s.first(Role.ACCURACY, Split.VALIDATION);
    }
    if (acc == null) {
      return;
    }
    Series v = s.series(acc);
    if (v.size() < 5) {
      return;
    }
    // on block means: per-batch accuracy jumps by the batch's luck alone
    double[] x = Stats.blockMeans(v.values(), (int) t.get(Threshold.OSCILLATION_BLOCKS));
    double bestGain = 0;
    for (int i = 1; i < x.length; i++) {
      bestGain = Math.max(bestGain, x[i] - x[i - 1]);
    }
    double max = Stats.max(x);
    if (bestGain < t.get(Threshold.STALL_ACCURACY_DELTA) && max < Limit.STALL_ACCURACY_CEILING.value()) {
      out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), "", v.steps()[0], v.lastStep(),
          RuleSupport.ev("largest_gain", bestGain, "best_accuracy", max),
          "accuracy '" + v.tag() + "' never rises by more than " + RuleSupport.fmt(bestGain) + " at once and stays below "
              + RuleSupport.fmt(max),
          "the learning rate may be too low, or labels do not match inputs"));
    }
  }
}
