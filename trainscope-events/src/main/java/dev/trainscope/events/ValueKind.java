package dev.trainscope.events;

/** Which member of {@code Summary.Value.value} a value carries. */
public enum ValueKind {
  NONE,
  SIMPLE_VALUE,
  OBSOLETE_OLD_STYLE_HISTOGRAM,
  IMAGE,
  HISTO,
  AUDIO,
  TENSOR;

  /** The name of the protobuf field ({@code "simple_value"}, {@code "histo"}, ...). */
  public String protoName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
