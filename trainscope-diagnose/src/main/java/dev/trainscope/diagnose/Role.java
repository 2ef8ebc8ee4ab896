package dev.trainscope.diagnose;

/** What a tag measures, as far as the rules are concerned. */
public enum Role {
  LOSS,
  ACCURACY,
  LEARNING_RATE,
  /** Norm of a layer's gradient, one number per step. */
  GRAD_NORM,
  /** Histogram of a layer's gradient. */
  GRADIENTS,
  /** Histogram of a layer's weights. */
  WEIGHTS,
  /** Histogram of a layer's biases. */
  BIASES,
  /** ||lr * update|| / ||w|| of a layer. */
  UPDATE_RATIO,
  /** Fraction of a layer's gradient entries that are exactly zero. */
  GRAD_ZERO_FRACTION,
  /** Histogram of a layer's pre-activations (before the nonlinearity). */
  PRE_ACTIVATIONS,
  /** Histogram of a layer's activations (after the nonlinearity). */
  ACTIVATIONS,
  /** Fraction of a layer's units that are zero for the whole probe batch. */
  DEAD_UNITS,
  ACTIVATION_MEAN,
  ACTIVATION_STD,
  /** Histogram of the input values. */
  INPUTS,
  /** A fingerprint (hash) of each training batch. */
  BATCH_FINGERPRINT,
  OTHER;

  /** Parses a role name as users write it in overrides: "loss", "grad_norm", "dead-units". */
  public static Role parse(String s) {
    String n = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_').replace(' ', '_');
    try {
      return valueOf(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + s + "'; known: "
          + java.util.Arrays.toString(values()).toLowerCase(java.util.Locale.ROOT));
    }
  }
}
