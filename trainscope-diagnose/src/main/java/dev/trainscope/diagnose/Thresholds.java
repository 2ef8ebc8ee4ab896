package dev.trainscope.diagnose;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers the rules compare against, each with its source; all can be changed by name
 * ({@code --threshold vanishing.ratio=1e-4}).
 *
 * <p>Defaults from AUTOTRAINER (Zhang et al., "AUTOTRAINER: An Automatic DNN Training Problem
 * Detection and Repair System", ICSE 2021, its default parameters beta_1 = 1e-3, beta_2 = 1e-4,
 * beta_3 = 70, gamma = 0.7, zeta = 0.03, eta = 0.2, delta = 0.01, and its large-weight bound 5 and
 * test-gap rule), DeepDiagnosis (Wardat et al., ICSE 2022: saturation and out-of-range inputs), and
 * DL4J's tuning guide (an update/parameter ratio near 1e-3).
 */
public final class Thresholds {
  private final Map<String, Double> values = new LinkedHashMap<>();

  private Thresholds() {
    // AUTOTRAINER: gradient ratio first/last layer below beta_1 with the first layer's norm below beta_2
    values.put("vanishing.ratio", 1e-3);
    values.put("vanishing.norm", 1e-4);
    // AUTOTRAINER: gradient ratio first/last layer above beta_3
    values.put("exploding.ratio", 70.0);
    // a layer's gradient norm growing by this factor over the run
    values.put("exploding.growth", 1e3);
    // AUTOTRAINER: gamma, the fraction of zero gradients (here also of dead units)
    values.put("dead.fraction", 0.7);
    // AUTOTRAINER: zeta (oscillation amplitude) and eta (share of steps oscillating)
    values.put("oscillation.amplitude", 0.03);
    values.put("oscillation.rate", 0.2);
    // long series are judged as this many block means (per-batch noise averaged out)
    values.put("oscillation.blocks", 50.0);
    // AUTOTRAINER: delta, the largest single improvement of accuracy below which it stalls
    values.put("stall.accuracyDelta", 0.01);
    // the loss's relative improvement between the first and the last tenth below which it stalls
    values.put("stall.lossImprovement", 0.01);
    // after this many points, a loss that improved by less than this share improves too slowly
    values.put("stall.slowPoints", 200.0);
    values.put("stall.slowImprovement", 0.25);
    // AUTOTRAINER: NaN loss or a loss this large
    values.put("loss.max", 1e5);
    // a loss value this many robust deviations (MAD) above the recent median, and this many times it
    values.put("surge.mads", 10.0);
    values.put("surge.factor", 2.0);
    // the recent window, in points
    values.put("surge.window", 20.0);
    // and rising by at least this share of the loss's first value: a jump from 0.03 to 0.2 late in
    // training is per-batch noise near convergence (a batch of hard examples), not a learning rate too high
    values.put("surge.minRise", 0.25);
    // within the first window, one raw loss this many times the first: the network blown up in a step
    // (the demo's lr-high fault: 18-28x; every healthy or other-fault run of the labelled benchmark: at most 1.13x)
    values.put("surge.earlyFactor", 5.0);
    // the smoothed loss ending this many times above its minimum, having risen since
    values.put("divergence.factor", 2.0);
    // and having risen by this share of the loss's first value
    values.put("divergence.minRise", 0.25);
    // validation loss rising this much above its minimum while training loss falls
    values.put("overfit.rise", 0.1);
    // AUTOTRAINER's test gap: train accuracy minus validation accuracy
    values.put("overfit.gapLow", 0.1);
    values.put("overfit.gapHigh", 0.07);
    // AUTOTRAINER: weights larger than this
    values.put("weights.max", 5.0);
    // a spread (std) this many times the first one, once the largest weight exceeds weights.growthFloor
    values.put("weights.growth", 10.0);
    values.put("weights.growthFloor", 1.0);
    // DL4J: update/parameter ratio near 1e-3; outside [low, high] is far from it
    values.put("update.low", 1e-5);
    values.put("update.high", 1e-1);
    // DeepDiagnosis: pre-activations beyond +-5 saturate tanh and sigmoid; this share of them
    values.put("saturation.bound", 5.0);
    values.put("saturation.fraction", 0.3);
    // a post-activation within +-this is a bounded (saturating) nonlinearity such as tanh or sigmoid
    values.put("saturation.outputBound", 1.0001);
    // inputs whose mean is farther from 0, or whose values reach farther, are not normalised
    values.put("inputs.mean", 1.0);
    values.put("inputs.max", 10.0);
    // input features (one histogram each) whose spreads differ by this factor are on different scales
    values.put("inputs.scaleRatio", 100.0);
    // the share of batches seen before at which batches repeat
    values.put("repeat.fraction", 0.5);
    // batches that repeat as a cycle of at least this many distinct ones, each once a cycle, are a data set
    // fed in the same order every epoch, not one batch fed again
    values.put("repeat.cycleBatches", 10.0);
    // without fingerprints: validation loss this many times the training loss at the first or second evaluation,
    values.put("repeat.valOverTrain", 5.0);
    // the training loss ending below this share of its start, and validation accuracy gaining at most this
    values.put("repeat.collapse", 0.01);
    values.put("repeat.valGain", 0.03);
    // a first loss this many times ln K (or this large when K is unknown), or a first gradient norm this
    // large, is a broken start (healthy labelled runs: at most 1.7 ln K and 2.1)
    values.put("start.lossFactor", 20.0);
    values.put("start.lossMax", 50.0);
    values.put("start.gradNorm", 50.0);
    // weights whose first spread is this many times 1/sqrt(fan-in) are far too wide (He: 1.41)
    values.put("init.large", 2.5);
    // without activations: weights this wide saturate bounded units (a finite training)
    values.put("saturation.initScale", 10.0);
    // a bounded unit within this much of its bound is at it; this share of outputs there is saturation
    values.put("saturation.edge", 0.03);
    values.put("saturation.postFraction", 0.5);
    // and at least this share at each of the two bounds
    values.put("saturation.eachBound", 0.1);
    // a ReLU layer with this share of zero outputs is dead; biases all at or below this leave it so
    values.put("dead.zeroShare", 0.95);
    values.put("dead.biasMax", -1.0);
    // without gradients: the largest layer movement below which vanishing is not judged
    values.put("vanishing.minMove", 1e-3);
    // a loss that improved by less than this share has stalled, for rules that look for why
    values.put("stall.movementImprovement", 0.1);
    // no layer's weights moving this share of their spread: steps too small
    values.put("lrlow.movement", 0.05);
    // first loss this many times ln K, with weights of normal scale, that then learns: inputs too large
    values.put("inputs.lossFactor", 20.0);
    // the first layer's outputs this large with weights of normal scale: inputs too large
    values.put("inputs.activationMax", 50.0);
    // accuracy at most this many times 1/K, or a loss within this share of ln K, is chance level
    values.put("chance.accuracy", 1.5);
    values.put("chance.loss", 0.03);
    // labels that do not match: validation accuracy at most this many times chance at best and at the end,
    // while the training loss fell by this share
    values.put("labels.bestAccuracy", 2.0);
    values.put("labels.endAccuracy", 1.6);
    values.put("labels.trainDrop", 0.4);
    // unshuffled data: the per-step loss swinging this many times within an epoch, with this correlation of
    // its pattern between epochs; or stream accuracy this far above validation accuracy at the first epoch
    values.put("unshuffled.swing", 10.0);
    values.put("unshuffled.correlation", 0.6);
    values.put("unshuffled.gap", 0.3);
    // when the class count is unknown, the first validation accuracy at most this is chance level
    values.put("unshuffled.firstAccuracy", 0.1);
    // a weight histogram spanning at most this share of its mean (or of 1e-3) is one spike: all weights equal
    values.put("symmetric.range", 1e-6);
  }

  public static Thresholds defaults() {
    return new Thresholds();
  }

  public double get(String name) {
    Double v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no threshold named '" + name + "'");
    }
    return v;
  }

  /** A copy with one threshold changed; throws for an unknown name or a value that is not finite. */
  public Thresholds with(String name, double value) {
    get(name);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("threshold " + name + " must be a finite number, was " + value);
    }
    Thresholds t = new Thresholds();
    t.values.putAll(values);
    t.values.put(name, value);
    return t;
  }

  /** Applies {@code name=value} settings. */
  public Thresholds with(Iterable<String> settings) {
    Thresholds t = this;
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("threshold must be name=value, was '" + s + "'");
      }
      double v;
      try {
        v = Double.parseDouble(s.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("threshold " + s.substring(0, eq) + " must be a number, was '"
            + s.substring(eq + 1) + "'");
      }
      t = t.with(s.substring(0, eq).trim(), v);
    }
    return t;
  }

  public Map<String, Double> all() {
    return java.util.Collections.unmodifiableMap(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s=%s%n", k, v)));
    return sb.toString();
  }
}
