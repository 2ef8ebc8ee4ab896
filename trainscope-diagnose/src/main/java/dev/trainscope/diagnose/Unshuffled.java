package dev.trainscope.diagnose;

import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * Training data fed in a fixed, sorted order (say by class) and never shuffled. Two signatures:
 * a per-step loss that swings by orders of magnitude within each epoch in the same pattern every
 * epoch (a saw-tooth with the epoch's period: low while a class lasts, high when the next one
 * begins); or, in logs that average the loss over the epoch, a validation accuracy at chance level
 * after the first epoch (the network predicts the class it saw last) while the accuracy measured on
 * the training stream is far above it (each batch holds one class, and predicting the current
 * class is right on the stream), and validation then improves.
 */
final class Unshuffled implements Rule {
  static final String SUGGESTION = "shuffle the training data every epoch (DataLoader(shuffle=True), "
      + "dataset.shuffle(buffer) with a buffer as large as the data set)";

  @Override
  public String id() {
    return "unshuffled-data";
  }

  @Override
  public Coverage coverage(Subject s) {
    Facts f = Facts.of(s);
    if (f.trainLoss != null && epochLength(s) > 0) {
      return Coverage.checked("per-step training loss over epochs");
    }
    if (f.trainAcc != null && f.valAcc != null) {
      return Coverage.partly("no per-step loss with known epochs: judged from training against validation accuracy");
    }
    if (!s.withRole(Role.BATCH_FINGERPRINT).isEmpty()) {
      return Coverage.partly("only batch fingerprints: a fixed order is seen, not whether it is sorted");
    }
    return Coverage.notChecked("needs a per-step training loss and the epochs, or training and validation accuracy");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    if (!sawTooth(s, t, out) && !streamAccuracy(s, t, out)) {
      fixedOrder(s, t, out);
    }
  }

  /**
   * Batch fingerprints that come back in the same order, cycle after cycle: the data are fed in a
   * fixed order and never reshuffled. Without the saw-tooth (data not sorted by class) that costs
   * little, so it is for information.
   */
  private void fixedOrder(Subject s, Thresholds t, List<Finding> out) {
    for (TagRole tag : s.withRole(Role.BATCH_FINGERPRINT)) {
      if (tag.kind() != TagKind.SCALAR) {
        continue;
      }
      Series v = s.series(tag);
      int cycle = RuleSupport.cycle(v);
      if (cycle >= t.get(Threshold.REPEAT_CYCLE_BATCHES) && v.size() >= 2 * cycle) {
        out.add(new Finding(id(), Severity.INFO, v.run(), List.of(v.tag()), "", v.steps()[cycle], v.lastStep(),
            RuleSupport.ev("batches_per_cycle", cycle, "batches", v.size()),
            "the batches come in the same order every epoch (a cycle of " + cycle + " distinct batches): the training"
                + " data are not reshuffled between epochs", SUGGESTION, "batch fingerprints"));
        return;
      }
    }
  }

