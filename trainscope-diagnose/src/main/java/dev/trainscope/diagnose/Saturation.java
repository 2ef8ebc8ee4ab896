package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import java.util.List;

/**
 * Saturated units: a bounded nonlinearity (tanh, sigmoid) driven into its flat ends, where it
 * passes almost no gradient. Read from the post-activations when they are logged (most of them
 * pressed against the bounds), from pre-activations beyond +-5 (DeepDiagnosis' saturation check)
 * for a layer whose outputs are bounded, and where neither is logged from weights initialised so
 * wide (ten times 1/sqrt(fan-in) or more) that any bounded unit saturates, in a training that
 * did not blow up (with ReLUs such a start explodes instead: {@link ExplodingGradients}).
 */
final class Saturation implements Rule {
  /**
   * True when the layer's post-activations are logged and stay within +-{@code bound}: a bounded
   * nonlinearity (tanh, sigmoid) that large inputs saturate. A layer without post-activations has no
   * nonlinearity (logits, whose large values are normal) and a ReLU's output is unbounded (a layer
   * whose dead units are logged is ReLU-like).
   */
  static boolean saturating(Subject s, Layer l, double bound) {
    if (l.tag(Role.DEAD_UNITS) != null) {
      return false; // dead units are counted for ReLU-like layers only
    }
    TagRole post = l.tag(Role.ACTIVATIONS);
    if (post == null || post.kind() != TagKind.HISTOGRAM) {
      return false;
    }
    HistogramStep h = RuleSupport.last(s.histograms(post));
    // all zero is a dead layer, not a saturated one
    return h != null && Hist.maxAbs(h) <= bound && Hist.maxAbs(h) > 0;
  }

  @Override
  public String id() {
    return "saturated-activations";
  }

  @Override
  public Coverage coverage(Subject s) {
    boolean post = false;
    boolean pre = false;
    for (Layer l : s.layers()) {
      post |= l.tag(Role.ACTIVATIONS) != null;
      pre |= l.tag(Role.PRE_ACTIVATIONS) != null;
    }
    if (post || pre) {
      return Coverage.checked(post ? "activation histograms" : "pre-activation histograms");
    }
    for (Layer l : s.weightLayers()) {
      if (Double.isFinite(Facts.initScale(s, l))) {
        return Coverage.partly("no activations logged: judged from the weights' initial scale");
      }
    }
    return Coverage.notChecked("no activations, and no weight and bias histograms to tell the weights' scale");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (Layer l : s.layers()) {
      Finding f = post(s, l, t);
      if (f == null) {
        f = pre(s, l, t);
      }
      if (f != null) {
        out.add(f);
        return;
      }
    }
    fromScale(s, t, out);
  }

