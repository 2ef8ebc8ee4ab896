package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The same batch fed again and again: a data loader that does not advance or shuffle. Read from
 * batch fingerprints when they are logged; else from input histograms or input images that are
 * identical at different steps; else from what it does to the curves: the training loss collapses
 * to almost nothing while the validation loss, from the first evaluation on, is many times higher
 * and the validation accuracy does not move (a network that has memorised a handful of samples).
 */
final class RepeatedBatches implements Rule {
  static final String SUGGESTION = "the data loader repeats batches: check that the iterator advances and that the "
      + "data are shuffled each epoch";

  @Override
  public String id() {
    return "repeated-batches";
  }

  @Override
  public Coverage coverage(Subject s) {
    if (!s.withRole(Role.BATCH_FINGERPRINT).isEmpty()) {
      return Coverage.checked("batch fingerprints");
    }
    if (!s.withRole(Role.INPUTS).isEmpty() || !s.withRole(Role.INPUT_IMAGES).isEmpty()) {
      return Coverage.checked(!s.withRole(Role.INPUTS).isEmpty() ? "input histograms" : "input images");
    }
    Facts f = Facts.of(s);
    if (f.trainLoss != null && f.valLoss != null) {
      return Coverage.partly("no batch fingerprints or input samples logged: judged from training against validation loss");
    }
    return Coverage.notChecked("no batch fingerprints, input samples, or training and validation losses");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    // the most direct evidence that is there decides; weaker evidence only where it is not
    Examined e = fingerprints(s, t, out);
    if (e == Examined.TOO_LITTLE) {
      e = inputHistograms(s, t, out);
    }
    if (e == Examined.TOO_LITTLE) {
      e = inputImages(s, t, out);
    }
    if (e == Examined.TOO_LITTLE) {
      fromCurves(s, t, out);
    }
  }

  /** What one kind of evidence said: a repeat found, none, or too little of it logged to tell. */
  private enum Examined {
    FOUND,
    CLEAR,
    TOO_LITTLE
  }

  private Examined fingerprints(Subject s, Thresholds t, List<Finding> out) {
    Examined result = Examined.TOO_LITTLE;
    for (TagRole tag : s.withRole(Role.BATCH_FINGERPRINT)) {
      if (tag.kind() != TagKind.SCALAR) {
        continue;
      }
      Series v = s.series(tag);
      if (v.size() < 10) {
        continue;
      }
      result = Examined.CLEAR;
      Set<Long> seen = new HashSet<>();
      int repeats = 0;
      long first = -1;
      for (int i = 0; i < v.size(); i++) {
        if (!seen.add(Double.doubleToLongBits(v.values()[i]))) {
          repeats++;
          if (first < 0) {
            first = v.steps()[i];
          }
        }
      }
      double frac = (double) repeats / v.size();
      if (frac >= t.get(Threshold.REPEAT_FRACTION) && RuleSupport.cycle(v) < t.get(Threshold.REPEAT_CYCLE_BATCHES)) {
        out.add(new Finding(id(), Severity.WARNING, v.run(), List.of(v.tag()), "", first, v.lastStep(),
            RuleSupport.ev("repeated_fraction", frac, "distinct_batches", seen.size(), "batches", v.size()),
            RuleSupport.fmt(100 * frac) + "% of the logged batches were seen before (" + seen.size() + " distinct of "
                + v.size() + ")", SUGGESTION, "batch fingerprints"));
        return Examined.FOUND;
      }
    }
    return result;
  }

