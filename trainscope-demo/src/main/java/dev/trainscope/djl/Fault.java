package dev.trainscope.djl;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * A known training fault that {@link Demo} can inject, so the logs show what it looks like (and the
 * diagnosis engine can be measured on runs whose fault is known). Each run writes its fault's
 * {@link #id()} as the hparam {@code fault}.
 */
public enum Fault {
  /** No fault: the demo as it should train. */
  NONE("none", "no fault: the CNN as it should train"),
  /** Adam at a learning rate 50 times too high: loss surges, then divergence. */
  LR_HIGH("lr-high", "learning rate far too high (Adam at 0.05): loss surges and divergence"),
  /** Adam at a learning rate 10,000 times too low: the loss stalls. */
  LR_LOW("lr-low", "learning rate far too low (Adam at 1e-7): the loss stalls"),
  /** Pixels fed as 0..255 rather than centred and scaled. */
  NO_NORMALIZE("no-normalize", "inputs not normalised: pixels in [0, 255]"),
  /** Biases start at -10, so every ReLU starts dead and most stay so. */
  DEAD_RELU("dead-relu", "biases initialised to -10: the ReLUs are dead"),
  /** A deep sigmoid MLP trained with SGD: gradients fade layer by layer. */
  VANISHING("vanishing", "a 10-layer sigmoid MLP with SGD: vanishing gradients"),
  /** Unnormalised inputs, a large initialisation and a high learning rate: gradients blow up. */
  EXPLODING("exploding", "a ReLU MLP initialised with N(0, 1), SGD at 0.1: exploding gradients"),
  /** 256 training samples and no dropout, trained long: the validation loss turns up. */
  OVERFIT("overfit", "256 training samples, no regularisation, many epochs: overfitting"),
  /** The same batch every step. */
  REPEAT_BATCH("repeat-batch", "the same batch at every step"),
  /** A tanh MLP with a large initialisation: the units sit at -1 and 1. */
  SATURATED("saturated", "a tanh MLP initialised with N(0, 1): saturated units"),
  /**
   * The training labels permuted among the digits (once, seeded by the run's seed; the validation
   * labels are true): the network can only memorise them, so validation accuracy stays at chance.
   */
  SHUFFLED_LABELS("shuffled-labels", "training labels randomly permuted: memorised, validation at chance"),
  /**
   * The training digits sorted by label and never shuffled: every epoch all the 0s, then all the 1s...
   * The network learns the digit of the moment: the loss falls within a digit and jumps at each change,
   * the accuracy on the stream is high, and on validation poor.
   */
  UNSHUFFLED("unshuffled", "training data sorted by label, never shuffled: a saw-tooth loss"),
  /**
   * A sigmoid MLP with every weight and bias initialised to 0: the units of a layer get the same
   * updates and stay copies of one another.
   */
  ZERO_INIT("zero-init", "a sigmoid MLP with every weight and bias 0: symmetric units");

  private final String id;
  private final String description;

  Fault(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The fault's name on the command line and in the hparams: {@code lr-high}. */
  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** The fault named {@code id} (as {@link #id()}, case-insensitive). */
  public static Fault of(String id) {
    Require.nonNull(id, "fault");
    for (Fault f : values()) {
      if (f.id.equals(id.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    StringJoiner known = new StringJoiner(", ");
    for (Fault f : values()) {
      known.add(f.id);
    }
    throw new IllegalArgumentException("unknown fault '" + id + "'; known: " + known);
  }
}
