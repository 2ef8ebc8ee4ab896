package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;

import java.util.List;

/** The loss became NaN or infinite, or absurdly large: numbers have blown up (AUTOTRAINER's nan_loss). */
final class NonFiniteLoss implements Rule {
  @Override
  public String id() {
    return "nan-loss";
  }

  @Override
  public Coverage coverage(Subject s) {
    return s.withRole(Role.LOSS).isEmpty() ? Coverage.notChecked("no loss logged") : Coverage.checked("loss");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    for (TagRole tag : s.withRole(Role.LOSS)) {
      Series v = s.series(tag);
      if (v.isEmpty()) {
        continue;
      }
      if (v.nonFinite() > 0) {
        out.add(new Finding(id(), Severity.ERROR, v.run(), List.of(v.tag()), "", v.firstNonFiniteStep(), v.lastStep(),
            RuleSupport.ev("non_finite_values", v.nonFinite(), "first_step", v.firstNonFiniteStep()),
            "loss '" + v.tag() + "' became NaN or infinite at step " + v.firstNonFiniteStep() + " ("
                + v.nonFinite() + " values)",
            "the learning rate is probably too high, or a log/division met zero: lower the learning rate, clip "
                + "gradients, check the inputs for NaN and the loss for log(0)"));
        continue;
      }
      double max = Stats.max(v.max());
      if (max >= t.get(Threshold.LOSS_MAX)) {
        int i = Stats.argMax(v.max());
        out.add(new Finding(id(), Severity.ERROR, v.run(), List.of(v.tag()), "", v.steps()[i], v.lastStep(),
            RuleSupport.ev("max_loss", max), "loss '" + v.tag() + "' reached " + RuleSupport.fmt(max) + " at step " + v.steps()[i],
            "the loss has exploded: lower the learning rate, clip gradients, normalise the inputs"));
      }
    }
  }
}
