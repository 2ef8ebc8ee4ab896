package dev.trainscope.diagnose;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a training was already broken when it began, before any learning rate could act: a first
 * loss far above chance level (ln K), gradients already enormous at the first step, or weights
 * initialised far wider than 1/sqrt(fan-in). A blow-up from a broken start is the start's fault
 * (exploding gradients, unnormalised inputs); from a sound start, the optimiser's (learning rate).
 */
final class Start {
  private Start() {}

  /** The reasons the start looks broken, in words; empty when it looks sound or nothing tells. */
  static List<String> problems(Subject s, Thresholds t) {
    List<String> out = new ArrayList<>();
    Facts f = Facts.of(s);
    double chance = f.chanceLoss();
    if (Double.isFinite(f.startLoss)) {
      double bound = Double.isFinite(chance) ? t.get(Threshold.START_LOSS_FACTOR) * chance : t.get(Threshold.START_LOSS_MAX);
      if (f.startLoss >= bound) {
        out.add("the first logged loss is " + RuleSupport.fmt(f.startLoss)
            + (Double.isFinite(chance) ? " (" + RuleSupport.fmt(f.startLoss / chance) + " times ln " + f.classes + ")" : ""));
      }
    }
    double g = Gradients.atStart(s);
    if (g >= t.get(Threshold.START_GRAD_NORM)) {
      out.add("the gradient norm at the first step is " + RuleSupport.fmt(g));
    }
    Layer wide = widest(s);
    if (wide != null && Facts.initScale(s, wide) >= t.get(Threshold.INIT_LARGE)) {
      out.add("layer '" + wide.name() + "' starts with weights " + RuleSupport.fmt(Facts.initScale(s, wide))
          + " / sqrt(fan-in) wide");
    }
    return out;
  }

  /** The weight layer whose first weights are widest relative to 1/sqrt(fan-in), or null. */
  static Layer widest(Subject s) {
    Layer best = null;
    double max = 0;
    for (Layer l : s.weightLayers()) {
      double scale = Facts.initScale(s, l);
      if (scale > max) {
        max = scale;
        best = l;
      }
    }
    return best;
  }

  /** The first index of a series' values that is not finite, or -1. */
  static int firstNonFinite(Series v) {
    for (int i = 0; i < v.size(); i++) {
      if (!Double.isFinite(v.values()[i])) {
        return i;
      }
    }
    return -1;
  }

  /** True when the training loss became non-finite or exceeded {@code loss.max}. */
  static boolean blewUp(Subject s, Thresholds t) {
    Series v = Facts.of(s).trainLoss;
    for (Series x : new Series[] {v, Facts.of(s).trainEpochLoss, Facts.of(s).valLoss}) {
      if (x != null && (x.nonFinite() > 0 || Stats.max(x.max()) >= t.get(Threshold.LOSS_MAX))) {
        return true;
      }
    }
    return false;
  }
}
