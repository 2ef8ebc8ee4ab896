package dev.trainscope.diagnose;

import dev.trainscope.data.TagKind;

/**
 * What a run's tag is, as inferred: its role, the data split it was computed on, and for per-layer
 * quantities the layer's name ("" when not per layer).
 */
public record TagRole(String run, String tag, TagKind kind, Role role, Split split, String layer) {}
