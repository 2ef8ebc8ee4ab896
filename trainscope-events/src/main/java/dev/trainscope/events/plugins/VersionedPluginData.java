package dev.trainscope.events.plugins;

import dev.trainscope.events.wire.ProtoReader;
import dev.trainscope.events.wire.ProtoWriter;

/**
 * The plugin data of the scalars, histograms and text plugins: {@code message XPluginData { int32
 * version = 1; }} (version 0 is the only one defined). Images carry an empty message.
 */
public record VersionedPluginData(int version) implements ProtoWriter.Encodable {
  public static final VersionedPluginData V0 = new VersionedPluginData(0);

  public static VersionedPluginData parse(byte[] content) {
    ProtoReader r = ProtoReader.of(content);
    int version = 0;
    for (int t; (t = r.readTag()) != 0; ) {
      if (ProtoReader.fieldNumber(t) == 1) {
        r.expect(t, ProtoReader.VARINT, "version");
        version = r.readInt32();
      } else {
        r.skipField(t);
      }
    }
    return new VersionedPluginData(version);
  }

  @Override
  public void encodeTo(ProtoWriter w) {
    w.writeInt64Field(1, version);
  }

  public byte[] toByteArray() {
    return ProtoWriter.encode(this);
  }
}
