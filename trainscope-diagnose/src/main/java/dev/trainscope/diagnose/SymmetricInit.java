package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import java.util.List;

/**
 * A symmetric start: all the weights of a layer equal (zero-initialised, or set to one constant).
 * Every unit of the layer then computes the same function and gets the same update, so the layer
 * acts as one unit however wide it is, until rounding noise breaks the tie. Seen as a weight
 * histogram that is a single spike, or as a hidden layer whose gradient is exactly zero at the first
 * step (zero weights after it pass no gradient back) while the output layer's is not.
 */
final class SymmetricInit implements Rule {
  static final String SUGGESTION = "initialise weights randomly (Xavier/Glorot or He, as the framework's default "
      + "does); constant or zero initialisation is only for biases";

  @Override
  public String id() {
    return "symmetric-init";
  }

  @Override
  public Coverage coverage(Subject s) {
    for (Layer l : s.weightLayers()) {
      if (l.tag(Role.WEIGHTS) != null) {
        return Coverage.checked("weight histograms");
      }
    }
    return Gradients.perLayer(s).size() >= 2 ? Coverage.partly("no weight histograms: judged from gradient norms at the start")
        : Coverage.notChecked("no weight histograms or per-layer gradient norms");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (Layer l : s.weightLayers()) {
      TagRole w = l.tag(Role.WEIGHTS);
      if (w == null || w.kind() != TagKind.HISTOGRAM) {
        continue;
      }
      List<HistogramStep> h = s.histograms(w);
      if (h.isEmpty() || Hist.total(h.get(0)) < 2) {
        continue;
      }
      HistogramStep a = h.get(0);
      double range = Hist.range(a);
      double mean = Hist.mean(a);
      if (range <= t.get(Threshold.SYMMETRIC_RANGE) * Math.max(Math.abs(mean), Limit.SYMMETRIC_MEAN_FLOOR.value())) {
        HistogramStep z = h.get(h.size() - 1);
        out.add(new Finding(id(), Severity.WARNING, w.run(), List.of(w.tag()), l.name(), a.step(), z.step(),
            RuleSupport.ev("first_value", mean, "first_spread", range, "last_spread", Hist.range(z)),
            "all " + (long) Hist.total(a) + " weights of layer '" + l.name() + "' are equal at step " + a.step() + " ("
                + RuleSupport.fmt(mean) + "): its units compute the same function and get the same updates (a symmetric start"
                + (Hist.range(z) <= t.get(Threshold.SYMMETRIC_RANGE) * Math.max(Math.abs(Hist.mean(z)), Limit.SYMMETRIC_MEAN_FLOOR.value()) ? ", still at the end)"
                    : ")"), SUGGESTION, "weight histograms"));
        return;
      }
    }
    fromGradients(s, out);
  }

  /** Hidden layers with exactly zero gradient at the first step, the output layer's not: zero weights pass nothing back. */
  private void fromGradients(Subject s, List<Finding> out) {
    List<Gradients.LayerNorms> norms = Gradients.perLayer(s);
    if (norms.size() < 2) {
      return;
    }
    Gradients.LayerNorms last = norms.get(norms.size() - 1);
    if (!(last.first() > 0)) {
      return;
    }
    for (int i = 0; i < norms.size() - 1; i++) {
      Gradients.LayerNorms n = norms.get(i);
      if (n.first() == 0 && Stats.max(n.values()) > 0) {
        out.add(new Finding(id(), Severity.WARNING, n.run(), List.of(n.tag(), last.tag()), n.layer(), n.from(), n.to(),
            RuleSupport.ev("first_norm", 0, "output_layer_first_norm", last.first(), "later_max_norm", Stats.max(n.values())),
            "layer '" + n.layer() + "' gets exactly zero gradient at the first step while the output layer gets "
                + RuleSupport.fmt(last.first()) + ": the weights after it start at zero (a symmetric start)",
            SUGGESTION, "per-layer gradient norms at the start"));
        return;
      }
    }
  }
}
