package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;

import java.util.List;

/**
 * Sudden loss surges far above the recent level, and jumps that stay up: signs of a learning rate
 * too high for the loss landscape. A surge where the learning rate itself was just raised (a
 * warm-up restart) is expected and ignored. Robust statistics: the recent median and median
 * absolute deviation, over a window of recent points, on a 3-point running median so that one bad
 * batch is not a surge. Within the first window one raw value far above the first loss counts
 * too ({@code surge.earlyFactor}): at the start no batch is that much harder than the others, and a
 * rate high enough to blow the network up in one step often kills it in the next (every ReLU dead,
 * the loss flat at chance level after), which leaves no run of high values for the median to keep.
 */
final class Surge implements Rule {
  @Override
  public String id() {
    return "loss-surge";
  }

  @Override
  public Coverage coverage(Subject s) {
    return Facts.of(s).trainLoss == null ? Coverage.notChecked("no training loss logged") : Coverage.checked("training loss");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    int w = (int) t.get(Threshold.SURGE_WINDOW);
    double k = t.get(Threshold.SURGE_MADS);
    double factor = t.get(Threshold.SURGE_FACTOR);
    TagRole lr = s.first(Role.LEARNING_RATE, Split.TRAIN);
    if (lr == null) {
      lr = s.first(Role.LEARNING_RATE, Split.UNKNOWN);
    }
    Series rate = lr == null ? null : s.series(lr);
    for (TagRole tag : RuleSupport.trainLosses(s)) {
      Series v = s.series(tag);
      int n = v.size();
      if (n < 3 * w || v.nonFinite() > 0) {
        continue;
      }
      double[] m3 = runningMedian3(v.values());
      // the scale of the loss: where training started
      double minRise = t.get(Threshold.SURGE_MIN_RISE) * Math.abs(m3[0]);
      int surges = 0;
      int prolonged = 0;
      long firstStep = 0;
      double worst = 0;
      double worstBase = 0;
      int i = w;
      while (i < n) {
        double med = Stats.median(m3, i - w, i);
        double mad = Stats.mad(m3, i - w, i);
        double bar = med + k * Math.max(mad, 1e-3 * Math.abs(med));
        if (med > 0 && m3[i] > bar && m3[i] > factor * med && m3[i] - med >= minRise
            && !RuleSupport.lrRaised(rate, v.steps()[Math.max(0, i - w)], v.steps()[i])) {
          surges++;
          if (surges == 1) {
            firstStep = v.steps()[i];
          }
          if (m3[i] / med > worst / Math.max(worstBase, 1e-300)) {
            worst = m3[i];
            worstBase = med;
          }
          double after = Stats.median(m3, i, Math.min(n, i + w));
          if (after > factor * med) {
            prolonged++;
          }
          i += w; // one surge per window
        } else {
          i++;
        }
      }
      // a jump right after the first steps, on the 3-point median
      int peak = surges == 0 ? earlyJump(m3, w, factor, minRise, v, rate) : -1;
      if (peak > 0) {
        surges = 1;
        firstStep = v.steps()[peak];
        worst = m3[peak];
        worstBase = v.values()[0];
        double after = Stats.median(m3, peak, Math.min(n, peak + w));
        prolonged = after > factor * worstBase ? 1 : 0;
      }
      // one step that blows the loss up right after the start, on the raw values
      int spike = surges == 0 ? earlyJump(v.values(), w, t.get(Threshold.SURGE_EARLY_FACTOR), minRise, v, rate) : -1;
      boolean blownUp = spike > 0;
      if (blownUp) {
        surges = 1;
        firstStep = v.steps()[spike];
        worst = v.values()[spike];
        worstBase = v.values()[0];
      }
      if (surges > 0) {
        boolean stays = prolonged > 0;
        // a network blown up in one step is broken, not merely unstable: first in the list
        out.add(new Finding(id(), blownUp ? Severity.ERROR : Severity.WARNING, v.run(), List.of(v.tag()), "", firstStep,
            v.lastStep(),
            RuleSupport.ev("surges", surges, "prolonged", prolonged, "worst_loss", worst, "level_before", worstBase,
                "times_level", worst / worstBase),
            blownUp ? "training loss '" + v.tag() + "' jumped to " + RuleSupport.fmt(worst) + " at step " + firstStep + ", "
                + RuleSupport.fmt(worst / worstBase) + " times its first value (" + RuleSupport.fmt(worstBase) + "): one step blew the"
                + " network up"
                : "training loss '" + v.tag() + "' surged " + surges + " time(s) far above its recent level (worst "
                + RuleSupport.fmt(worst) + " against " + RuleSupport.fmt(worstBase) + ")" + (stays ? ", and stayed up" : ""),
            "the learning rate is probably too high: lower it, add warm-up, or clip gradients"));
      }
    }
  }

  /**
   * The index of the highest of {@code a}'s values 1 to {@code w - 1} when it is above {@code
   * factor} times the loss's first (positive) value and at least {@code minRise} above it, the
   * learning rate not raised in between: a jump right after the start, where the loss should fall
   * from its initial value, not multiply. -1 otherwise.
   */
  private static int earlyJump(double[] a, int w, double factor, double minRise, Series v, Series rate) {
    int peak = 0;
    for (int j = 1; j < w; j++) {
      if (a[j] > a[peak]) {
        peak = j;
      }
    }
    double first = v.values()[0];
    return peak > 0 && first > 0 && a[peak] > factor * first && a[peak] - first >= minRise
        && !RuleSupport.lrRaised(rate, v.steps()[0], v.steps()[peak]) ? peak : -1;
  }

  private static double[] runningMedian3(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double a = v[Math.max(0, i - 1)];
      double b = v[i];
      double c = v[Math.min(v.length - 1, i + 1)];
      out[i] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
    return out;
  }
}
