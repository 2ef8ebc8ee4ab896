package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import java.util.List;

/**
 * Dying ReLU: most of a layer's units never activate. Read from whichever evidence is logged, the
 * most direct first: the fraction of dead units (zero for a whole probe batch), the fraction of
 * gradient entries that are exactly zero (AUTOTRAINER's gamma, 0.7, is the bound for both), a
 * post-activation histogram that is nearly all zeros, a layer whose weight gradient is exactly zero
 * for the rest of the run, or, where nothing else is logged, biases that all sit far below zero
 * (no unit of the layer can fire) in a training that does not learn. The first dead layer from the
 * input is reported: it explains the rest.
 */
final class DeadUnits implements Rule {
  static final String SUGGESTION = "dying ReLU: lower the learning rate, use Leaky ReLU or ELU, He initialisation, and "
      + "check for a large negative bias";

  @Override
  public String id() {
    return "dead-relu";
  }

  @Override
  public Coverage coverage(Subject s) {
    boolean dead = false;
    boolean zeros = false;
    boolean post = false;
    boolean grads = false;
    boolean biases = false;
    for (Layer l : s.layers()) {
      dead |= l.tag(Role.DEAD_UNITS) != null;
      zeros |= l.tag(Role.GRAD_ZERO_FRACTION) != null;
      post |= l.tag(Role.ACTIVATIONS) != null;
      grads |= l.tag(Role.GRAD_NORM) != null;
      biases |= l.biasTag(Role.BIASES) != null;
    }
    if (dead || zeros) {
      return Coverage.checked(dead ? "dead-unit fractions" : "zero-gradient fractions");
    }
    if (post) {
      return Coverage.checked("activation histograms");
    }
    if (grads) {
      return Coverage.partly("no activations logged: judged from per-layer gradient norms that are exactly zero");
    }
    if (biases) {
      return Coverage.partly("no activations or gradients logged: judged from bias histograms");
    }
    return Coverage.notChecked("no per-layer activations, gradients or biases logged");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    double bound = t.get(Threshold.DEAD_FRACTION);
    for (Layer l : s.layers()) {
      Finding f = scalar(s, l, l.tag(Role.DEAD_UNITS), bound, "the units", "are dead (zero for the whole probe batch)",
          "dead-unit fraction");
      if (f == null) {
        f = scalar(s, l, l.tag(Role.GRAD_ZERO_FRACTION), bound, "the gradient entries", "are exactly zero",
            "zero-gradient fraction");
      }
      if (f == null) {
        f = activations(s, l, t);
      }
      if (f == null) {
        f = noGradient(s, l);
      }
      if (f == null) {
        f = negativeBiases(s, l, t);
      }
      if (f != null) {
        out.add(f);
        return;
      }
    }
  }

  private Finding scalar(Subject s, Layer l, TagRole tag, double bound, String of, String what, String basis) {
    if (tag == null || tag.kind() != TagKind.SCALAR) {
      return null;
    }
    Series v = s.series(tag);
    if (v.size() < 2) {
      return null;
    }
    double frac = Stats.median(v.values(), RuleSupport.tailStart(v.size(), 0.3), v.size());
    if (!(frac >= bound)) {
      return null;
    }
    int onset = 0;
    while (onset < v.size() && !(v.values()[onset] >= bound)) {
      onset++;
    }
    return new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), l.name(),
        v.steps()[Math.min(onset, v.size() - 1)], v.lastStep(), RuleSupport.ev("fraction", frac, "bound", bound),
        RuleSupport.fmt(100 * frac) + "% of " + of + " of layer '" + l.name() + "' " + what, SUGGESTION, basis);
  }

  /** A ReLU layer's outputs (never negative) nearly all zero over the last part of the run. */
  private Finding activations(Subject s, Layer l, Thresholds t) {
    TagRole post = l.tag(Role.ACTIVATIONS);
    if (post == null || post.kind() != TagKind.HISTOGRAM) {
      return null;
    }
    List<HistogramStep> h = s.histograms(post);
    HistogramStep last = RuleSupport.last(h);
    if (last == null || Hist.min(last) < 0 || Hist.total(last) == 0) {
      return null; // negative outputs: not a ReLU
    }
    double zeros = Hist.nearZero(last, Limit.ZERO_OUTPUT.value());
    if (zeros < t.get(Threshold.DEAD_ZERO_SHARE)) {
      return null;
    }
    return new Finding(id(), Severity.WARNING, post.run(), List.of(post.tag()), l.name(), h.get(0).step(), last.step(),
        RuleSupport.ev("zero_share", zeros, "bound", t.get(Threshold.DEAD_ZERO_SHARE)),
        RuleSupport.fmt(100 * zeros) + "% of the outputs of layer '" + l.name() + "'"
            + (l.activationName().equals(l.name()) ? "" : " (" + l.activationName() + ")") + " are zero: its units are dead",
        SUGGESTION, "activation histograms");
  }

  /** A layer whose weight gradient is exactly zero over the last part of the run, having been zero from the start. */
  private Finding noGradient(Subject s, Layer l) {
    TagRole g = l.tag(Role.GRAD_NORM);
    if (g == null || g.kind() != TagKind.SCALAR) {
      return null;
    }
    Series v = s.series(g);
    if (v.size() < 3 || v.nonFinite() > 0) {
      return null;
    }
    for (double x : v.values()) {
      if (x != 0) {
        return null;
      }
    }
    return new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), l.name(), v.steps()[0], v.lastStep(),
        RuleSupport.ev("gradient_norm", 0, "points", v.size()),
        "layer '" + l.name() + "' gets no gradient at all (its weight gradient norm is exactly 0 at every logged step):"
            + " the units it feeds are dead",
        SUGGESTION, "per-layer gradient norms");
  }

  /** Every bias of the layer far below zero in a training that does not learn: no unit can fire. */
  private Finding negativeBiases(Subject s, Layer l, Thresholds t) {
    TagRole b = l.biasTag(Role.BIASES);
    if (b == null || !Movement.lossStalled(s, t)) {
      return null;
    }
    List<HistogramStep> h = s.histograms(b);
    HistogramStep last = RuleSupport.last(h);
    if (last == null || !(Hist.max(last) <= t.get(Threshold.DEAD_BIAS_MAX))) {
      return null;
    }
    return new Finding(id(), Severity.WARNING, b.run(), List.of(b.tag()), l.name(), h.get(0).step(), last.step(),
        RuleSupport.ev("largest_bias", Hist.max(last), "bound", t.get(Threshold.DEAD_BIAS_MAX)),
        "every bias of layer '" + l.name() + "' is at or below " + RuleSupport.fmt(Hist.max(last))
            + " and the loss does not improve: the ReLUs after it can hardly ever fire",
        SUGGESTION, "bias histograms (no activations logged)");
  }
}
