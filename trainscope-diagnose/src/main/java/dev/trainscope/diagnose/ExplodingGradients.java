package dev.trainscope.diagnose;

import java.util.List;

/**
 * Exploding gradients: gradient norms that become NaN or infinite, grow toward the input
 * (AUTOTRAINER's test: the first layer's norm above beta_3 = 70 times the last layer's, having
 * grown), or grow by orders of magnitude over the run; or, where gradients are not logged, a
 * training that was broken from its start (a first loss or gradient norm already enormous, weights
 * initialised far too wide) and then blew up. A blow-up from a sound start is the learning rate's
 * ({@link LrTooHigh}).
 */
final class ExplodingGradients implements Rule {
  static final String SUGGESTION = "use a smaller initialisation (He or Xavier), normalise the inputs, add batch "
      + "normalisation, clip gradient norms, and lower the learning rate";

  @Override
  public String id() {
    return "exploding-gradients";
  }

  @Override
  public Coverage coverage(Subject s) {
    if (!Gradients.any(s).isEmpty() || Facts.of(s).gradNormTotal != null) {
      return Coverage.checked("gradient norms");
    }
    return Facts.of(s).trainLoss == null ? Coverage.notChecked("no gradients and no training loss logged")
        : Coverage.partly("no gradients logged: judged from the loss and the weights' initial scale");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    if (fromNorms(s, t, out)) {
      return;
    }
    fromStart(s, t, out);
  }

  private boolean fromNorms(Subject s, Thresholds t, List<Finding> out) {
    List<Gradients.LayerNorms> norms = Gradients.any(s);
    for (Gradients.LayerNorms n : norms) {
      if (n.nonFinite() > 0) {
        out.add(new Finding(id(), Severity.ERROR, n.run(), List.of(n.tag()), n.layer(), n.firstBad(), n.to(),
            RuleSupport.ev("non_finite_values", n.nonFinite(), "first_norm", n.first()),
            "the gradient norm of layer '" + n.layer() + "' became NaN or infinite at step " + n.firstBad(),
            SUGGESTION, "per-layer gradient norms"));
        return true;
      }
    }
    if (norms.size() >= 2) {
      Gradients.LayerNorms first = norms.get(0);
      Gradients.LayerNorms last = norms.get(norms.size() - 1);
      double ratio = first.tail() / last.tail();
      double growth = first.tail() / first.head();
      if (ratio > t.get(Threshold.EXPLODING_RATIO) && growth > 10) {
        out.add(new Finding(id(), Severity.ERROR, first.run(), List.of(first.tag(), last.tag()), first.layer(),
            first.from(), first.to(), RuleSupport.ev("first_layer_norm", first.tail(), "last_layer_norm", last.tail(),
                "ratio", ratio, "growth", growth),
            "gradients explode toward the input: layer '" + first.layer() + "' gets " + RuleSupport.fmt(ratio)
                + " times the gradient norm of '" + last.layer() + "', " + RuleSupport.fmt(growth) + " times its early norm",
            SUGGESTION, "per-layer gradient norms"));
        return true;
      }
    }
    for (Gradients.LayerNorms n : norms) {
      double growth = n.tail() / n.head();
      if (growth > t.get(Threshold.EXPLODING_GROWTH)) {
        out.add(new Finding(id(), Severity.ERROR, n.run(), List.of(n.tag()), n.layer(), n.from(), n.to(),
            RuleSupport.ev("early_norm", n.head(), "late_norm", n.tail(), "growth", growth),
            "the gradient norm of layer '" + n.layer() + "' grew " + RuleSupport.fmt(growth) + " times over the run",
            SUGGESTION, "per-layer gradient norms"));
        return true;
      }
    }
    Series total = Facts.of(s).gradNormTotal;
    if (total != null && total.nonFinite() > 0) {
      out.add(new Finding(id(), Severity.ERROR, total.run(), List.of(total.tag()), "", total.firstNonFiniteStep(),
          total.lastStep(), RuleSupport.ev("non_finite_values", total.nonFinite(), "first_norm", total.values()[0]),
          "the total gradient norm became NaN or infinite at step " + total.firstNonFiniteStep(), SUGGESTION,
          "total gradient norm"));
      return true;
    }
    return false;
  }

  /** A blow-up from a start that was already broken: the initialisation or the inputs, not the learning rate. */
  private void fromStart(Subject s, Thresholds t, List<Finding> out) {
    List<String> problems = Start.problems(s, t);
    Series v = Facts.of(s).trainLoss;
    if (problems.isEmpty() || v == null || !Start.blewUp(s, t)) {
      return;
    }
    int bad = Start.firstNonFinite(v);
    long at = v.steps()[0];
    out.add(new Finding(id(), Severity.ERROR, v.run(), List.of(v.tag()), "", at, v.lastStep(),
        RuleSupport.ev("start_loss", Facts.of(s).startLoss, "non_finite_values", v.nonFinite()),
        "gradients exploded from the start: " + String.join("; ", problems)
            + (bad >= 0 ? ", and the loss became NaN or infinite at step " + v.steps()[bad] : ", and the loss blew up"),
        SUGGESTION, "training loss at the start" + (problems.size() > 1 ? ", gradient norms and weight scales" : "")));
  }
}
