package dev.trainscope.writer;

import dev.trainscope.events.proto.SummaryMetadata;
import dev.trainscope.events.proto.SummaryValue;
import dev.trainscope.events.wire.ProtoWriter;

/**
 * A tag of one event file, with its {@code Summary.Value} fields encoded once: the tag field and
 * the metadata field that goes with its first value in the file.
 */
final class Tag {
  final Run run;
  final String name;
  final Kind kind;
  /** The metadata of the first value; null when the tag has none. */
  final SummaryMetadata metadata;
  /** {@code Summary.Value.tag} with its key and length. */
  final byte[] tagField;
  /** {@code Summary.Value.metadata} with its key and length, or null. */
  final byte[] metadataField;
  /** Written by the consumer thread only: whether the metadata has gone into the file. */
  boolean metadataWritten;
  /** Consumer thread only: a scalar event's bytes after its step, see {@link Consumer#scalarTail}. */
  byte[] scalarTail;

  Tag(Run run, String name, Kind kind, SummaryMetadata metadata) {
    this.run = run;
    this.name = name;
    this.kind = kind;
    this.metadata = metadata;
    ProtoWriter w = new ProtoWriter(name.length() + 8);
    w.writeStringFieldAlways(SummaryValue.TAG, name);
    this.tagField = w.toByteArray();
    this.metadataField = metadata == null ? null : metadataField(metadata);
  }

  /** {@code Summary.Value.metadata} with its key and length. */
  static byte[] metadataField(SummaryMetadata metadata) {
    ProtoWriter w = new ProtoWriter();
    w.writeBytesFieldAlways(SummaryValue.METADATA, metadata.toByteArray());
    return w.toByteArray();
  }

  @Override
  public String toString() {
    return kind.noun + " tag '" + name + "' in " + run.file;
  }
}
