package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import java.util.List;

/**
 * Saturated pre-activations: a large share of a layer's inputs to its nonlinearity lie beyond +-5,
 * where tanh and sigmoid are flat and pass almost no gradient (DeepDiagnosis' saturation check).
 */
final class Saturation implements Rule {
  @Override
  public String id() {
    return "saturated-activations";
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    double bound = t.get("saturation.bound");
    for (TagRole tag : s.withRole(Role.PRE_ACTIVATIONS)) {
      List<HistogramStep> h = s.histograms(tag);
      HistogramStep last = Rules.last(h);
      if (last == null) {
        continue;
      }
      double frac = Rules.histBeyond(last, bound);
      if (frac >= t.get("saturation.fraction")) {
        boolean conv = tag.layer().toLowerCase(java.util.Locale.ROOT).contains("conv");
        out.add(new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), tag.layer(), h.get(0).step(),
            last.step(), Rules.ev("fraction_beyond", frac, "bound", bound, "std", Rules.histStd(last)),
            Rules.fmt(100 * frac) + "% of layer '" + tag.layer() + "' pre-activations lie beyond +-" + Rules.fmt(bound)
                + " (saturated for tanh and sigmoid)",
            (conv ? "add batch normalisation before the activation" : "add normalisation (batch normalisation; layer "
                + "normalisation for recurrent layers)") + ", use a smaller weight initialisation, or ReLU-family "
                + "activations"));
        return;
      }
    }
  }
}
