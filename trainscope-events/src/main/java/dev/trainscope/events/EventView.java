package dev.trainscope.events;

import dev.trainscope.events.proto.Event;
import dev.trainscope.events.proto.LogMessage;
import dev.trainscope.events.proto.SessionLog;
import dev.trainscope.events.proto.TaggedRunMetadata;

/**
 * One event as the scanner sees it: the wall time, step and kind are read; everything else is
 * decoded only when asked for. A view is reused for the next event, so it is valid only during
 * the callback that receives it; copy what you keep.
 *
 * <p>The decoding methods throw {@link dev.trainscope.events.proto.MalformedProtoException} on bad
 * bytes; when that escapes a callback the scanner reports it as a problem and goes on.
 */
public interface EventView {
  /** The file offset of the record holding this event. */
  long recordOffset();

  /** The length of the record's data (the serialized event). */
  int recordLength();

  double wallTime();

  long step();

  EventKind kind();

  /** {@code file_version}, or null when this is not a file-version event. */
  String fileVersion();

  /** {@code source_metadata.writer}, or null when absent. */
  String sourceWriter();

  /** The bytes of {@code graph_def} or {@code meta_graph_def}, or null for other kinds. */
  byte[] graphBytes();

  /** {@code session_log}, or null for other kinds. */
  SessionLog sessionLog();

  /** {@code log_message}, or null for other kinds. */
  LogMessage logMessage();

  /** {@code tagged_run_metadata}, or null for other kinds. */
  TaggedRunMetadata taggedRunMetadata();

  /** The whole event, decoded. */
  Event decode();

  /** A copy of the record's data bytes. */
  byte[] copyBytes();
}
