package dev.trainscope.diagnose;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradients that fade toward the input, localised to layers. From per-layer gradient norms when
 * they are logged (AUTOTRAINER's test: the first layer's norm below beta_1 = 1e-3 times the last
 * layer's, and below beta_2 = 1e-4), else from gradient histograms, else from what the weights did:
 * early layers whose weights and biases did not move while later ones did, over a training whose
 * loss barely improved (gradient descent moves a layer in proportion to its gradient).
 */
final class VanishingGradients implements Rule {
  static final String SUGGESTION = "use ReLU-family activations instead of sigmoid/tanh, He/Xavier initialisation, "
      + "batch normalisation, residual connections, or a shallower network";

  @Override
  public String id() {
    return "vanishing-gradients";
  }

  @Override
  public Coverage coverage(Subject s) {
    if (Gradients.perLayer(s).size() >= 2) {
      return Coverage.checked("per-layer gradient norms");
    }
    if (Gradients.histogramLayers(s).size() >= 2) {
      return Coverage.checked("gradient histograms");
    }
    if (Movement.layers(s).size() >= 2) {
      return Coverage.partly("no gradients logged: judged from how far each layer's weights moved");
    }
    return Coverage.notChecked("no per-layer gradients, and fewer than two layers' weight histograms");
  }

  @Override
  public void check(Subject s, Thresholds t, List<Finding> out) {
    List<Gradients.LayerNorms> norms = Gradients.perLayer(s);
    String basis = "per-layer gradient norms";
    if (norms.size() < 2) {
      norms = Gradients.histogramLayers(s);
      basis = "gradient histograms";
    }
    if (norms.size() >= 2) {
      fromNorms(norms, t, basis, out);
      return;
    }
    fromMovement(s, t, out);
  }

  private void fromNorms(List<Gradients.LayerNorms> norms, Thresholds t, String basis, List<Finding> out) {
    Gradients.LayerNorms first = norms.get(0);
    Gradients.LayerNorms last = norms.get(norms.size() - 1);
    double ratio = first.tail() / last.tail();
    // exactly zero is no faded gradient but a dead or symmetric layer: other rules say so
    if (!(first.tail() > 0 && ratio < t.get(Threshold.VANISHING_RATIO) && first.tail() < t.get(Threshold.VANISHING_NORM))) {
      return;
    }
    double max = 0;
    for (Gradients.LayerNorms n : norms) {
      max = Math.max(max, n.tail());
    }
    List<String> faded = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (Gradients.LayerNorms n : norms) {
      if (n.tail() < t.get(Threshold.VANISHING_RATIO) * max) {
        faded.add(n.layer());
        tags.add(n.tag());
      }
    }
    long from = first.steps()[RuleSupport.tailStart(first.steps().length, 0.2)];
    out.add(new Finding(id(), Severity.ERROR, first.run(), tags, first.layer(), since(first, last, t.get(Threshold.VANISHING_RATIO),
        from), first.to(), RuleSupport.ev("first_layer_norm", first.tail(), "last_layer_norm", last.tail(), "ratio", ratio, "layers_faded",
            faded.size()),
        "gradients vanish toward the input: layer '" + first.layer() + "' gets " + RuleSupport.fmt(ratio)
            + " of the gradient norm of '" + last.layer() + "' (faded: " + String.join(", ", faded) + ")",
        SUGGESTION, basis));
  }

  /**
   * The step from which the first layer's gradient norm has stayed below {@code ratio} times the
   * last layer's, walking back from the end over the steps both logged; {@code fallback} when they
   * share no steps.
   */
  static long since(Gradients.LayerNorms first, Gradients.LayerNorms last, double ratio, long fallback) {
    java.util.Map<Long, Double> lastAt = new java.util.HashMap<>();
    for (int i = 0; i < last.steps().length; i++) {
      lastAt.put(last.steps()[i], last.values()[i]);
    }
    long since = Long.MIN_VALUE;
    for (int i = first.steps().length - 1; i >= 0; i--) {
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

  /** Without gradients: the first layer did not move while a later one did, and the loss stalled. */
  private void fromMovement(Subject s, Thresholds t, List<Finding> out) {
    List<Movement.LayerMove> moves = Movement.layers(s);
    if (moves.size() < 2 || !Movement.lossStalled(s, t)) {
      return;
    }
    Movement.LayerMove first = moves.get(0);
    Movement.LayerMove most = first;
    for (Movement.LayerMove m : moves) {
      if (m.moved() > most.moved()) {
        most = m;
      }
    }
    double ratio = first.moved() / most.moved();
    if (most == first || most.moved() < t.get(Threshold.VANISHING_MIN_MOVE) || ratio >= t.get(Threshold.VANISHING_RATIO)) {
      return;
    }
    List<String> still = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (Movement.LayerMove m : moves) {
      if (m.moved() < t.get(Threshold.VANISHING_RATIO) * most.moved()) {
        still.add(m.layer().name());
        tags.add(m.tag());
      }
    }
    out.add(new Finding(id(), Severity.ERROR, first.run(), tags, first.layer().name(), first.from(), first.to(),
        RuleSupport.ev("first_layer_moved", first.moved(), "most_moved", most.moved(), "ratio", ratio, "layers_still",
            still.size()),
        "gradients vanish toward the input: the weights of layer '" + first.layer().name() + "' "
            + (first.moved() == 0 ? "did not move at all while those of '" + most.layer().name() + "' moved"
                : "moved " + RuleSupport.fmt(ratio) + " times as far as those of '" + most.layer().name() + "'")
            + ", and the loss barely improved (still: " + String.join(", ", still) + ")",
        SUGGESTION, "weight histograms (no gradients logged: how far each layer's weights and biases moved)"));
  }
}
