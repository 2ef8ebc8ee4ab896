package dev.trainscope.diagnose;

import java.util.List;

/**
 * The learning rate is too high: the training started sound (a first loss near chance level,
 * gradients and weights of normal size) and then blew up: the loss became NaN or infinite, or
 * jumped to many times its first value, or the gradient norm grew by orders of magnitude. A
 * learning rate raised on purpose (warm-up) at the jump is no fault.
 */
final class LrTooHigh implements Rule {
  @Override
  public String id() {
    return "lr-too-high";
  }

  @Override
  public Coverage coverage(Subject s) {
    return Facts.of(s).trainLoss == null ? Coverage.notChecked("no training loss logged")
        : Coverage.checked("training loss" + (Facts.of(s).gradNormTotal != null ? " and gradient norms" : ""));
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    Facts f = Facts.of(s);
    Series v = f.trainLoss;
    if (v == null || v.size() < 2 || !Double.isFinite(f.startLoss) || !Start.problems(s, t).isEmpty()) {
      return;
    }
    double start = f.startLoss;
    int bad = Start.firstNonFinite(v);
    int peak = Stats.argMax(v.max());
    double worst = peak < 0 ? Double.NaN : v.max()[peak];
    // far above its start and above chance level: a loss that starts below chance (an easy first
    // batch) and climbs back to it has not blown up
    double chance = f.chanceLoss();
    double level = Double.isFinite(chance) ? Math.max(start, chance) : start;
    boolean jumped = peak > 0 && worst >= t.get(Threshold.SURGE_EARLY_FACTOR) * level && worst - start >= t.get(Threshold.SURGE_MIN_RISE) * start
        && !RuleSupport.lrRaised(f.lr, v.steps()[0], v.steps()[peak]);
    Series g = f.gradNormTotal;
    double growth = Double.NaN;
    if (g != null && g.size() >= 2 && g.values()[0] > 0) {
      growth = Stats.max(g.values()) / g.values()[0];
    }
    boolean gradsGrew = growth >= t.get(Threshold.EXPLODING_GROWTH) / 10 && (g.nonFinite() > 0 || bad >= 0);
    if (bad < 0 && !jumped && !gradsGrew) {
      return;
    }
    long at = bad >= 0 && (!jumped || bad < peak) ? v.steps()[bad] : jumped ? v.steps()[peak] : g.firstNonFiniteStep();
    StringBuilder what = new StringBuilder("training started sound (loss " + RuleSupport.fmt(start));
    if (Double.isFinite(chance)) {
      what.append(", chance level ").append(RuleSupport.fmt(chance));
    }
    what.append(") and then blew up: ");
    if (jumped) {
      what.append("the loss jumped to ").append(RuleSupport.fmt(worst)).append(" at step ").append(v.steps()[peak])
          .append(" (").append(RuleSupport.fmt(worst / start)).append(" times its first value)");
    }
    if (bad >= 0) {
      what.append(jumped ? ", then " : "").append("became ").append(Double.isNaN(v.values()[bad]) ? "NaN" : "infinite")
          .append(" at step ").append(v.steps()[bad]);
    }
    if (gradsGrew) {
      what.append(jumped || bad >= 0 ? "; " : "").append("the gradient norm grew ").append(RuleSupport.fmt(growth))
          .append(" times");
    }
    out.add(new Finding(id(), Severity.ERROR, v.run(), gradsGrew ? List.of(v.tag(), g.tag()) : List.of(v.tag()), "",
        at, v.lastStep(), evidence(start, worst, v.nonFinite(), growth),
        "the learning rate is too high: " + what,
        "lower the learning rate (by 10x, then tune), add a warm-up, or clip gradient norms",
        "training loss" + (g != null ? " and gradient norms" : "")));
  }

  /** The numbers that show it; the gradient's growth only where gradient norms were logged. */
  private static java.util.Map<String, Double> evidence(double start, double worst, long nonFinite, double growth) {
    java.util.Map<String, Double> ev = RuleSupport.ev("start_loss", start, "worst_loss", Double.isNaN(worst) ? start : worst,
        "times_start", Double.isNaN(worst) ? 1 : worst / start, "non_finite_values", nonFinite);
    if (!Double.isNaN(growth)) {
      ev.put("gradient_growth", growth);
    }
    return ev;
  }
}
