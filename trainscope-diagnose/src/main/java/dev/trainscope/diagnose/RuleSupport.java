package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.events.meaning.Role;
import dev.trainscope.events.meaning.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small helpers the rules and their shared analyses use: evidence maps and number formatting for
 * findings, the windows and series they read. Depends on no rule and not on the registry
 * ({@link Rules}), so that the registry lists rules and rules use helpers without a cycle
 * ({@code PackageCyclesTest} checks it).
 */
final class RuleSupport {
  private RuleSupport() {}

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

  /** True when the learning rate rose by more than 20 % between the two steps. */
  static boolean lrRaised(Series lr, long from, long to) {
    if (lr == null || lr.isEmpty()) {
      return false;
    }
    double before = Double.NaN;
    double peak = Double.NaN;
    for (int i = 0; i < lr.size(); i++) {
      long st = lr.steps()[i];
      if (st <= from) {
        before = lr.values()[i];
      } else if (st <= to + 1) {
        peak = Double.isNaN(peak) ? lr.values()[i] : Math.max(peak, lr.values()[i]);
      }
    }
    return Double.isFinite(before) && Double.isFinite(peak) && peak > before * Limit.LR_RAISED.value();
  }

  /** The value of a series at the step nearest to the given one. */
  static double valueNear(Series s, long step) {
    int lo = 0;
    int hi = s.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s.steps()[mid] < step) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo > 0 && Math.abs(s.steps()[lo - 1] - step) < Math.abs(s.steps()[lo] - step)) {
      lo--;
    }
    return s.values()[lo];
  }

  /**
   * The length of the cycle the batch fingerprints repeat in when they come back in the same order
   * each cycle, each batch once a cycle (a data set fed in a fixed order, epoch after epoch); 0 when
   * they do not (a batch fed again and again, or no repeat at all).
   */
  static int cycle(Series fingerprints) {
    double[] v = fingerprints.values();
    java.util.Map<Long, Integer> firstAt = new java.util.HashMap<>();
    int period = 0;
    for (int i = 0; i < v.length && period == 0; i++) {
      Integer before = firstAt.putIfAbsent(Double.doubleToLongBits(v[i]), i);
      if (before != null) {
        period = i - before;
      }
    }
    if (period == 0) {
      return 0;
    }
    int same = 0;
    for (int i = period; i < v.length; i++) {
      same += Double.doubleToLongBits(v[i]) == Double.doubleToLongBits(v[i - period]) ? 1 : 0;
    }
    // the first repeat may come back to the cycle's first batch only: the rest must follow in order
    return same >= Limit.CYCLE_IN_ORDER.value() * (v.length - period) ? period : 0;
  }
}
