package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;

import java.util.List;
import java.util.Map;

/**
 * The ratio of a layer's update to its weights, ||lr * update|| / ||w||, far from about 1e-3
 * (DL4J's tuning guide): much larger means the learning rate is too high, much smaller that the
 * layer barely learns.
 */
final class UpdateRatio implements Rule {
  @Override
  public String id() {
    return "update-ratio";
  }

  @Override
  public Coverage coverage(Subject s) {
    return s.byLayer(Role.UPDATE_RATIO).isEmpty() ? Coverage.notChecked("no update/weight ratios logged")
        : Coverage.checked("update/weight ratios");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (Map.Entry<String, TagRole> e : s.byLayer(Role.UPDATE_RATIO).entrySet()) {
      Series v = s.series(e.getValue());
      if (v.size() < 5) {
        continue;
      }
      double r = Stats.median(v.values(), RuleSupport.tailStart(v.size(), 0.3), v.size());
      if (r == 0 && noGradient(s, e.getKey())) {
        continue; // a layer without any gradient is dead, not slow: the dead-relu rule says so
      }
      boolean high = r > t.get(Threshold.UPDATE_HIGH);
      boolean low = r < t.get(Threshold.UPDATE_LOW);
      if (high || low) {
        out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), e.getKey(), v.steps()[0], v.lastStep(),
            RuleSupport.ev("ratio", r, "low", t.get(Threshold.UPDATE_LOW), "high", t.get(Threshold.UPDATE_HIGH)),
            "updates of layer '" + e.getKey() + "' are " + RuleSupport.fmt(r) + " of its weights (healthy: about 1e-3)",
            high ? "the learning rate is too high for this layer: lower it" : "this layer barely learns: raise the "
                + "learning rate, or check that it is not frozen and its gradients do not vanish"));
        return;
      }
    }
  }

  /** True when the layer's gradient norm is logged and exactly 0 over the last 30 % of the run. */
  private static boolean noGradient(Subject s, String layer) {
    TagRole g = s.byLayer(Role.GRAD_NORM).get(layer);
    if (g == null) {
      return false;
    }
    Series v = s.series(g);
    return v.size() > 0 && Stats.max(java.util.Arrays.copyOfRange(v.values(), RuleSupport.tailStart(v.size(), 0.3), v.size())) == 0;
  }
}
