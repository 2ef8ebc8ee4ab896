package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;

import dev.trainscope.data.HistogramStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Unusually large weights or biases (AUTOTRAINER's bound: 5), or weights whose spread keeps
 * growing without bound.
 */
final class LargeWeights implements Rule {
  @Override
  public String id() {
    return "large-weights";
  }

  @Override
  public Coverage coverage(Subject s) {
    return s.withRole(Role.WEIGHTS).isEmpty() && s.withRole(Role.BIASES).isEmpty()
        ? Coverage.notChecked("no weight histograms logged") : Coverage.checked("weight histograms");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    List<TagRole> tags = new ArrayList<>(s.withRole(Role.WEIGHTS));
    tags.addAll(s.withRole(Role.BIASES));
    double bound = t.get(Threshold.WEIGHTS_MAX);
    for (TagRole tag : tags) {
      List<HistogramStep> h = s.histograms(tag);
      HistogramStep last = RuleSupport.last(h);
      if (last == null) {
        continue;
      }
      double max = Hist.maxAbs(last);
      // biases usually start at 0: a spread grown from nothing is no growth
      double first = Hist.std(h.get(0));
      double growth = first > 1e-12 ? Hist.std(last) / first : 1;
      boolean growing = h.size() >= 5 && growth > t.get(Threshold.WEIGHTS_GROWTH) && max > t.get(Threshold.WEIGHTS_GROWTH_FLOOR);
      if (max > bound || growing) {
        out.add(new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), tag.layer(), h.get(0).step(),
            last.step(), RuleSupport.ev("max_abs", max, "bound", bound, "spread_growth", growth),
            (tag.role() == Role.BIASES ? "biases" : "weights") + " of layer '" + (tag.layer().isEmpty() ? tag.tag()
                : tag.layer()) + "' reach " + RuleSupport.fmt(max) + (growth > 10 ? ", their spread grew " + RuleSupport.fmt(growth)
                + " times" : ""),
            "use weight decay (L2), a lower learning rate, or gradient clipping; check the initialisation"));
        return;
      }
    }
  }
}
