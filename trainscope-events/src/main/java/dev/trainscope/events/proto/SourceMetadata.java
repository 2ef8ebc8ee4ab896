package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Objects;

/** {@code SourceMetadata { string writer = 1; }}: which library wrote the file (Event field 10). */
public record SourceMetadata(String writer) {
  public SourceMetadata {
    Objects.requireNonNull(writer, "writer");
  }

  /** Reads one SourceMetadata from its bytes (without a length prefix). */
  public static SourceMetadata parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one SourceMetadata from {@code length} bytes at {@code offset}. */
  public static SourceMetadata parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static SourceMetadata decode(ProtoReader r) {
    String writer = "";
    for (int tag; (tag = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(tag) == 1) {
        r.expect(tag, ProtoReader.LEN, "writer");
        writer = r.readString();
      } else {
        r.skipField(tag);
      }
    }
    return new SourceMetadata(writer);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeStringField(1, writer);
  }
}
