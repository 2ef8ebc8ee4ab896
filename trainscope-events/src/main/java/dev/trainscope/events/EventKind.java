package dev.trainscope.events;

/** Which member of {@code Event.what} an event carries. */
public enum EventKind {
  /** None: an event with only a wall time and step (or nothing at all). */
  NONE,
  FILE_VERSION,
  GRAPH_DEF,
  SUMMARY,
  LOG_MESSAGE,
  SESSION_LOG,
  TAGGED_RUN_METADATA,
  META_GRAPH_DEF;

  /** The name TensorBoard's protobuf oneof uses ({@code "summary"}, {@code "file_version"}, ...). */
  public String protoName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
