package dev.trainscope.diagnose;

import java.util.List;

/**
 * The training loss fell, then rose for good and ends far above its best: the optimiser is
 * stepping past the minimum (learning rate too high).
 */
final class Divergence implements Rule {
  @Override
  public String id() {
    return "loss-divergence";
  }

  @Override
  public Coverage coverage(Subject s) {
    return Facts.of(s).trainLoss == null ? Coverage.notChecked("no training loss logged") : Coverage.checked("training loss");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (TagRole tag : RuleSupport.trainLosses(s)) {
      Series v = s.series(tag);
      int n = v.size();
      if (n < 20 || v.nonFinite() > 0) {
        continue;
      }
      double[] smooth = Stats.ema(v.values(), 0.9);
      int best = Stats.argMin(smooth);
      double min = smooth[best];
      double end = Stats.mean(smooth, RuleSupport.tailStart(n, 0.05), n);
      double factor = t.get(Threshold.DIVERGENCE_FACTOR);
      boolean risen = best < n * Limit.DIVERGENCE_EARLY_MINIMUM.value() && min > 0 ? end > factor * min : end > min + Math.abs(min) * (factor - 1) + 1e-12;
      // it must have kept rising: the last tenth above the middle of the way up
      double mid = Stats.mean(smooth, (best + n) / 2, Math.min(n, (best + n) / 2 + Math.max(1, n / 20)));
      // and by a share of where training started: from 0.02 to 0.05 near convergence is noise, not divergence
      double start = Math.abs(v.values()[0]);
      boolean large = end - min >= t.get(Threshold.DIVERGENCE_MIN_RISE) * start;
      if (risen && large && end >= mid) {
        out.add(new Finding(id(), Severity.ERROR, v.run(), List.of(v.tag()), "", v.steps()[best], v.lastStep(),
            RuleSupport.ev("best_loss", min, "best_step", v.steps()[best], "final_loss", end, "ratio", end / min),
            "training loss '" + v.tag() + "' diverges: " + RuleSupport.fmt(end) + " at the end against " + RuleSupport.fmt(min)
                + " at step " + v.steps()[best],
            "the learning rate is probably too high: lower it (by 3-10x), or use a schedule that decays it; "
                + "clip gradients"));
      }
    }
  }
}