  /**
   * Post-activations bounded to [-1, 1] (tanh) or (0, 1) (sigmoid) with most of them at the bounds,
   * and at both of them: units driven to saturation by large inputs go either way, while a ReLU
   * layer of tiny outputs, its values all near 0, is no sigmoid.
   */
  private Finding post(Subject s, Layer l, Thresholds t) {
    TagRole tag = l.tag(Role.ACTIVATIONS);
    if (tag == null || tag.kind() != TagKind.HISTOGRAM || l.tag(Role.DEAD_UNITS) != null) {
      return null; // dead units are counted for ReLU-like layers only
    }
    List<HistogramStep> h = s.histograms(tag);
    HistogramStep last = RuleSupport.last(h);
    if (last == null || Hist.total(last) == 0) {
      return null;
    }
    double lo = Hist.min(last);
    double hi = Hist.max(last);
    double edge = t.get(Threshold.SATURATION_EDGE);
    double low;
    double high;
    String kind;
    if (lo >= -Limit.BOUNDED_OUTPUT.value() && hi <= Limit.BOUNDED_OUTPUT.value() && lo < -Limit.ZERO_OUTPUT.value()) {
      low = Hist.share(last, Double.NEGATIVE_INFINITY, -1 + edge);
      high = Hist.share(last, 1 - edge, Double.POSITIVE_INFINITY);
      kind = "tanh";
    } else if (lo >= -Limit.ZERO_OUTPUT.value() && hi <= Limit.BOUNDED_OUTPUT.value()
        && Hist.nearZero(last, Limit.ZERO_OUTPUT.value()) < Limit.SIGMOID_ZEROS.value()) {
      low = Hist.share(last, Double.NEGATIVE_INFINITY, edge);
      high = Hist.share(last, 1 - edge, Double.POSITIVE_INFINITY);
      kind = "sigmoid";
    } else {
      return null;
    }
    double atBounds = low + high;
    double eachSide = t.get(Threshold.SATURATION_EACH_BOUND);
    if (atBounds < t.get(Threshold.SATURATION_POST_FRACTION) || low < eachSide || high < eachSide) {
      return null;
    }
    return new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), l.name(), h.get(0).step(), last.step(),
        RuleSupport.ev("fraction_at_bounds", atBounds, "bound", t.get(Threshold.SATURATION_POST_FRACTION)),
        RuleSupport.fmt(100 * atBounds) + "% of the outputs of layer '" + l.name() + "'"
            + (l.activationName().equals(l.name()) ? "" : " (" + l.activationName() + ")")
            + " are pressed against the bounds of their " + kind + ": the units are saturated and pass almost no gradient",
        suggestion(l), "activation histograms");
  }

  private Finding pre(Subject s, Layer l, Thresholds t) {
    TagRole tag = l.tag(Role.PRE_ACTIVATIONS);
    if (tag == null || tag.kind() != TagKind.HISTOGRAM || !saturating(s, l, t.get(Threshold.SATURATION_OUTPUT_BOUND))) {
      return null;
    }
    List<HistogramStep> h = s.histograms(tag);
    HistogramStep last = RuleSupport.last(h);
    if (last == null) {
      return null;
    }
    double bound = t.get(Threshold.SATURATION_BOUND);
    double frac = Hist.beyond(last, bound);
    if (frac < t.get(Threshold.SATURATION_FRACTION)) {
      return null;
    }
    return new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), l.name(), h.get(0).step(), last.step(),
        RuleSupport.ev("fraction_beyond", frac, "bound", bound, "std", Hist.std(last)),
        RuleSupport.fmt(100 * frac) + "% of layer '" + l.name() + "' pre-activations lie beyond +-" + RuleSupport.fmt(bound)
            + " (saturated for tanh and sigmoid)", suggestion(l), "pre-activation histograms");
  }

  /** Weights started so wide that bounded units saturate, and the loss stayed finite. */
  private void fromScale(Subject s, Thresholds t, List<Finding> out) {
    Layer wide = Start.widest(s);
    if (wide == null || Start.blewUp(s, t)) {
      return;
    }
    double scale = Facts.initScale(s, wide);
    if (!(scale >= t.get(Threshold.SATURATION_INIT_SCALE))) {
      return;
    }
    TagRole w = wide.tag(Role.WEIGHTS);
    List<HistogramStep> h = s.histograms(w);
    out.add(new Finding(id(), Severity.WARNING, w.run(), List.of(w.tag()), wide.name(), h.get(0).step(),
        h.get(h.size() - 1).step(), RuleSupport.ev("init_scale", scale, "weight_std", Hist.std(h.get(0)),
            "fan_in", s.fanIn(wide)),
        "the weights of layer '" + wide.name() + "' start " + RuleSupport.fmt(scale)
            + " / sqrt(fan-in) wide (std " + RuleSupport.fmt(Hist.std(h.get(0))) + "): tanh or sigmoid units after it sit at"
            + " their bounds and pass almost no gradient",
        "initialise with Xavier/Glorot (std about 1/sqrt(fan-in)), add normalisation before the activation, or use "
            + "ReLU-family activations", "weight and bias histograms (no activations logged: the weights' initial scale)"));
  }

  private static String suggestion(Layer l) {
    boolean conv = l.name().toLowerCase(java.util.Locale.ROOT).contains("conv");
    return (conv ? "add batch normalisation before the activation" : "add normalisation (batch normalisation; layer "
        + "normalisation for recurrent layers)") + ", use a smaller weight initialisation (Xavier/Glorot), or "
        + "ReLU-family activations";
  }
}
