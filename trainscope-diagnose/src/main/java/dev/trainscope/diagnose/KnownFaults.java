package dev.trainscope.diagnose;

import java.util.Map;
import java.util.Set;

/**
 * The training faults Trainscope is measured on (the demo's {@code --fault}s and the labelled
 * corpora's), each with the rules whose finding names its cause: what a verdict's root must be for
 * the diagnosis to be right.
 */
public final class KnownFaults {
  private KnownFaults() {}

  /** Fault name -> the rules that name its root cause. */
  public static final Map<String, Set<String>> ROOT_CAUSE = Map.ofEntries(
      Map.entry("lr-high", Set.of("lr-too-high")),
      Map.entry("lr-low", Set.of("lr-too-low")),
      Map.entry("no-normalize", Set.of("unnormalized-inputs", "input-scales")),
      Map.entry("dead-relu", Set.of("dead-relu")),
      Map.entry("vanishing", Set.of("vanishing-gradients")),
      Map.entry("exploding", Set.of("exploding-gradients")),
      Map.entry("overfit", Set.of("overfitting")),
      Map.entry("repeat-batch", Set.of("repeated-batches")),
      Map.entry("saturated", Set.of("saturated-activations")),
      Map.entry("shuffled-labels", Set.of("labels-mismatch")),
      Map.entry("unshuffled", Set.of("unshuffled-data")),
      Map.entry("zero-init", Set.of("symmetric-init")));

  /** The faults that sit in particular layers, where a finding should name the layer. */
  public static final Set<String> LAYERED = Set.of("dead-relu", "vanishing", "exploding", "saturated", "zero-init");

  /** True when the verdict names the fault's root cause first. */
  public static boolean rightRoot(String fault, Verdict v) {
    return v.root() != null && ROOT_CAUSE.getOrDefault(fault, Set.of()).contains(v.root().rule());
  }
}