  /** Input histograms that come back bucket for bucket at different steps: the same values. */
  private Examined inputHistograms(Subject s, Thresholds t, List<Finding> out) {
    Examined result = Examined.TOO_LITTLE;
    for (TagRole tag : s.withRole(Role.INPUTS)) {
      List<HistogramStep> h = s.histograms(tag);
      if (h.size() < 3) {
        continue;
      }
      result = Examined.CLEAR;
      Set<String> seen = new HashSet<>();
      int repeats = 0;
      long first = -1;
      for (HistogramStep x : h) {
        String key = Arrays.toString(x.left()) + Arrays.toString(x.right()) + Arrays.toString(x.count());
        if (!seen.add(key)) {
          repeats++;
          first = first < 0 ? x.step() : first;
        }
      }
      double frac = (double) repeats / h.size();
      if (frac >= t.get(Threshold.REPEAT_FRACTION)) {
        out.add(new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), "", first, h.get(h.size() - 1).step(),
            RuleSupport.ev("repeated_fraction", frac, "distinct_batches", seen.size(), "batches", h.size()),
            "the input histogram is identical at " + repeats + " of " + h.size() + " logged steps: the same batch is"
                + " fed again", SUGGESTION, "input histograms"));
        return Examined.FOUND;
      }
    }
    return result;
  }

  /** Input images whose bytes come back at different steps. */
  private Examined inputImages(Subject s, Thresholds t, List<Finding> out) {
    Examined result = Examined.TOO_LITTLE;
    for (TagRole tag : s.withRole(Role.INPUT_IMAGES)) {
      String low = tag.tag().toLowerCase(java.util.Locale.ROOT);
      if (tag.split() == Split.VALIDATION || !(tag.split() == Split.TRAIN || low.contains("batch") || low.contains("train"))) {
        continue; // a fixed set of samples shown at every step is the same as it should be: only training batches count
      }
      List<byte[]> images = s.images(tag, 50);
      if (images.size() < 3) {
        continue;
      }
      result = Examined.CLEAR;
      Set<String> seen = new HashSet<>();
      int repeats = 0;
      for (byte[] b : images) {
        if (!seen.add(Arrays.toString(digest(b)))) {
          repeats++;
        }
      }
      double frac = (double) repeats / images.size();
      if (frac >= t.get(Threshold.REPEAT_FRACTION)) {
        out.add(new Finding(id(), Severity.WARNING, tag.run(), List.of(tag.tag()), "", 0, 0,
            RuleSupport.ev("repeated_fraction", frac, "distinct_batches", seen.size(), "batches", images.size()),
            "the logged input images are identical at " + repeats + " of " + images.size() + " steps: the same batch"
                + " is fed again", SUGGESTION, "input images"));
        return Examined.FOUND;
      }
    }
    return result;
  }

  private static byte[] digest(byte[] b) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The curves of a network that sees a handful of samples: from the first evaluation on, the
   * validation loss is many times the training loss, the training loss ends near zero, and the
   * validation accuracy (or loss) does not improve.
   */
  private void fromCurves(Subject s, Thresholds t, List<Finding> out) {
    Facts f = Facts.of(s);
    Series train = f.trainEpochLoss != null ? f.trainEpochLoss : f.trainLoss;
    Series val = f.valLoss;
    if (train == null || val == null || val.size() < 2 || train.nonFinite() > 0 || val.nonFinite() > 0) {
      return;
    }
    // a network that sees one batch has it by heart within the first epoch: by the first or second
    // evaluation (an epoch-level training loss averages the first epoch's learning in)
    int at = 0;
    double ratio = val.values()[0] / RuleSupport.valueNear(train, val.steps()[0]);
    double second = val.values()[1] / RuleSupport.valueNear(train, val.steps()[1]);
    if (second > ratio) {
      ratio = second;
      at = 1;
    }
    double end = Stats.mean(train.values(), RuleSupport.tailStart(train.size(), 0.1), train.size());
    double start = Double.isFinite(f.startLoss) ? f.startLoss : train.values()[0];
    boolean collapsed = end <= t.get(Threshold.REPEAT_COLLAPSE) * start;
    boolean valStuck = f.valAcc != null && f.valAcc.size() >= 2
        ? Stats.max(f.valAcc.values()) - f.valAcc.values()[0] <= t.get(Threshold.REPEAT_VAL_GAIN)
        : val.values()[val.size() - 1] >= val.values()[0];
    if (!(ratio >= t.get(Threshold.REPEAT_VAL_OVER_TRAIN)) || !collapsed || !valStuck) {
      return;
    }
    out.add(new Finding(id(), Severity.WARNING, val.run(), List.of(train.tag(), val.tag()), "", val.steps()[0],
        val.lastStep(), RuleSupport.ev("val_over_train_early", ratio, "evaluation", at + 1, "train_loss_end", end,
            "train_loss_start", start),
        "the network memorises a handful of samples: at the " + (at == 0 ? "first" : "second") + " evaluation (step "
            + val.steps()[at] + ") the validation loss is " + RuleSupport.fmt(ratio) + " times the training loss, the training"
            + " loss ends at "
            + RuleSupport.fmt(end) + " and validation does not improve: the same batch is probably fed again and again",
        SUGGESTION + " (or the training set is far smaller than intended)",
        "training and validation curves (no batch fingerprints or input samples logged)"));
  }
}
