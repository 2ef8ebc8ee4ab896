package dev.trainscope.diagnose;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something that looks wrong in a training, with its evidence.
 *
 * @param rule the rule's id ("loss-surge", "vanishing-gradients", ...)
 * @param run the run where the evidence is (the first, when several)
 * @param tags the tags that show it
 * @param layer the layer it is localised to, "" when not per layer
 * @param fromStep where it begins
 * @param toStep where the evidence ends
 * @param evidence the numbers that triggered it, by name, in the order they matter
 * @param summary one line: what is wrong
 * @param suggestion what to try
 * @param basis the evidence the rule read, in words ("per-layer gradient norms", "weight
 *     histograms: no gradients logged"), "" when it is the tags named
 */
public record Finding(
    String rule,
    Severity severity,
    String run,
    List<String> tags,
    String layer,
    long fromStep,
    long toStep,
    Map<String, Double> evidence,
    String summary,
    String suggestion,
    String basis) {

  /** A finding whose basis is the tags it names. */
  public Finding(String rule, Severity severity, String run, List<String> tags, String layer, long fromStep,
      long toStep, Map<String, Double> evidence, String summary, String suggestion) {
    this(rule, severity, run, tags, layer, fromStep, toStep, evidence, summary, suggestion, "");
  }

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(run, "run");
    tags = List.copyOf(tags);
    layer = layer == null ? "" : layer;
    evidence = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evidence));
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(suggestion, "suggestion");
    basis = basis == null ? "" : basis;
  }
}
