package dev.trainscope.diagnose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Vanishing and exploding gradients, localised to layers, from the per-layer gradient norms
 * (layers in the order they were logged: input to output). AUTOTRAINER's test: the ratio of the
 * first layer's gradient norm to the last layer's below beta_1 with the first layer's norm below
 * beta_2 is vanishing; above beta_3 is exploding. Exploding also when a layer's gradient norm grows
 * by orders of magnitude over the run or becomes NaN or infinite.
 */
final class GradientFlow implements Rule {
  @Override
  public String id() {
    return "gradient-flow";
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    Map<String, TagRole> layers = s.byLayer(Role.GRAD_NORM);
    if (layers.isEmpty()) {
      return;
    }
    List<String> names = new ArrayList<>(layers.keySet());
    // weights against weights: a bias's gradient (grad_norm/<layer>/bias) is no layer of its own
    List<String> weights = names.stream().filter(n -> !Rules.isBias(n)).toList();
    if (weights.size() >= 2) {
      names = new ArrayList<>(weights);
    }
    List<Series> series = new ArrayList<>();
    for (String l : names) {
      series.add(s.series(layers.get(l)));
    }
    // NaN or infinite gradients: exploding, at the first layer where it shows
    for (int i = 0; i < names.size(); i++) {
      Series v = series.get(i);
      if (v.nonFinite() > 0) {
        out.add(new Finding("exploding-gradients", Severity.ERROR, v.run(), List.of(v.tag()), names.get(i),
            v.firstNonFiniteStep(), v.lastStep(), Rules.ev("non_finite_values", v.nonFinite()),
            "gradient norm of layer '" + names.get(i) + "' became NaN or infinite at step " + v.firstNonFiniteStep(),
            "gradients exploded: lower the learning rate, clip gradient norms, use batch normalisation and a "
                + "smaller weight initialisation"));
        return;
      }
    }
    double[] tailNorm = new double[names.size()];
    double[] headNorm = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      Series v = series.get(i);
      if (v.isEmpty()) {
        return;
      }
      tailNorm[i] = Stats.median(v.values(), Rules.tailStart(v.size(), 0.2), v.size());
      headNorm[i] = Stats.median(v.values(), 0, Math.max(1, v.size() / 10));
    }
    int first = 0;
    int last = names.size() - 1;
    Series f = series.get(first);
    long from = f.steps()[Rules.tailStart(f.size(), 0.2)];
    if (names.size() >= 2) {
      double ratio = tailNorm[first] / tailNorm[last];
      // exactly zero is no faded gradient but a dead layer (its ReLUs pass nothing): the dead-relu rule's
      if (tailNorm[first] > 0 && ratio < t.get("vanishing.ratio") && tailNorm[first] < t.get("vanishing.norm")) {
        double max = 0;
        for (double x : tailNorm) {
          max = Math.max(max, x);
        }
        List<String> faded = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
          if (tailNorm[i] < t.get("vanishing.ratio") * max) {
            faded.add(names.get(i));
            tags.add(series.get(i).tag());
          }
        }
        out.add(new Finding("vanishing-gradients", Severity.ERROR, f.run(), tags, names.get(first),
            since(f, series.get(last), t.get("vanishing.ratio"), from), f.lastStep(),
            Rules.ev("first_layer_norm", tailNorm[first], "last_layer_norm", tailNorm[last], "ratio", ratio,
                "layers_faded", faded.size()),
            "gradients vanish toward the input: layer '" + names.get(first) + "' gets " + Rules.fmt(ratio)
                + " of the gradient norm of '" + names.get(last) + "' (faded: " + String.join(", ", faded) + ")",
            "use ReLU-family activations instead of sigmoid/tanh, He/Xavier initialisation, batch normalisation, "
                + "residual connections, or a shallower network"));
        return;
      }
      double growthFirst = tailNorm[first] / headNorm[first];
      if (ratio > t.get("exploding.ratio") && growthFirst > 10) {
        out.add(new Finding("exploding-gradients", Severity.ERROR, f.run(), List.of(f.tag()), names.get(first), from,
            f.lastStep(), Rules.ev("first_layer_norm", tailNorm[first], "last_layer_norm", tailNorm[last], "ratio", ratio,
                "growth", growthFirst),
            "gradients explode toward the input: layer '" + names.get(first) + "' gets " + Rules.fmt(ratio)
                + " times the gradient norm of '" + names.get(last) + "', " + Rules.fmt(growthFirst) + " times its early norm",
            "lower the learning rate, clip gradient norms, normalise the inputs, use a smaller initialisation or "
                + "batch normalisation"));
        return;
      }
    }
    for (int i = 0; i < names.size(); i++) {
      double growth = tailNorm[i] / headNorm[i];
      if (growth > t.get("exploding.growth")) {
        Series v = series.get(i);
        out.add(new Finding("exploding-gradients", Severity.ERROR, v.run(), List.of(v.tag()), names.get(i),
            v.steps()[0], v.lastStep(), Rules.ev("early_norm", headNorm[i], "late_norm", tailNorm[i], "growth", growth),
            "the gradient norm of layer '" + names.get(i) + "' grew " + Rules.fmt(growth) + " times over the run",
            "lower the learning rate, clip gradient norms, normalise the inputs"));
        return;
      }
    }
  }

  /**
   * The step from which the first layer's gradient norm has stayed below {@code ratio} times the
   * last layer's, walking back from the end over the steps both logged; {@code fallback} when they
   * share no steps.
   */
  static long since(Series first, Series last, double ratio, long fallback) {
    Map<Long, Double> lastAt = new java.util.HashMap<>();
    for (int i = 0; i < last.size(); i++) {
      lastAt.put(last.steps()[i], last.values()[i]);
    }
    long since = Long.MIN_VALUE;
    for (int i = first.size() - 1; i >= 0; i--) {
      Double l = lastAt.get(first.steps()[i]);
      if (l == null) {
        continue;
      }
      if (!(first.values()[i] < ratio * l)) {
        break;
      }
      since = first.steps()[i];
    }
    return since == Long.MIN_VALUE ? fallback : Math.min(since, fallback);
  }
}
