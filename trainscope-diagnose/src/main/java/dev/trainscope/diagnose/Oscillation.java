package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;

import java.util.List;

/**
 * Oscillating accuracy or loss that does not improve: AUTOTRAINER's test counts the pairs of
 * successive local maxima and minima further apart than zeta (0.03; for a loss, relative to its
 * level) and calls it oscillating when there are at least eta (0.2) times as many as points. A
 * series that is noisy but improving is left alone.
 */
final class Oscillation implements Rule {
  @Override
  public String id() {
    return "oscillation";
  }

  @Override
  public Coverage coverage(Subject s) {
    return s.withRole(Role.LOSS).isEmpty() && s.withRole(Role.ACCURACY).isEmpty()
        ? Coverage.notChecked("no loss or accuracy logged") : Coverage.checked("loss and accuracy");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (Role role : new Role[] {Role.ACCURACY, Role.LOSS}) {
      for (TagRole tag : s.withRole(role)) {
        Series v = s.series(tag);
        if (v.size() < 10 || v.nonFinite() > 0) {
          continue;
        }
        // per-batch values swing by the batch's luck: judge the trend, as means of blocks of points
        double[] x = Stats.blockMeans(v.values(), (int) t.get(Threshold.OSCILLATION_BLOCKS));
        int n = x.length;
        double level = role == Role.LOSS ? Math.abs(Stats.median(x, 0, n)) : 1.0;
        if (level == 0) {
          continue;
        }
        double amplitude = t.get(Threshold.OSCILLATION_AMPLITUDE);
        int count = 0;
        double lastMax = Double.NaN;
        for (int i = 1; i < n - 1; i++) {
          if (x[i] >= x[i - 1] && x[i] >= x[i + 1]) {
            lastMax = x[i];
          } else if (x[i] <= x[i - 1] && x[i] <= x[i + 1] && !Double.isNaN(lastMax)) {
            if ((lastMax - x[i]) / level >= amplitude) {
              count++;
            }
            lastMax = Double.NaN;
          }
        }
        if (count < t.get(Threshold.OSCILLATION_RATE) * n) {
          continue;
        }
        // improving? compare the first and the last quarter
        double first = Stats.mean(x, 0, n / 4);
        double last = Stats.mean(x, n - n / 4, n);
        double gain = role == Role.ACCURACY ? last - first : (first - last) / level;
        if (gain > 2 * amplitude) {
          continue;
        }
        out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), "", v.steps()[0], v.lastStep(),
            RuleSupport.ev("swings", count, "points", n, "gain", gain),
            (role == Role.ACCURACY ? "accuracy" : "loss") + " '" + v.tag() + "' oscillates (" + count
                + " swings larger than " + RuleSupport.fmt(amplitude) + " in " + n + " points) without improving",
            "the learning rate is probably too high, or the batch too small: lower the learning rate or raise the "
                + "batch size"));
        return;
      }
    }
  }
}
