package dev.trainscope.events;

import dev.trainscope.events.proto.AudioProto;
import dev.trainscope.events.proto.HistogramProto;
import dev.trainscope.events.proto.ImageProto;
import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.proto.TensorProto;

/**
 * One {@code Summary.Value} of an event, decoded lazily: the tag and the kind are known, a
 * scalar's number costs a few bytes of parsing, and nothing else is decoded unless asked for. A
 * view is reused, so it is valid only during the callback that receives it.
 */
public interface ValueView {
  /** The position of this value within its event's summary, from 0. */
  int index();

  /** The tag; the deprecated {@code node_name} when the tag is empty, as TensorBoard reads it. */
  String tag();

  ValueKind kind();

  boolean hasMetadata();

  /** The metadata's plugin name, "" when there is none or no metadata. */
  String pluginName();

  /** The metadata, decoded; null when absent. */
  SummaryMetadata metadata();

  /**
   * True when the value is one number: a {@code simple_value}, or a rank-0 tensor of a real-number
   * type.
   */
  boolean isScalar();

  /** The number of a scalar value, widened to double (NaN and infinities as they are). */
  double scalar();

  HistogramProto histogram();

  ImageProto image();

  AudioProto audio();

  TensorProto tensor();

  /** The whole value, decoded. */
  SummaryValue decode();

  /**
   * The offset of this value's payload (the bytes of its {@code oneof value} member, without key
   * and length) within the record's data, so that a blob can be fetched later by (file, record
   * offset, payload offset, payload length).
   */
  int payloadOffset();

  int payloadLength();

  /**
   * Hands this value's payload bytes (the bytes of its {@code oneof value} member) to {@code reader}
   * without copying them, for a caller that wants a few fields of a large payload (an image's size,
   * a tensor's shape). The array is the scanner's buffer: valid only during the call, not to be
   * changed.
   */
  <T> T readPayload(PayloadReader<T> reader);

  /** Reads what it needs from {@code length} bytes at {@code offset} of {@code bytes}. */
  @FunctionalInterface
  interface PayloadReader<T> {
    T read(byte[] bytes, int offset, int length);
  }
}
