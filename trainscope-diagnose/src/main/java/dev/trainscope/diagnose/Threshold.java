package dev.trainscope.diagnose;

/**
 * A number the rules compare against that a user may change by name ({@code --threshold
 * vanishing.ratio=1e-4}): its name, default, unit, and in its Javadoc what it means and where it
 * comes from. {@link Thresholds} holds one value of each; the numbers the rules use that cannot
 * be changed are {@link Limit}s.
 *
 * <p>Sources: AUTOTRAINER (Zhang et al., "AUTOTRAINER: An Automatic DNN Training Problem Detection
 * and Repair System", ICSE 2021, its default parameters beta_1 = 1e-3, beta_2 = 1e-4, beta_3 = 70,
 * gamma = 0.7, zeta = 0.03, eta = 0.2, delta = 0.01, its large-weight bound 5 and test-gap rule),
 * DeepDiagnosis (Wardat et al., ICSE 2022: saturation and out-of-range inputs), DL4J's tuning guide
 * (an update/parameter ratio near 1e-3); the rest are practitioners' rules, several set on the
 * labelled training runs of {@code DiagnosisBenchmark} (said where so).
 */
public enum Threshold {
  /**
   * Vanishing gradients: the first layer's gradient norm over the last layer's below this (with
   * {@link #VANISHING_NORM}); also the share of the most-moving layer's movement the first layer's
   * stays below when there are no gradients. AUTOTRAINER's beta_1.
   */
  VANISHING_RATIO("vanishing.ratio", 1e-3, Unit.RATIO),
  /** Vanishing gradients: the first layer's gradient norm below this. AUTOTRAINER's beta_2. */
  VANISHING_NORM("vanishing.norm", 1e-4, Unit.GRADIENT_NORM),
  /** Exploding gradients: the first layer's gradient norm over the last layer's above this. AUTOTRAINER's beta_3. */
  EXPLODING_RATIO("exploding.ratio", 70.0, Unit.RATIO),
  /** Exploding gradients: a layer's gradient norm growing by this factor over the run. Practitioner's rule. */
  EXPLODING_GROWTH("exploding.growth", 1e3, Unit.RATIO),
  /** Dead units: the share of zero gradients (here also of dead units) at or above which a layer is dead. AUTOTRAINER's gamma. */
  DEAD_FRACTION("dead.fraction", 0.7, Unit.SHARE),
  /** Oscillation: an up-and-down move of at least this share of the series' level counts. AUTOTRAINER's zeta. */
  OSCILLATION_AMPLITUDE("oscillation.amplitude", 0.03, Unit.SHARE),
  /** Oscillation: at least this share of steps oscillating. AUTOTRAINER's eta. */
  OSCILLATION_RATE("oscillation.rate", 0.2, Unit.SHARE),
  /** Oscillation: long series are judged as this many block means, per-batch noise averaged out. Practitioner's rule. */
  OSCILLATION_BLOCKS("oscillation.blocks", 50.0, Unit.COUNT),
  /** Stall: the largest single improvement of accuracy below which it has stalled. AUTOTRAINER's delta. */
  STALL_ACCURACY_DELTA("stall.accuracyDelta", 0.01, Unit.ACCURACY),
  /** Stall: the loss's relative improvement between its first and its last tenth below which it has stalled. Practitioner's rule. */
  STALL_LOSS_IMPROVEMENT("stall.lossImprovement", 0.01, Unit.SHARE),
  /** Stall: after this many points, a loss that improved by less than {@link #STALL_SLOW_IMPROVEMENT} improves too slowly. Practitioner's rule. */
  STALL_SLOW_POINTS("stall.slowPoints", 200.0, Unit.POINTS),
  /** Stall: see {@link #STALL_SLOW_POINTS}. Practitioner's rule. */
  STALL_SLOW_IMPROVEMENT("stall.slowImprovement", 0.25, Unit.SHARE),
  /** Non-finite loss: NaN, or a loss this large. AUTOTRAINER. */
  LOSS_MAX("loss.max", 1e5, Unit.LOSS),
  /** Loss surge: a loss value this many robust deviations (MAD) above the recent median... Practitioner's rule (robust outlier test). */
  SURGE_MADS("surge.mads", 10.0, Unit.MADS),
  /** Loss surge: ...and this many times that median. Practitioner's rule. */
  SURGE_FACTOR("surge.factor", 2.0, Unit.RATIO),
  /** Loss surge: the recent window the median and MAD are taken over. Practitioner's rule. */
  SURGE_WINDOW("surge.window", 20.0, Unit.POINTS),
  /**
   * Loss surge: rising by at least this share of the loss's first value. A jump from 0.03 to 0.2
   * late in training is per-batch noise near convergence (a batch of hard examples), not a
   * learning rate too high. Set on the labelled runs.
   */
  SURGE_MIN_RISE("surge.minRise", 0.25, Unit.SHARE),
  /**
   * Loss surge: within the first window, one raw loss this many times the first, the network blown
   * up in a step. Set on the labelled runs: the demo's lr-high fault shows 18-28 times, every
   * healthy or other-fault run at most 1.13 times.
   */
  SURGE_EARLY_FACTOR("surge.earlyFactor", 5.0, Unit.RATIO),
  /** Divergence: the smoothed loss ending this many times above its minimum, having risen since. Practitioner's rule. */
  DIVERGENCE_FACTOR("divergence.factor", 2.0, Unit.RATIO),
  /** Divergence: and having risen by this share of the loss's first value. Set on the labelled runs. */
  DIVERGENCE_MIN_RISE("divergence.minRise", 0.25, Unit.SHARE),
  /** Overfitting: the validation loss rising this share above its minimum while the training loss falls. Practitioner's rule. */
  OVERFIT_RISE("overfit.rise", 0.1, Unit.SHARE),
  /** Overfitting: the gap, training minus validation accuracy, above which it overfits, when training accuracy ends at most 0.9. AUTOTRAINER's test gap. */
  OVERFIT_GAP_LOW("overfit.gapLow", 0.1, Unit.ACCURACY),
  /** Overfitting: the same gap when training accuracy ends above 0.9. AUTOTRAINER's test gap. */
  OVERFIT_GAP_HIGH("overfit.gapHigh", 0.07, Unit.ACCURACY),
  /** Large weights: weights larger than this in absolute value. AUTOTRAINER. */
  WEIGHTS_MAX("weights.max", 5.0, Unit.WEIGHT),
  /** Large weights: a spread (std) this many times the first one, once the largest weight exceeds {@link #WEIGHTS_GROWTH_FLOOR}. Practitioner's rule. */
  WEIGHTS_GROWTH("weights.growth", 10.0, Unit.RATIO),
  /** Large weights: see {@link #WEIGHTS_GROWTH}. Practitioner's rule. */
  WEIGHTS_GROWTH_FLOOR("weights.growthFloor", 1.0, Unit.WEIGHT),
  /** Update ratio: an update's size over its parameter's below this is far from the healthy 1e-3. DL4J's tuning guide. */
  UPDATE_LOW("update.low", 1e-5, Unit.RATIO),
  /** Update ratio: above this is far from the healthy 1e-3. DL4J's tuning guide. */
  UPDATE_HIGH("update.high", 1e-1, Unit.RATIO),
  /** Saturation: pre-activations beyond plus or minus this saturate tanh and sigmoid. DeepDiagnosis. */
  SATURATION_BOUND("saturation.bound", 5.0, Unit.ACTIVATION),
  /** Saturation: this share of pre-activations beyond {@link #SATURATION_BOUND}. DeepDiagnosis. */
  SATURATION_FRACTION("saturation.fraction", 0.3, Unit.SHARE),
  /** Saturation: a post-activation within plus or minus this is a bounded nonlinearity such as tanh or sigmoid. Practitioner's rule. */
  SATURATION_OUTPUT_BOUND("saturation.outputBound", 1.0001, Unit.ACTIVATION),
  /** Unnormalised inputs: inputs whose mean is farther from 0 than this. DeepDiagnosis (out-of-range inputs). */
  INPUTS_MEAN("inputs.mean", 1.0, Unit.INPUT),
  /** Unnormalised inputs: inputs whose values reach farther than this. DeepDiagnosis (out-of-range inputs). */
  INPUTS_MAX("inputs.max", 10.0, Unit.INPUT),
  /** Unnormalised inputs: input features (one histogram each) whose spreads differ by this factor are on different scales. Practitioner's rule. */
  INPUTS_SCALE_RATIO("inputs.scaleRatio", 100.0, Unit.RATIO),
  /** Repeated batches: the share of batches seen before at which batches repeat. Practitioner's rule. */
  REPEAT_FRACTION("repeat.fraction", 0.5, Unit.SHARE),
  /**
   * Repeated batches: batches that repeat as a cycle of at least this many distinct ones, each
   * once a cycle, are a data set fed in the same order every epoch, not one batch fed again.
   * Practitioner's rule.
   */
  REPEAT_CYCLE_BATCHES("repeat.cycleBatches", 10.0, Unit.COUNT),
  /** Repeated batches, without fingerprints: validation loss this many times the training loss at the first or second evaluation... Set on the labelled runs. */
  REPEAT_VAL_OVER_TRAIN("repeat.valOverTrain", 5.0, Unit.RATIO),
  /** ...the training loss ending below this share of its start... Set on the labelled runs. */
  REPEAT_COLLAPSE("repeat.collapse", 0.01, Unit.SHARE),
  /** ...and validation accuracy gaining at most this. Set on the labelled runs. */
  REPEAT_VAL_GAIN("repeat.valGain", 0.03, Unit.ACCURACY),
  /**
   * A broken start: a first loss this many times ln K (K classes). Set on the labelled runs: healthy
   * ones start at most 1.7 ln K.
   */
  START_LOSS_FACTOR("start.lossFactor", 20.0, Unit.RATIO),
  /** A broken start: a first loss this large when K is unknown. Set on the labelled runs. */
  START_LOSS_MAX("start.lossMax", 50.0, Unit.LOSS),
  /** A broken start: a first gradient norm this large. Set on the labelled runs: healthy ones start at most 2.1. */
  START_GRAD_NORM("start.gradNorm", 50.0, Unit.GRADIENT_NORM),
  /** Weights whose first spread is this many times 1/sqrt(fan-in) are far too wide (He's initialisation: 1.41). Practitioner's rule. */
  INIT_LARGE("init.large", 2.5, Unit.INIT_SCALE),
  /** Saturation without activations logged: weights this wide saturate bounded units (in a finite training). Practitioner's rule. */
  SATURATION_INIT_SCALE("saturation.initScale", 10.0, Unit.INIT_SCALE),
  /** Saturation: a bounded unit within this much of its bound is at it. Practitioner's rule. */
  SATURATION_EDGE("saturation.edge", 0.03, Unit.ACTIVATION),
  /** Saturation: this share of a bounded layer's outputs at its bounds is saturation. Practitioner's rule. */
  SATURATION_POST_FRACTION("saturation.postFraction", 0.5, Unit.SHARE),
  /** Saturation: and at least this share at each of the two bounds. Practitioner's rule. */
  SATURATION_EACH_BOUND("saturation.eachBound", 0.1, Unit.SHARE),
  /** Dead ReLU: a layer with this share of zero outputs is dead. Practitioner's rule. */
  DEAD_ZERO_SHARE("dead.zeroShare", 0.95, Unit.SHARE),
  /** Dead ReLU: biases all at or below this leave a layer dead. Practitioner's rule. */
  DEAD_BIAS_MAX("dead.biasMax", -1.0, Unit.WEIGHT),
  /** Vanishing gradients without gradients logged: the largest layer movement below which vanishing is not judged. Practitioner's rule. */
  VANISHING_MIN_MOVE("vanishing.minMove", 1e-3, Unit.SHARE),
  /** A loss that improved by less than this share has stalled, for rules that look for why. Practitioner's rule. */
  STALL_MOVEMENT_IMPROVEMENT("stall.movementImprovement", 0.1, Unit.SHARE),
  /** Learning rate too low: no layer's weights moving this share of their spread. Practitioner's rule. */
  LRLOW_MOVEMENT("lrlow.movement", 0.05, Unit.SHARE),
  /** Inputs too large: a first loss this many times ln K, with weights of normal scale, that then learns. Set on the labelled runs. */
  INPUTS_LOSS_FACTOR("inputs.lossFactor", 20.0, Unit.RATIO),
  /** Inputs too large: the first layer's outputs this large with weights of normal scale. Set on the labelled runs. */
  INPUTS_ACTIVATION_MAX("inputs.activationMax", 50.0, Unit.ACTIVATION),
  /** Chance level: accuracy at most this many times 1/K. Practitioner's rule. */
  CHANCE_ACCURACY("chance.accuracy", 1.5, Unit.RATIO),
  /** Chance level: a loss within this share of ln K (the cross-entropy of a uniform guess). Practitioner's rule. */
  CHANCE_LOSS("chance.loss", 0.03, Unit.SHARE),
  /** Labels that do not match: validation accuracy at most this many times chance at its best... Set on the labelled runs. */
  LABELS_BEST_ACCURACY("labels.bestAccuracy", 2.0, Unit.RATIO),
  /** ...and at most this many times chance at the end... Set on the labelled runs. */
  LABELS_END_ACCURACY("labels.endAccuracy", 1.6, Unit.RATIO),
  /** ...while the training loss fell by this share. Set on the labelled runs. */
  LABELS_TRAIN_DROP("labels.trainDrop", 0.4, Unit.SHARE),
  /** Unshuffled data: the per-step loss swinging by this factor (highest over lowest) within an epoch... Set on the labelled runs. */
  UNSHUFFLED_SWING("unshuffled.swing", 10.0, Unit.RATIO),
  /** ...with this correlation of its pattern between epochs. Set on the labelled runs. */
  UNSHUFFLED_CORRELATION("unshuffled.correlation", 0.6, Unit.CORRELATION),
  /** Unshuffled data: or stream accuracy this far above validation accuracy at the first epoch. Set on the labelled runs. */
  UNSHUFFLED_GAP("unshuffled.gap", 0.3, Unit.ACCURACY),
  /** Unshuffled data: when the class count is unknown, a first validation accuracy at most this is chance level. Practitioner's rule. */
  UNSHUFFLED_FIRST_ACCURACY("unshuffled.firstAccuracy", 0.1, Unit.ACCURACY),
  /** Symmetric initialisation: a weight histogram spanning at most this share of its mean (or of 1e-3) is one spike, all weights equal. Practitioner's rule. */
  SYMMETRIC_RANGE("symmetric.range", 1e-6, Unit.SHARE);

