package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the rules share about one training, read once: which series are its training and
 * validation loss and accuracy, how many classes it has, where its loss started, and each
 * layer's fan-in and initial scale. Every field is null or NaN when the logs do not tell.
 */
final class Facts {
  /** The training loss logged most often (per step or batch), or null. */
  final Series trainLoss;
  /** The training loss per epoch ({@code epoch_loss}, {@code train_loss_epoch}), or null. */
  final Series trainEpochLoss;
  final Series valLoss;
  final Series valAcc;
  /** The training accuracy per epoch when logged, else the one logged most often, or null. */
  final Series trainAcc;
  final Series lr;
  /** The norm of all gradients together (Lightning's {@code grad_2.0_norm_total}), or null. */
  final Series gradNormTotal;
  /** The number of classes: the output layer's bias count, or 0 when unknown. */
  final int classes;
  /** The first finite training loss, NaN when none. */
  final double startLoss;

  /** The facts of a subject, read once per subject. */
  static Facts of(Subject s) {
    return s.derived(Facts.class, Facts::new);
  }

  private Facts(Subject s) {
    List<TagRole> trainLosses = new ArrayList<>();
    for (TagRole t : s.withRole(Role.LOSS)) {
      if (t.split() != Split.VALIDATION && t.kind() == dev.trainscope.data.TagKind.SCALAR) {
        trainLosses.add(t);
      }
    }
    Series step = null;
    Series epoch = null;
    for (TagRole t : trainLosses) {
      Series v = safe(s, t);
      if (v == null || v.isEmpty()) {
        continue;
      }
      if (isEpochLevel(t)) {
        if (epoch == null) {
          epoch = v;
        }
      } else if (step == null || v.size() > step.size()) {
        step = v;
      }
    }
    this.trainLoss = step != null ? step : epoch;
    this.trainEpochLoss = epoch;
    this.valLoss = validation(s, Role.LOSS, epoch);
    Series accEpoch = null;
    Series accStep = null;
    for (TagRole t : s.withRole(Role.ACCURACY)) {
      if (t.split() == Split.VALIDATION) {
        continue;
      }
      Series v = safe(s, t);
      if (v == null || v.isEmpty()) {
        continue;
      }
      if (isEpochLevel(t)) {
        accEpoch = accEpoch == null ? v : accEpoch;
      } else if (accStep == null || v.size() > accStep.size()) {
        accStep = v;
      }
    }
    this.trainAcc = accEpoch != null ? accEpoch : accStep;
    this.valAcc = validation(s, Role.ACCURACY, trainAcc);
    TagRole lrTag = s.first(Role.LEARNING_RATE, Split.TRAIN);
    if (lrTag == null) {
      lrTag = s.first(Role.LEARNING_RATE, Split.UNKNOWN);
    }
    this.lr = lrTag == null ? null : safe(s, lrTag);
    Series total = null;
    for (TagRole t : s.withRole(Role.GRAD_NORM)) {
      if (t.layer().isEmpty() && t.kind() == dev.trainscope.data.TagKind.SCALAR) {
        total = safe(s, t);
        break;
      }
    }
    this.gradNormTotal = total;
    this.classes = classesOf(s);
    double first = Double.NaN;
    if (trainLoss != null) {
      for (double v : trainLoss.values()) {
        if (Double.isFinite(v)) {
          first = v;
          break;
        }
      }
    }
    this.startLoss = first;
  }

  /** ln K, the loss of a classifier that has learnt nothing; NaN when K is unknown. */
  double chanceLoss() {
    return classes >= 2 ? Math.log(classes) : Double.NaN;
  }

  /** A training that logs per epoch: {@code epoch_loss}, {@code train_loss_epoch}, {@code loss/epoch}. */
  static boolean isEpochLevel(TagRole t) {
    String low = t.tag().toLowerCase(Locale.ROOT);
    return low.startsWith("epoch_") || low.endsWith("_epoch") || low.contains("epoch");
  }

  private static Series validation(Subject s, Role role, Series sameNameAs) {
    TagRole found = null;
    for (TagRole t : s.withRole(role)) {
      if (t.split() != Split.VALIDATION || t.kind() != dev.trainscope.data.TagKind.SCALAR) {
        continue;
      }
      if (sameNameAs != null && t.tag().equals(sameNameAs.tag())) {
        found = t;
        break;
      }
      if (found == null) {
        found = t;
      }
    }
    return found == null ? null : safe(s, found);
  }

  private static Series safe(Subject s, TagRole t) {
    try {
      return s.series(t);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * K, from the bias of the last layer with weights: a classifier's output layer has one bias per
   * class. 0 when no such bias is logged, or it has one value or more than 100,000.
   */
  private static int classesOf(Subject s) {
    List<Layer> layers = s.weightLayers();
    for (int i = layers.size() - 1; i >= 0; i--) {
      TagRole b = layers.get(i).biasTag(Role.BIASES);
      if (b == null) {
        b = layers.get(i).biasTag(Role.WEIGHTS);
      }
      if (b != null) {
        HistogramStep h = RuleSupport.last(s.histograms(b));
        double n = h == null ? 0 : Hist.total(h);
        return n >= 2 && n <= 100_000 ? (int) Math.round(n) : 0;
      }
      if (layers.get(i).tag(Role.WEIGHTS) != null) {
        return 0; // the output layer has no bias logged
      }
    }
    return 0;
  }

  /**
   * The layer's weights' spread at their first histogram in units of 1/sqrt(fan-in), the scale of
   * LeCun's initialisation: PyTorch's default is 0.58, Glorot's 0.6-1.4, He's 1.41. NaN when the
   * fan-in or the weights are unknown.
   */
  static double initScale(Subject s, Layer l) {
    double fanIn = s.fanIn(l);
    TagRole w = l.tag(Role.WEIGHTS);
    if (!(fanIn > 0) || w == null) {
      return Double.NaN;
    }
    List<HistogramStep> h = s.histograms(w);
    if (h.isEmpty() || afterBlowUp(s, h.get(0).step(), w)) {
      return Double.NaN;
    }
    return Hist.std(h.get(0)) * Math.sqrt(fanIn);
  }

  /**
   * True when a training loss counted on the histogram's axis had already blown up at or before
   * {@code step} (became NaN or infinite, or rose to {@link Limit#BLOWN_UP} times its start): the
   * weights then show the wreck, not the start (Keras logs its first histograms after the first
   * epoch; some trainings log weights only at their end).
   */
  private static boolean afterBlowUp(Subject s, long step, TagRole hist) {
    Facts f = Facts.of(s);
    for (Series v : new Series[] {f.trainLoss, f.trainEpochLoss}) {
      if (v == null || v.isEmpty() || !v.run().equals(hist.run())) {
        continue;
      }
      boolean sameAxis = v.steps()[0] <= step && step <= v.lastStep();
      if (!sameAxis) {
        continue;
      }
      if (v.nonFinite() > 0 && v.firstNonFiniteStep() <= step) {
        return true;
      }
      double chance = f.chanceLoss();
      double level = Double.isFinite(chance) ? Math.max(v.values()[0], chance) : v.values()[0];
      for (int i = 1; i < v.size() && v.steps()[i] <= step; i++) {
        if (v.max()[i] >= Limit.BLOWN_UP.value() * level) {
          return true;
        }
      }
    }
    return false;
  }
}
