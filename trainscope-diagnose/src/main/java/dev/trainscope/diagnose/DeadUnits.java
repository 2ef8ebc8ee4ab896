package dev.trainscope.diagnose;

import java.util.List;
import java.util.Map;

/**
 * Dying ReLU: most of a layer's units never activate (zero for a whole probe batch), or most of its
 * gradient entries are exactly zero. AUTOTRAINER's gamma (0.7) is the bound; a ReLU layer with 40 %
 * zeros is healthy.
 */
final class DeadUnits implements Rule {
  @Override
  public String id() {
    return "dead-relu";
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    double bound = t.get("dead.fraction");
    check(s, s.byLayer(Role.DEAD_UNITS), bound, "of its units are dead (zero for the whole probe batch)", out);
    check(s, s.byLayer(Role.GRAD_ZERO_FRACTION), bound, "of its gradient entries are exactly zero", out);
  }

  private void check(Subject s, Map<String, TagRole> layers, double bound, String what, List<Finding> out) {
    for (Map.Entry<String, TagRole> e : layers.entrySet()) {
      Series v = s.series(e.getValue());
      if (v.size() < 2) {
        continue;
      }
      int from = Rules.tailStart(v.size(), 0.3);
      double frac = Stats.median(v.values(), from, v.size());
      if (frac >= bound) {
        int onset = 0;
        while (onset < v.size() && !(v.values()[onset] >= bound)) {
          onset++;
        }
        out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), e.getKey(),
            v.steps()[Math.min(onset, v.size() - 1)], v.lastStep(), Rules.ev("fraction", frac, "bound", bound),
            Rules.fmt(100 * frac) + "% of layer '" + e.getKey() + "' " + what,
            "dying ReLU: lower the learning rate, use Leaky ReLU or ELU, He initialisation, and check for a large "
                + "negative bias"));
        return; // the first (nearest the input) dead layer explains the rest
      }
    }
  }
}
