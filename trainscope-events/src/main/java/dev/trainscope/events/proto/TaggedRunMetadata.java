package dev.trainscope.events.proto;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;
import java.util.Arrays;
import java.util.Objects;

/** {@code TaggedRunMetadata { string tag = 1; bytes run_metadata = 2; }}; RunMetadata stays bytes. */
public record TaggedRunMetadata(String tag, byte[] runMetadata)
    implements Event.Payload {
  public TaggedRunMetadata {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(runMetadata, "runMetadata");
  }

  /** Reads one TaggedRunMetadata from its bytes (without a length prefix). */
  public static TaggedRunMetadata parse(byte[] bytes) {
    return decode(ProtoReader.of(bytes));
  }

  /** Reads one TaggedRunMetadata from {@code length} bytes at {@code offset}. */
  public static TaggedRunMetadata parse(byte[] bytes, int offset, int length) {
    return decode(ProtoReader.of(bytes, offset, length));
  }

  static TaggedRunMetadata decode(ProtoReader r) {
    String tag = "";
    byte[] md = new byte[0];
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1:
          r.expect(t, ProtoReader.LEN, "tag");
          tag = r.readString();
          break;
        case 2:
          r.expect(t, ProtoReader.LEN, "run_metadata");
          md = r.readBytes();
          break;
        default:
          r.skipField(t);
      }
    }
    return new TaggedRunMetadata(tag, md);
  }

  /** This message in the protobuf wire format (without a length prefix). */
  public byte[] toByteArray() {
    return ProtoWriter.encode(this::encodeTo);
  }

  void encodeTo(ProtoWriter w) {
    w.writeStringField(1, tag);
    w.writeBytesField(2, runMetadata);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaggedRunMetadata t && tag.equals(t.tag) && Arrays.equals(runMetadata, t.runMetadata);
  }

  @Override
  public int hashCode() {
    return tag.hashCode() * 31 + Arrays.hashCode(runMetadata);
  }

  @Override
  public String toString() {
    return "TaggedRunMetadata[tag=" + tag + ", runMetadata=" + runMetadata.length + " bytes]";
  }
}
