package dev.trainscope.diagnose;

import java.util.List;

/** The rule registry: every rule, in order. The helpers rules share are in {@link RuleSupport}. */
public final class Rules {
  private Rules() {}

  /** All rules, in the order their findings are most useful to read. */
  public static List<Rule> all() {
    return List.of(new LrTooHigh(), new ExplodingGradients(), new UnnormalizedInputs(), new SymmetricInit(),
        new DeadUnits(), new Saturation(), new VanishingGradients(), new LrTooLow(), new LabelsMismatch(),
        new RepeatedBatches(), new Unshuffled(), new Overfitting(), new NonFiniteLoss(), new Divergence(),
        new Surge(), new Oscillation(), new Stall(), new ChanceLevel(), new LargeWeights(), new UpdateRatio(),
        new Restarted());
  }
}