  /** What a threshold's number is counted in. */
  public enum Unit {
    /** A quotient of two quantities of one kind, dimensionless: "this many times". */
    RATIO,
    /** A part of a whole or a relative change, dimensionless: 0.1 is 10 %. */
    SHARE,
    /** An accuracy, or a difference of accuracies, from 0 to 1. */
    ACCURACY,
    /** A number of logged points of a series. */
    POINTS,
    /** A number of things: blocks, batches. */
    COUNT,
    /** In the loss's own units. */
    LOSS,
    /** An L2 norm of gradients. */
    GRADIENT_NORM,
    /** A value of a weight or a bias. */
    WEIGHT,
    /** A value of a unit's output or pre-activation. */
    ACTIVATION,
    /** A value of the network's input. */
    INPUT,
    /** Multiples of 1/sqrt(fan-in), the spread of LeCun's initialisation. */
    INIT_SCALE,
    /** Robust deviations: multiples of the median absolute deviation. */
    MADS,
    /** A correlation coefficient, from -1 to 1. */
    CORRELATION
  }

  private final String id;
  private final double defaultValue;
  private final Unit unit;

  Threshold(String id, double defaultValue, Unit unit) {
    this.id = id;
    this.defaultValue = defaultValue;
    this.unit = unit;
  }

  /** The name a user gives it by: {@code vanishing.ratio}. */
  public String id() {
    return id;
  }

  public double defaultValue() {
    return defaultValue;
  }

  public Unit unit() {
    return unit;
  }

  /** The threshold of that name, or null. */
  static Threshold byId(String id) {
    for (Threshold t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    return null;
  }
}