  private boolean sawTooth(Subject s, Thresholds t, List<Finding> out) {
    Series v = Facts.of(s).trainLoss;
    long epoch = epochLength(s);
    if (v == null || epoch <= 0 || v.nonFinite() > 0 || Facts.isEpochLevel(tagOf(s, v))) {
      return false;
    }
    // the points of each epoch, by their position in it
    List<double[]> epochs = new ArrayList<>();
    long first = v.steps()[0];
    int i = 0;
    while (i < v.size()) {
      long e = (v.steps()[i] - first) / epoch;
      List<Double> pts = new ArrayList<>();
      while (i < v.size() && (v.steps()[i] - first) / epoch == e) {
        pts.add(Math.log(Math.max(v.values()[i], 1e-12)));
        i++;
      }
      epochs.add(pts.stream().mapToDouble(Double::doubleValue).toArray());
    }
    if (epochs.size() < 2) {
      return false;
    }
    double[] a = epochs.get(epochs.size() - 2);
    double[] b = epochs.get(epochs.size() - 1);
    int n = Math.min(a.length, b.length);
    if (n < 5) {
      return false;
    }
    double corr = correlation(a, b, n);
    double swing = Math.exp(Stats.max(b) - Stats.min(b));
    if (corr < t.get(Threshold.UNSHUFFLED_CORRELATION) || swing < t.get(Threshold.UNSHUFFLED_SWING)) {
      return false;
    }
    out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), "", v.steps()[0], v.lastStep(),
        RuleSupport.ev("swing_in_last_epoch", swing, "epoch_to_epoch_correlation", corr, "epoch_steps", epoch),
        "the training data are probably not shuffled: within each epoch the loss swings " + RuleSupport.fmt(swing)
            + " times from low to high in the same pattern every epoch (correlation " + RuleSupport.fmt(corr)
            + " between the last two epochs): a saw-tooth with the epoch's period of " + epoch + " steps",
        SUGGESTION, "per-step training loss over epochs"));
    return true;
  }

  private boolean streamAccuracy(Subject s, Thresholds t, List<Finding> out) {
    Facts f = Facts.of(s);
    Series train = f.trainAcc;
    Series val = f.valAcc;
    if (train == null || val == null || val.size() < 2 || f.valLoss == null || f.valLoss.size() < 2) {
      return false;
    }
    double gap = RuleSupport.valueNear(train, val.steps()[0]) - val.values()[0];
    double chance = f.classes >= 2 ? 1.0 / f.classes : t.get(Threshold.UNSHUFFLED_FIRST_ACCURACY);
    if (val.values()[0] > t.get(Threshold.CHANCE_ACCURACY) * chance) {
      return false; // after a sorted epoch the network predicts the last class it saw: chance level
    }
    boolean valImproves = f.valLoss.values()[f.valLoss.size() - 1] < f.valLoss.values()[0]
        && val.values()[val.size() - 1] > val.values()[0];
    Series loss = f.trainEpochLoss != null ? f.trainEpochLoss : f.trainLoss;
    boolean collapsed = loss != null && Double.isFinite(f.startLoss)
        && Stats.mean(loss.values(), RuleSupport.tailStart(loss.size(), 0.1), loss.size()) <= t.get(Threshold.REPEAT_COLLAPSE) * f.startLoss;
    if (gap < t.get(Threshold.UNSHUFFLED_GAP) || !valImproves || collapsed) {
      return false;
    }
    out.add(new Finding(id(), Severity.WARNING, val.run(), List.of(train.tag(), val.tag()), "", val.steps()[0],
        val.lastStep(), RuleSupport.ev("train_accuracy_first_epoch", gap + val.values()[0], "val_accuracy_first_epoch",
            val.values()[0], "gap", gap),
        "the training data are probably not shuffled: after the first epoch validation accuracy is at chance level ("
            + RuleSupport.fmt(val.values()[0]) + ") while accuracy on the training stream is " + RuleSupport.fmt(gap + val.values()[0])
            + ", and validation then improves: batches that each hold one class are easy to get right on the stream,"
            + " and the network ends each epoch predicting the class it saw last",
        SUGGESTION, "training against validation accuracy (no per-step loss logged)"));
    return true;
  }

  /** The number of steps per epoch: from an epoch counter, else from the spacing of epoch-level values; 0 when unknown. */
  static long epochLength(Subject s) {
    TagRole counter = s.first(Role.EPOCH, dev.trainscope.events.meaning.Split.UNKNOWN);
    if (counter != null) {
      Series e = s.series(counter);
      List<Long> starts = new ArrayList<>();
      double last = Double.NaN;
      for (int i = 0; i < e.size(); i++) {
        if (e.values()[i] != last) {
          starts.add(e.steps()[i]);
          last = e.values()[i];
        }
      }
      return starts.size() >= 3 ? starts.get(starts.size() - 1) - starts.get(starts.size() - 2) : 0;
    }
    // evaluations at the end of each epoch, on the global step (not numbered by epoch: 0, 1, 2...)
    Series val = Facts.of(s).valLoss;
    if (val != null && val.size() >= 2 && val.steps()[1] - val.steps()[0] > 1) {
      return val.steps()[val.size() - 1] - val.steps()[val.size() - 2];
    }
    return 0;
  }

  private static TagRole tagOf(Subject s, Series v) {
    for (TagRole t : s.roles()) {
      if (t.run().equals(v.run()) && t.tag().equals(v.tag())) {
        return t;
      }
    }
    throw new IllegalStateException(v.tag());
  }

  static double correlation(double[] a, double[] b, int n) {
    double ma = Stats.mean(a, 0, n);
    double mb = Stats.mean(b, 0, n);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
  }
}
