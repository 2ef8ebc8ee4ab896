package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.data.TagKind;
import dev.trainscope.events.meaning.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient norm of each weight layer, input to output, as the rules compare them: from the
 * per-layer norm scalars ({@code grad_norm/<param>}, Lightning's {@code grad_2.0_norm/<param>}) or
 * else from gradient histograms ({@code fc1.weight.grad}), whose values give the norm.
 */
final class Gradients {
  private Gradients() {}

  /**
   * One layer's gradient norms.
   *
   * @param head the median of the first tenth of the values
   * @param tail the median of the last fifth
   * @param first the first value
   * @param nonFinite how many values are NaN or infinite, and from which step ({@code firstBad})
   */
  record LayerNorms(String run, String tag, String layer, long from, long to, double head, double tail, double first,
      double[] values, long[] steps, long nonFinite, long firstBad) {}

  /** From the per-layer gradient norm scalars of the weights (biases are no layers of their own). */
  static List<LayerNorms> perLayer(Subject s) {
    List<LayerNorms> out = new ArrayList<>();
    for (Layer l : s.weightLayers()) {
      TagRole t = l.tag(Role.GRAD_NORM);
      if (t == null || t.kind() != TagKind.SCALAR) {
        continue;
      }
      Series v = s.series(t);
      if (v.isEmpty()) {
        continue;
      }
      out.add(new LayerNorms(v.run(), v.tag(), l.name(), v.steps()[0], v.lastStep(),
          Stats.median(v.values(), 0, Math.max(1, v.size() / 10)),
          Stats.median(v.values(), RuleSupport.tailStart(v.size(), 0.2), v.size()), v.values()[0], v.values(), v.steps(),
          v.nonFinite(), v.firstNonFiniteStep()));
    }
    return out;
  }

  /** From the weights' gradient histograms: the norm is sqrt(n (std^2 + mean^2)). */
  static List<LayerNorms> histogramLayers(Subject s) {
    List<LayerNorms> out = new ArrayList<>();
    for (Layer l : s.weightLayers()) {
      TagRole t = l.tag(Role.GRADIENTS);
      if (t == null || t.kind() != TagKind.HISTOGRAM) {
        continue;
      }
      List<HistogramStep> h = s.histograms(t);
      if (h.isEmpty()) {
        continue;
      }
      double[] values = new double[h.size()];
      long[] steps = new long[h.size()];
      long bad = 0;
      long firstBad = Long.MIN_VALUE;
      for (int i = 0; i < h.size(); i++) {
        values[i] = norm(h.get(i));
        steps[i] = h.get(i).step();
        if (!Double.isFinite(values[i])) {
          bad++;
          firstBad = firstBad == Long.MIN_VALUE ? steps[i] : firstBad;
        }
      }
      out.add(new LayerNorms(t.run(), t.tag(), l.name(), steps[0], steps[steps.length - 1],
          Stats.median(values, 0, Math.max(1, values.length / 10)),
          Stats.median(values, RuleSupport.tailStart(values.length, 0.2), values.length), values[0], values, steps, bad,
          firstBad));
    }
    return out;
  }

  /** Either source, whichever covers more layers. */
  static List<LayerNorms> any(Subject s) {
    List<LayerNorms> a = perLayer(s);
    List<LayerNorms> b = histogramLayers(s);
    return b.size() > a.size() ? b : a;
  }

  static double norm(HistogramStep h) {
    double sd = Hist.std(h);
    double m = Hist.mean(h);
    return Math.sqrt(Hist.total(h) * (sd * sd + m * m));
  }

  /** The first value of the total gradient norm, or of the largest per-layer norm at the first step; NaN when none. */
  static double atStart(Subject s) {
    Series total = Facts.of(s).gradNormTotal;
    if (total != null && !total.isEmpty()) {
      return total.values()[0];
    }
    double max = Double.NaN;
    for (LayerNorms n : any(s)) {
      max = Double.isNaN(max) ? n.first() : Math.max(max, n.first());
    }
    return max;
  }
}
