package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;

import dev.trainscope.data.HistogramStep;
import java.util.List;

/**
 * Inputs not centred or not within about [-1, 1] (DeepDiagnosis' out-of-range check): raw pixels in
 * [0, 255] are the classic case. Read from the input value histograms when they are logged; else
 * from the first layer's activations, far too large (beyond {@code inputs.activationMax}) for
 * weights of normal scale; else from a first loss far above chance level ({@code
 * inputs.lossFactor} times ln K) in a training with weights of normal scale that then learns
 * without blowing up: logits that large come from inputs that large. When a run logs several input
 * histograms (one per feature or channel), also features on very different scales: the widest
 * spread this many times the narrowest ({@code inputs.scaleRatio}).
 */
final class UnnormalizedInputs implements Rule {
  @Override
  public String id() {
    return "unnormalized-inputs";
  }

  static final String SUGGESTION = "scale the inputs (e.g. pixels / 255) and standardise them (subtract the mean, "
      + "divide by the std per feature or channel)";

  @Override
  public Coverage coverage(Subject s) {
    if (!s.withRole(Role.INPUTS).isEmpty()) {
      return Coverage.checked("input histograms");
    }
    List<Layer> layers = s.weightLayers();
    if (!layers.isEmpty() && (layers.get(0).tag(Role.ACTIVATIONS) != null || layers.get(0).tag(Role.PRE_ACTIVATIONS) != null)) {
      return Coverage.partly("no input histogram logged: judged from the first layer's activations");
    }
    if (Facts.of(s).trainLoss != null && Facts.of(s).classes > 0) {
      return Coverage.partly("no input histogram or activations logged: judged from the loss at the start");
    }
    return Coverage.notChecked("no input histogram, first-layer activations or class count to judge the inputs by");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    scales(s, t, out);
    if (s.withRole(Role.INPUTS).isEmpty()) {
      if (!fromActivations(s, t, out)) {
        fromLoss(s, t, out);
      }
      return;
    }
    for (TagRole tag : s.withRole(Role.INPUTS)) {
      List<HistogramStep> h = s.histograms(tag);
      HistogramStep last = RuleSupport.last(h);
      if (last == null) {
        continue;
      }
      double mean = Hist.mean(last);
      double max = Hist.maxAbs(last);
      if (Math.abs(mean) > t.get(Threshold.INPUTS_MEAN) || max > t.get(Threshold.INPUTS_MAX)) {
        out.add(new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), "", h.get(0).step(), last.step(),
            RuleSupport.ev("mean", mean, "max_abs", max, "std", Hist.std(last)),
            "inputs are not normalised: mean " + RuleSupport.fmt(mean) + ", values up to " + RuleSupport.fmt(max),
            SUGGESTION, "input histograms"));
        return;
      }
    }
  }

  /** The first weight layer's outputs far too large for weights of normal scale: the inputs are. */
  private boolean fromActivations(Subject s, Thresholds t, List<Finding> out) {
    List<Layer> layers = s.weightLayers();
    if (layers.isEmpty()) {
      return false;
    }
    Layer first = layers.get(0);
    TagRole act = first.tag(Role.ACTIVATIONS) != null ? first.tag(Role.ACTIVATIONS) : first.tag(Role.PRE_ACTIVATIONS);
    if (act == null || act.kind() != dev.trainscope.data.TagKind.HISTOGRAM) {
      return false;
    }
    double scale = Facts.initScale(s, first);
    if (scale >= t.get(Threshold.INIT_LARGE)) {
      return false; // wide weights make wide activations by themselves
    }
    List<HistogramStep> h = s.histograms(act);
    if (h.isEmpty()) {
      return false;
    }
    HistogramStep a = h.get(0);
    double max = Hist.maxAbs(a);
    if (max < t.get(Threshold.INPUTS_ACTIVATION_MAX)) {
      return false;
    }
    out.add(new Finding(id(), Severity.WARNING, act.run(), List.of(act.tag()), first.name(), a.step(),
        h.get(h.size() - 1).step(), RuleSupport.ev("activation_max", max, "activation_std", Hist.std(a), "init_scale", scale),
        "inputs are probably not normalised: the first layer's outputs reach " + RuleSupport.fmt(max) + " (std "
            + RuleSupport.fmt(Hist.std(a)) + ")" + (Double.isFinite(scale) ? " with weights of normal scale ("
            + RuleSupport.fmt(scale) + " / sqrt(fan-in))" : ""),
        SUGGESTION, "first layer's activations (no input histogram logged)"));
    return true;
  }

  /** A first loss far above chance level, weights of normal scale, and a training that then learns. */
  private void fromLoss(Subject s, Thresholds t, List<Finding> out) {
    Facts f = Facts.of(s);
    Series v = f.trainLoss;
    double chance = f.chanceLoss();
    if (v == null || v.size() < 2 || !Double.isFinite(chance) || Start.blewUp(s, t)
        || f.startLoss < t.get(Threshold.INPUTS_LOSS_FACTOR) * chance) {
      return;
    }
    double last = Stats.mean(v.values(), RuleSupport.tailStart(v.size(), 0.1), v.size());
    if (!(last < Limit.LEARNING_LOSS_SHARE.value() * f.startLoss)) {
      return; // not learning: something else is wrong
    }
    for (Layer l : s.weightLayers()) {
      double scale = Facts.initScale(s, l);
      if (!Double.isFinite(scale) || scale >= t.get(Threshold.INIT_LARGE)) {
        return; // unknown or wide weights: they could make the logits large themselves
      }
    }
    out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), "", v.steps()[0], v.lastStep(),
        RuleSupport.ev("start_loss", f.startLoss, "chance_loss", chance, "times_chance", f.startLoss / chance),
        "inputs are probably not normalised: the first logged loss is " + RuleSupport.fmt(f.startLoss) + ", "
            + RuleSupport.fmt(f.startLoss / chance) + " times chance level (ln " + f.classes + " = " + RuleSupport.fmt(chance)
            + "), with weights of normal scale, and the training then learns: logits that large come from large inputs",
        SUGGESTION, "loss at the start and weight scales (no input histogram or activations logged)"));
  }

  /** Several input features whose spreads (std) differ by more than inputs.scaleRatio. */
  private void scales(Subject s, Thresholds t, List<Finding> out) {
    TagRole narrow = null;
    TagRole wide = null;
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (TagRole tag : s.withRole(Role.INPUTS)) {
      List<HistogramStep> h = s.histograms(tag);
      HistogramStep last = RuleSupport.last(h);
      if (last == null) {
        continue;
      }
      double std = Hist.std(last);
      if (!(std > 0)) {
        continue; // a constant feature has no scale to compare
      }
      from = Math.min(from, h.get(0).step());
      to = Math.max(to, last.step());
      if (std < lo) {
        lo = std;
        narrow = tag;
      }
      if (std > hi) {
        hi = std;
        wide = tag;
      }
    }
    if (narrow != null && wide != null && narrow != wide && hi / lo >= t.get(Threshold.INPUTS_SCALE_RATIO)) {
      out.add(new Finding("input-scales", Severity.WARNING, wide.run(), List.of(wide.tag(), narrow.tag()), "", from, to,
          RuleSupport.ev("widest_std", hi, "narrowest_std", lo, "ratio", hi / lo),
          "input features on very different scales: '" + wide.tag() + "' spreads " + RuleSupport.fmt(hi / lo)
              + " times as wide as '" + narrow.tag() + "'",
          "standardise each feature (subtract its mean, divide by its std), so that no feature dominates the "
              + "gradients by its units alone"));
    }
  }
}
