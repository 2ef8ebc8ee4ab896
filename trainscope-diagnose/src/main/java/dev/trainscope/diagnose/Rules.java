package dev.trainscope.diagnose;

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
    return List.of(new NonFiniteLoss(), new Divergence(), new Surge(), new GradientFlow(), new DeadUnits(),
        new Saturation(), new LargeWeights(), new UpdateRatio(), new Overfitting(), new Oscillation(),
        new Stall(), new UnnormalizedInputs(), new RepeatedBatches(), new Restarted());
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
  /** True for a per-parameter layer name that is a bias ({@code conv2d_1/bias}, {@code fc.bias}), not a layer's weights. */
  static boolean isBias(String layer) {
    return layer.matches("(?i).*[/.]bias");
  }

  static int tailStart(int n, double fraction) {
    return Math.max(0, (int) Math.floor(n * (1 - fraction)));
  }

  /** Mean of a histogram from its buckets (bucket centres). */
  static double histMean(HistogramStep h) {
    double s = 0;
    double n = 0;
    for (int i = 0; i < h.buckets(); i++) {
      double c = (h.left()[i] + h.right()[i]) / 2;
      s += c * h.count()[i];
      n += h.count()[i];
    }
    return n == 0 ? Double.NaN : s / n;
  }

  static double histStd(HistogramStep h) {
    double m = histMean(h);
    double s = 0;
    double n = 0;
    for (int i = 0; i < h.buckets(); i++) {
      double c = (h.left()[i] + h.right()[i]) / 2;
      s += (c - m) * (c - m) * h.count()[i];
      n += h.count()[i];
    }
    return n == 0 ? Double.NaN : Math.sqrt(s / n);
  }

  /** The largest magnitude a histogram reaches (its outermost edges). */
  static double histMaxAbs(HistogramStep h) {
    double m = 0;
    for (int i = 0; i < h.buckets(); i++) {
      if (h.count()[i] > 0) {
        m = Math.max(m, Math.max(Math.abs(h.left()[i]), Math.abs(h.right()[i])));
      }
    }
    return m;
  }

  /** The share of a histogram's mass beyond +-bound (buckets straddling it counted pro rata). */
  static double histBeyond(HistogramStep h, double bound) {
    double beyond = 0;
    double total = 0;
    for (int i = 0; i < h.buckets(); i++) {
      double l = h.left()[i];
      double r = h.right()[i];
      double c = h.count()[i];
      total += c;
      if (c == 0) {
        continue;
      }
      double width = r - l;
      if (width <= 0) {
        beyond += Math.abs(l) > bound ? c : 0;
        continue;
      }
      double outside = Math.max(0, Math.min(r, -bound) - l) + Math.max(0, r - Math.max(l, bound));
      beyond += c * Math.min(1, outside / width);
    }
    return total == 0 ? 0 : beyond / total;
  }

  static HistogramStep last(List<HistogramStep> h) {
    return h.isEmpty() ? null : h.get(h.size() - 1);
  }
}
