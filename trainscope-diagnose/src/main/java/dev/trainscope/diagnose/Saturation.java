package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import java.util.List;

/**
 * Saturated pre-activations: a large share of a layer's inputs to its nonlinearity lie beyond +-5,
 * where tanh and sigmoid are flat and pass almost no gradient (DeepDiagnosis' saturation check).
 */
final class Saturation implements Rule {
  /**
   * True when the layer's post-activations are logged and stay within +-{@code bound}: a bounded
   * nonlinearity (tanh, sigmoid) that large inputs saturate. A layer without post-activations has no
   * nonlinearity (logits, whose large values are normal) and a ReLU's output is unbounded (a layer
   * whose dead units are logged is ReLU-like).
   */
  static boolean saturating(Subject s, TagRole pre, double bound) {
    if (pre.layer().isEmpty()) {
      return false;
    }
    for (TagRole dead : s.withRole(Role.DEAD_UNITS)) {
      if (dead.run().equals(pre.run()) && dead.layer().equals(pre.layer())) {
        return false; // dead units are counted for ReLU-like layers only: it does not saturate
      }
    }
    for (TagRole post : s.withRole(Role.ACTIVATIONS)) {
      if (post.run().equals(pre.run()) && post.layer().equals(pre.layer())) {
        HistogramStep h = Rules.last(s.histograms(post));
        // all zero is a dead layer, not a saturated one
        return h != null && Rules.histMaxAbs(h) <= bound && Rules.histMaxAbs(h) > 0;
      }
    }
    return false;
  }

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
      if (last == null || !saturating(s, tag, t.get("saturation.outputBound"))) {
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
