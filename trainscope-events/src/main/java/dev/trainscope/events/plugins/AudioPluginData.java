package dev.trainscope.events.plugins;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;

/** {@code AudioPluginData { int32 version = 1; Encoding encoding = 2; }} with WAV = 11. */
public record AudioPluginData(int version, int encoding) implements ProtoWriter.Encodable {
  public static final int ENCODING_UNKNOWN = 0;
  public static final int ENCODING_WAV = 11;

  public static AudioPluginData parse(byte[] content) {
    ProtoReader r = ProtoReader.of(content);
    int version = 0;
    int encoding = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      switch (ProtoReader.fieldNumber(t)) {
        case 1: r.expect(t, ProtoReader.VARINT, "version"); version = r.readInt32(); break;
        case 2: r.expect(t, ProtoReader.VARINT, "encoding"); encoding = r.readInt32(); break;
        default: r.skipField(t);
      }
    }
    return new AudioPluginData(version, encoding);
  }

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, version);
    w.writeInt64Field(2, encoding);
  }

  public byte[] toByteArray() {
    return ProtoWriter.encode(this);
  }
}
