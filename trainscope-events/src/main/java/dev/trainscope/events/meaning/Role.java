package dev.trainscope.events.meaning;

import java.util.Locale;

/**
 * What a tag holds: the one vocabulary of the project. Trainscope's writers put a tag's role in
 * its description ({@link TagMeaning#line()}); the store reads it once when the tag is first seen,
 * or infers it from the naming habits of other writers; the diagnosis, the Layers view, the graph
 * and the page's tabs all read it from there. {@link #id()} is the name used in descriptions, in
 * the HTTP API and in {@code --role} overrides.
 */
public enum Role {
  LOSS("loss"),
  ACCURACY("accuracy"),
  /** Any other evaluation metric. */
  METRIC("metric"),
  LEARNING_RATE("learning_rate"),
  STEPS_PER_SEC("steps_per_sec"),
  /** The epoch counter some writers log as a scalar (Lightning's {@code epoch}). */
  EPOCH("epoch"),
  /**
   * The L2 norm of a parameter's gradient, one number per step; with no layer, of all the
   * network's gradients together (Lightning's {@code grad_2.0_norm_total}).
   */
  GRAD_NORM("grad_norm"),
  /** Histogram of a parameter's gradient. */
  GRADIENTS("gradients"),
  /** Fraction of a parameter's gradient entries that are exactly zero. */
  GRAD_ZERO_FRACTION("grad_zero_fraction"),
  /** {@code ||w_after - w_before|| / ||w_before||} of a parameter's optimizer step. */
  UPDATE_RATIO("update_ratio"),
  /** Histogram of a layer's weights. */
  WEIGHTS("weights"),
  /** Histogram of a layer's biases. */
  BIASES("biases"),
  /** Histogram of a layer's output before its nonlinearity. */
  PRE_ACTIVATIONS("pre_activations"),
  /** Histogram of a layer's output after its nonlinearity. */
  ACTIVATIONS("activations"),
  /** Fraction of a layer's units that are zero for the whole probe batch. */
  DEAD_UNITS("dead_units"),
  ACTIVATION_MEAN("activation_mean"),
  ACTIVATION_STD("activation_std"),
  /** Pictures of input samples. */
  INPUT_IMAGES("input_images"),
  /** Histogram of the input values as the network sees them. */
  INPUTS("inputs"),
  /** A hash of each training batch: equal values, the same batch. */
  BATCH_FINGERPRINT("batch_fingerprint"),
  LATENT_TRAVERSAL("latent_traversal"),
  RECONSTRUCTIONS("reconstructions"),
  LATENT_STD("latent_std"),
  PREDICTIONS("predictions"),
  FILTERS("filters"),
  FEATURE_MAPS("feature_maps"),
  /** The images that excite a convolution's channel most. */
  FEATURE_TOP9("feature_top9"),
  /** Their deconvnet reconstructions. */
  FEATURE_DECONV("feature_deconv"),
  /** Their guided back-propagation reconstructions. */
  FEATURE_GUIDED("feature_guided"),
  /** Their ranking, as text. */
  FEATURE_RANKING("feature_ranking"),
  /** A hyperparameter search's summary metric (Lightning and tensorboardX's {@code hp_metric}). */
  HP_METRIC("hp_metric"),
  /** None of the above, or not known. */
  OTHER("other");

  private final String id;

  Role(String id) {
    this.id = id;
  }

  /** The role's name in descriptions and overrides: lower case, words joined by '_'. */
  public String id() {
    return id;
  }

  /** The role with the given id, as users write it too ("loss", "grad_norm", "dead-units", "Dead Units"). */
  public static Role parse(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (Role r : values()) {
      if (r.id.equals(n)) {
        return r;
      }
    }
    StringBuilder known = new StringBuilder();
    for (Role r : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(r.id);
    }
    throw new IllegalArgumentException("unknown role '" + s + "'; known: " + known);
  }
}
