package dev.trainscope.events.proto;

import java.util.Objects;

/** {@code SourceMetadata { string writer = 1; }}: which library wrote the file (Event field 10). */
public record SourceMetadata(String writer) implements ProtoWriter.Encodable {
  public SourceMetadata {
    Objects.requireNonNull(writer, "writer");
  }

  public static SourceMetadata decode(ProtoReader r) {
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

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeStringField(1, writer);
  }
}
