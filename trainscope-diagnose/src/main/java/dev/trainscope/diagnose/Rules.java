package dev.trainscope.diagnose;

import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;

import dev.trainscope.data.HistogramStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every rule, and small helpers they share. */
public final class Rules {
  private Rules() {}

  /** All rules, in the order their findings are most useful to read. */
  public static List<Rule> all() {
    return List.of(new LrTooHigh(), new ExplodingGradients(), new UnnormalizedInputs(), new SymmetricInit(),
        new DeadUnits(), new Saturation(), new VanishingGradients(), new LrTooLow(), new LabelsMismatch(),
        new RepeatedBatches(), new Unshuffled(), new Overfitting(), new NonFiniteLoss(), new Divergence(),
        new Surge(), new Oscillation(), new Stall(), new ChanceLevel(), new LargeWeights(), new UpdateRatio(),
        new Restarted());
  }

  static Map<String, Double> ev(Object... kv) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
    }
    return m;
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e5)) {
      return String.format(Locale.ROOT, "%.2e", v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** The losses rules read for the training side: train, else of unknown split. */
  static List<TagRole> trainLosses(Subject s) {
    List<TagRole> out = new ArrayList<>();
    for (TagRole t : s.withRole(Role.LOSS)) {
      if (t.split() != Split.VALIDATION) {
        out.add(t);
      }
    }
    return out;
  }

  /** The index from which the last {@code fraction} of a series starts. */
  static int tailStart(int n, double fraction) {
    return Math.max(0, (int) Math.floor(n * (1 - fraction)));
  }

  static HistogramStep last(List<HistogramStep> h) {
    return h.isEmpty() ? null : h.get(h.size() - 1);
  }
}
