package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;
import java.util.List;

/**
 * The learning rate is too low: the loss barely improves and the weights barely move, though
 * gradients reach every layer (they are neither vanishing nor zero). Read from the update/weight
 * ratio where it is logged (far below DL4J's 1e-3), else from how far each layer's weights moved
 * between their first and last histogram.
 */
final class LrTooLow implements Rule {
  @Override
  public String id() {
    return "lr-too-low";
  }

  @Override
  public Coverage coverage(Subject s) {
    if (!s.byLayer(Role.UPDATE_RATIO).isEmpty()) {
      return Coverage.checked("update/weight ratios");
    }
    return Movement.layers(s).isEmpty() ? Coverage.notChecked("no update ratios or weight histograms logged")
        : Coverage.partly("no update ratios logged: judged from how far the weights moved");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    Series loss = Facts.of(s).trainLoss;
    if (loss == null || loss.size() < 5 || !Movement.lossStalled(s, t) || gradientsBlocked(s, t)) {
      return;
    }
    int n = loss.size();
    double first = Stats.mean(loss.values(), 0, Math.max(1, n / 10));
    double last = Stats.mean(loss.values(), RuleSupport.tailStart(n, 0.1), n);
    double improvement = (first - last) / first;
    Series lr = Facts.of(s).lr;
    String lrText = lr == null || lr.isEmpty() ? "" : " at a learning rate of " + RuleSupport.fmt(lr.values()[lr.size() - 1]);
    // update/weight ratios, where logged
    double worst = Double.NaN;
    for (TagRole u : s.byLayer(Role.UPDATE_RATIO).values()) {
      Series v = s.series(u);
      if (v.size() >= 5) {
        double r = Stats.median(v.values(), RuleSupport.tailStart(v.size(), 0.3), v.size());
        worst = Double.isNaN(worst) ? r : Math.max(worst, r);
      }
    }
    if (!Double.isNaN(worst)) {
      if (worst > 0 && worst < t.get(Threshold.UPDATE_LOW)) {
        out.add(finding(loss, improvement, "the largest update is " + RuleSupport.fmt(worst) + " of its layer's weights (healthy:"
            + " about 1e-3)" + lrText, RuleSupport.ev("improvement", improvement, "largest_update_ratio", worst),
            "update/weight ratios and training loss"));
      }
      return;
    }
    List<Movement.LayerMove> moves = Movement.layers(s);
    if (moves.isEmpty()) {
      return;
    }
    double most = 0;
    double least = Double.POSITIVE_INFINITY;
    for (Movement.LayerMove m : moves) {
      most = Math.max(most, m.moved());
      least = Math.min(least, m.moved());
    }
    // every layer barely moved, and alike: layers still while others move are vanishing gradients
    if (most >= t.get(Threshold.LRLOW_MOVEMENT) || least < t.get(Threshold.VANISHING_RATIO) * most) {
      return;
    }
    out.add(finding(loss, improvement, "no layer's weights moved more than " + RuleSupport.fmt(100 * most)
            + "% of their spread" + lrText, RuleSupport.ev("improvement", improvement, "largest_movement", most,
            "smallest_movement", least),
        "weight histograms and training loss (no update ratios logged)"));
  }

  private Finding finding(Series loss, double improvement, String why, java.util.Map<String, Double> ev, String basis) {
    return new Finding(id(), Severity.WARNING, loss.run(), List.of(loss.tag()), "", loss.steps()[0], loss.lastStep(), ev,
        "the learning rate is probably too low: the training loss improved only " + RuleSupport.fmt(100 * improvement)
            + "% and " + why, "raise the learning rate (by 10x, then tune); a learning-rate range test finds a good one",
        basis);
  }

  /** True when gradients are logged and do not reach the first layer: vanishing or zero, no learning rate helps. */
  private static boolean gradientsBlocked(Subject s, Thresholds t) {
    List<Gradients.LayerNorms> norms = Gradients.any(s);
    if (norms.isEmpty()) {
      return false;
    }
    Gradients.LayerNorms first = norms.get(0);
    Gradients.LayerNorms last = norms.get(norms.size() - 1);
    return !(first.tail() > 0) || first.tail() < t.get(Threshold.VANISHING_NORM)
        || (norms.size() >= 2 && first.tail() < t.get(Threshold.VANISHING_RATIO) * last.tail());
  }
}
