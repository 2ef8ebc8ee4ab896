package dev.trainscope.diagnose;

/**
 * A number the rules compare against that is fixed (not a {@link Threshold} a user may change):
 * its value, unit, and in its Javadoc what it means and where it comes from. Numerical guards
 * against division by zero (1e-12) and smoothing factors are not limits and stay in the code.
 */
enum Limit {
  /**
   * A training loss this many times its first value (or ln K, if higher) has blown up, so the
   * weights logged after it show the wreck, not the start; as the default of {@link
   * Threshold#SURGE_EARLY_FACTOR}, from the labelled runs.
   */
  BLOWN_UP(5.0, Threshold.Unit.RATIO),
  /**
   * Divergence: a smoothed loss whose minimum comes before this share of its points is compared
   * with that minimum as a multiple ({@link Threshold#DIVERGENCE_FACTOR} times it); one whose
   * minimum comes later, or is not positive, by the same amount added. Practitioner's rule.
   */
  DIVERGENCE_EARLY_MINIMUM(0.9, Threshold.Unit.SHARE),
  /**
   * Repeated batches: fingerprints that follow their first repeat's period for at least this
   * share of the points after it come back as a cycle, each batch once a cycle (the first repeat
   * may come back to the cycle's first batch only). Practitioner's rule.
   */
  CYCLE_IN_ORDER(0.9, Threshold.Unit.SHARE),
  /**
   * Saturation: outputs all within plus or minus this are of a bounded nonlinearity (tanh, or
   * sigmoid when none is negative): 1 with a margin for rounding. The activations' own ranges.
   */
  BOUNDED_OUTPUT(1.0001, Threshold.Unit.ACTIVATION),
  /** A unit's output within this of 0 counts as zero (ReLU's dead units, sigmoid's lower bound). Practitioner's rule. */
  ZERO_OUTPUT(1e-6, Threshold.Unit.ACTIVATION),
  /**
   * Saturation: outputs in [0, 1] with fewer than this share exactly at zero are a sigmoid's (a
   * ReLU clipped at 1 has many zeros). Practitioner's rule.
   */
  SIGMOID_ZEROS(0.01, Threshold.Unit.SHARE),
  /** Stall: an accuracy that never rises by {@link Threshold#STALL_ACCURACY_DELTA} at once has stalled only while below this. Practitioner's rule. */
  STALL_ACCURACY_CEILING(0.7, Threshold.Unit.ACCURACY),
  /**
   * A learning rate that rose above this factor between two steps (a warm-up, a schedule's
   * step) explains a loss surge between them. Practitioner's rule.
   */
  LR_RAISED(1.2, Threshold.Unit.RATIO),
  /**
   * Inputs too large: a training loss whose last tenth ends below this share of its first value
   * is learning; one that does not is wrong for another reason. Practitioner's rule.
   */
  LEARNING_LOSS_SHARE(0.5, Threshold.Unit.SHARE),
  /**
   * Overfitting: a training accuracy ending above this takes {@link Threshold#OVERFIT_GAP_HIGH}
   * as the gap bound, else {@link Threshold#OVERFIT_GAP_LOW}. AUTOTRAINER's test-gap rule.
   */
  OVERFIT_HIGH_ACCURACY(0.9, Threshold.Unit.ACCURACY),
  /**
   * Symmetric initialisation: the spread of equal weights is compared with their mean, or with
   * this when the mean is smaller (weights all near 0). Practitioner's rule.
   */
  SYMMETRIC_MEAN_FLOOR(1e-3, Threshold.Unit.WEIGHT);

  private final double value;
  private final Threshold.Unit unit;

  Limit(double value, Threshold.Unit unit) {
    this.value = value;
    this.unit = unit;
  }

  double value() {
    return value;
  }

  Threshold.Unit unit() {
    return unit;
  }
}
