package dev.trainscope.diagnose;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One training's diagnosis read as a practitioner would give it: the most likely root cause first,
 * the findings it explains attached as its consequences (a blow-up at step 1, then dead ReLUs, then
 * a loss flat at chance level), and anything it does not explain after it. A consequence gives no
 * advice of its own, so that no two pieces of advice in a verdict contradict each other ("raise the
 * learning rate" under "the learning rate is too high").
 *
 * @param subject the training
 * @param root the root cause, or the most severe finding when none explains the others; null for
 *     a training with no warning or error
 * @param consequences findings that follow from the root, in the order they appear
 * @param others findings the root does not explain, each with its own advice, most severe first
 * @param notes informational findings (a restart), not part of the verdict
 */
public record Verdict(String subject, Finding root, List<Finding> consequences, List<Finding> others,
    List<Finding> notes) {

  public Verdict {
    consequences = List.copyOf(consequences);
    others = List.copyOf(others);
    notes = List.copyOf(notes);
  }

  /** The worst severity of the root cause and its consequences: how bad the training is; null when healthy. */
  public Severity severity() {
    if (root == null) {
      return null;
    }
    Severity worst = root.severity();
    for (Finding f : consequences) {
      worst = f.severity().compareTo(worst) > 0 ? f.severity() : worst;
    }
    return worst;
  }

  /** True when nothing at warning level or above was found. */
  public boolean healthy() {
    return root == null;
  }

  /**
   * Which findings each cause explains: what follows from it, as a practitioner knows. A cause
   * explains a finding of another rule when both are present in the same training. (No order in
   * time is asked for: the train and validation runs of one training can count steps differently,
   * batches against epochs.)
   */
  static final Map<String, Set<String>> EXPLAINS = Map.ofEntries(
      Map.entry("lr-too-high", Set.of("nan-loss", "loss-surge", "loss-divergence", "oscillation", "stalled",
          "chance-level", "dead-relu", "large-weights", "update-ratio", "exploding-gradients", "saturated-activations",
          "vanishing-gradients", "lr-too-low", "overfitting")),
      // not lr-too-high: that one fires only on a sound start, which makes it the cause of the explosion
      Map.entry("exploding-gradients", Set.of("nan-loss", "loss-surge", "loss-divergence", "oscillation", "stalled",
          "chance-level", "dead-relu", "large-weights", "update-ratio", "saturated-activations", "lr-too-low")),
      Map.entry("unnormalized-inputs", Set.of("exploding-gradients", "nan-loss", "loss-surge", "loss-divergence",
          "oscillation", "large-weights", "update-ratio", "saturated-activations", "dead-relu", "stalled",
          "chance-level", "input-scales", "lr-too-high")),
      Map.entry("input-scales", Set.of("loss-surge", "oscillation", "stalled", "update-ratio")),
      Map.entry("symmetric-init", Set.of("stalled", "chance-level", "vanishing-gradients", "dead-relu", "update-ratio",
          "lr-too-low", "saturated-activations", "large-weights")),
      Map.entry("dead-relu", Set.of("stalled", "chance-level", "vanishing-gradients", "update-ratio", "lr-too-low")),
      Map.entry("saturated-activations", Set.of("vanishing-gradients", "stalled", "chance-level", "large-weights",
          "update-ratio", "lr-too-low", "oscillation", "loss-surge")),
      Map.entry("vanishing-gradients", Set.of("stalled", "chance-level", "update-ratio", "lr-too-low")),
      Map.entry("lr-too-low", Set.of("stalled", "chance-level", "update-ratio")),
      Map.entry("labels-mismatch", Set.of("overfitting", "chance-level", "stalled", "loss-divergence")),
      Map.entry("repeated-batches", Set.of("overfitting", "loss-divergence", "oscillation")),
      // sorted data leave the network predicting the class it saw last: validation at chance while the
      // training loss falls looks like labels that do not match, but a saw-tooth no label fault makes
      Map.entry("unshuffled-data", Set.of("overfitting", "oscillation", "loss-surge", "loss-divergence", "stalled",
          "labels-mismatch", "chance-level")),
      Map.entry("overfitting", Set.of()));

  /**
   * The order in which causes are named when more than one stands unexplained: the one nearer the
   * start of the pipeline (data, initialisation, optimiser) first.
   */
  static final List<String> CAUSE_ORDER = List.of("unnormalized-inputs", "input-scales", "labels-mismatch",
      "repeated-batches", "unshuffled-data", "symmetric-init", "exploding-gradients", "lr-too-high", "dead-relu",
      "saturated-activations", "vanishing-gradients", "lr-too-low", "overfitting");

  /** Groups a training's findings into its verdict. */
  static Verdict of(String subject, List<Finding> findings) {
    List<Finding> notes = new ArrayList<>();
    List<Finding> serious = new ArrayList<>();
    for (Finding f : findings) {
      (f.severity() == Severity.INFO ? notes : serious).add(f);
    }
    if (serious.isEmpty()) {
      return new Verdict(subject, null, List.of(), List.of(), notes);
    }
    // which findings some other present cause explains
    Map<Finding, Finding> explainedBy = new HashMap<>();
    for (Finding f : serious) {
      for (Finding c : serious) {
        if (c != f && explains(c, f) && !(explains(f, c) && rank(f) < rank(c))) {
          explainedBy.putIfAbsent(f, c);
        }
      }
    }
    List<Finding> roots = new ArrayList<>();
    for (Finding f : serious) {
      if (!explainedBy.containsKey(f)) {
        roots.add(f);
      }
    }
    if (roots.isEmpty()) {
      roots.add(serious.get(0)); // a cycle of explanations: the first, most severe, stands
    }
    roots.sort(ROOT_ORDER);
    Finding root = roots.get(0);
    Map<Finding, Boolean> underRoot = new LinkedHashMap<>();
    for (Finding f : serious) {
      if (f != root && reaches(f, root, explainedBy, serious)) {
        underRoot.put(f, true);
      }
    }
    List<Finding> consequences = new ArrayList<>(underRoot.keySet());
    consequences.sort(Comparator.comparingLong(Finding::fromStep));
    List<Finding> others = new ArrayList<>();
    for (Finding f : serious) {
      if (f != root && !underRoot.containsKey(f)) {
        others.add(f);
      }
    }
    others.sort(ROOT_ORDER);
    return new Verdict(subject, root, consequences, others, notes);
  }

  /** True when {@code f} follows from {@code root}, directly or through a chain of present findings. */
  private static boolean reaches(Finding f, Finding root, Map<Finding, Finding> explainedBy, List<Finding> all) {
    if (explains(root, f)) {
      return true;
    }
    // through another finding the root explains
    for (Finding mid : all) {
      if (mid != f && mid != root && explains(root, mid) && explains(mid, f)) {
        return true;
      }
    }
    return false;
  }

  static boolean explains(Finding cause, Finding effect) {
    Set<String> set = EXPLAINS.get(cause.rule());
    return set != null && set.contains(effect.rule());
  }

  /** A cause's place in {@link #CAUSE_ORDER}; symptoms after every cause. */
  static int rank(Finding f) {
    int i = CAUSE_ORDER.indexOf(f.rule());
    return i < 0 ? CAUSE_ORDER.size() : i;
  }

  /** Causes before symptoms, then most severe, then in pipeline order, then earliest. */
  static final Comparator<Finding> ROOT_ORDER = Comparator
      .comparing((Finding f) -> !EXPLAINS.containsKey(f.rule()))
      .thenComparing(Finding::severity, Comparator.reverseOrder())
      .thenComparingInt(Verdict::rank)
      .thenComparingLong(Finding::fromStep);
}
