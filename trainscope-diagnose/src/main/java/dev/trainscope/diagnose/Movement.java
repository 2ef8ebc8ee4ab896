package dev.trainscope.diagnose;

import dev.trainscope.data.HistogramStep;
import dev.trainscope.events.meaning.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * How far each weight layer moved between its first and last logged histogram: the evidence about
 * gradients in logs that have none (Keras' callback logs weights only). Gradient descent moves a
 * layer in proportion to its gradient, so layers that stay put while others move receive little
 * of it. A layer's movement is the larger of its weights' change over their spread and its
 * biases' change over the weights' spread; biases are left out in networks with normalisation
 * layers, where a bias before the normalisation gets no gradient at all.
 */
final class Movement {
  private Movement() {}

  record LayerMove(Layer layer, String run, String tag, long from, long to, double weights, double biases) {
    double moved() {
      return Math.max(weights, Double.isNaN(biases) ? 0 : biases);
    }
  }

  static List<LayerMove> layers(Subject s) {
    boolean normalised = false;
    for (Layer l : s.layers()) {
      normalised |= l.isNorm();
    }
    List<LayerMove> out = new ArrayList<>();
    for (Layer l : s.weightLayers()) {
      TagRole w = l.tag(Role.WEIGHTS);
      if (w == null) {
        continue;
      }
      List<HistogramStep> h = s.histograms(w);
      if (h.size() < 2) {
        continue;
      }
      HistogramStep a = h.get(0);
      HistogramStep z = h.get(h.size() - 1);
      double biases = Double.NaN;
      TagRole b = l.biasTag(Role.BIASES);
      if (b != null && !normalised) {
        List<HistogramStep> hb = s.histograms(b);
        if (hb.size() >= 2) {
          double spread = Math.max(Hist.std(a), 1e-12);
          HistogramStep ba = hb.get(0);
          HistogramStep bz = hb.get(hb.size() - 1);
          double d = Math.max(Math.abs(Hist.mean(bz) - Hist.mean(ba)), Math.abs(Hist.std(bz) - Hist.std(ba)));
          d = Math.max(d, Math.max(Math.abs(Hist.min(bz) - Hist.min(ba)), Math.abs(Hist.max(bz) - Hist.max(ba))));
          biases = d / spread;
        }
      }
      out.add(new LayerMove(l, w.run(), w.tag(), a.step(), z.step(), Hist.movement(a, z), biases));
    }
    return out;
  }

  /**
   * True when the training loss barely improved: by less than {@code stall.movementImprovement}
   * from its first to its last tenth, or it ends at chance level.
   */
  static boolean lossStalled(Subject s, Thresholds t) {
    Series v = Facts.of(s).trainLoss;
    if (v == null || v.size() < 2 || v.nonFinite() > 0) {
      return false;
    }
    int n = v.size();
    double first = Stats.mean(v.values(), 0, Math.max(1, n / 10));
    double last = Stats.mean(v.values(), RuleSupport.tailStart(n, 0.1), n);
    return first > 0 && (first - last) / first < t.get(Threshold.STALL_MOVEMENT_IMPROVEMENT);
  }
}
